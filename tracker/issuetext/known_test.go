package issuetext

import (
	"errors"
	"slices"
	"testing"
)

func TestKnown(t *testing.T) {
	var k Known
	lists := 0
	var made []string
	list := func() ([]string, error) { lists++; return []string{"Bug", "sprintguard"}, nil }
	create := func(name string) error { made = append(made, name); return nil }
	for range 2 {
		if err := k.Ensure("acme/ops", []string{"sprintguard", "bug", "urgency:P1"}, list, create); err != nil {
			t.Fatal(err)
		}
	}
	if lists != 1 || !slices.Equal(made, []string{"urgency:P1"}) {
		t.Errorf("listed %d times, made %q", lists, made)
	}
	boom := errors.New("boom")
	if err := k.Ensure("acme/data", []string{"x"}, func() ([]string, error) { return nil, boom }, create); !errors.Is(err, boom) {
		t.Errorf("list failure: %v", err)
	}
	if err := k.Ensure("acme/data", []string{"x"}, list, func(string) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("create failure: %v", err)
	}
	if err := k.Ensure("acme/data", []string{"x"}, list, create); err != nil || made[len(made)-1] != "x" {
		t.Errorf("a failed label is made on the next try: %v, %q", err, made)
	}
}

func TestColour(t *testing.T) {
	for label, want := range map[string]string{"urgency:P1": "b60205", "urgency::P4": "0e8a16", "interrupt": "5319e7", "access": "ededed", "urgency::P9": "ededed"} {
		if got := Colour(label); got != want {
			t.Errorf("Colour(%q) = %s, want %s", label, got, want)
		}
	}
}
