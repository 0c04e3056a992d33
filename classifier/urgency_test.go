package classifier

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseUrgency(t *testing.T) {
	tests := []struct {
		in   string
		want Urgency
		ok   bool
	}{
		{"P1", P1, true}, {"p2", P2, true}, {" P3 ", P3, true}, {"p4", P4, true},
		{"critical", P1, true}, {"HIGH", P2, true}, {"Normal", P3, true}, {"low", P4, true},
		{"", 0, false}, {"P0", 0, false}, {"P5", 0, false}, {"1", 0, false}, {"urgent", 0, false}, {"P 1", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseUrgency(tt.in)
			if tt.ok != (err == nil) || got != tt.want {
				t.Fatalf("ParseUrgency(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
			}
			if !tt.ok && !errors.Is(err, ErrInvalidUrgency) {
				t.Errorf("error %v does not wrap ErrInvalidUrgency", err)
			}
		})
	}
}

func TestUrgencyStrings(t *testing.T) {
	tests := []struct {
		u          Urgency
		str, name  string
		marshalErr bool
	}{
		{P1, "P1", "critical", false},
		{P2, "P2", "high", false},
		{P3, "P3", "normal", false},
		{P4, "P4", "low", false},
		{0, "P?", "invalid", true},
		{5, "P?", "invalid", true},
		{-1, "P?", "invalid", true},
	}
	for _, tt := range tests {
		t.Run(tt.str+tt.name, func(t *testing.T) {
			if s := tt.u.String(); s != tt.str {
				t.Errorf("String() = %q, want %q", s, tt.str)
			}
			if n := tt.u.Name(); n != tt.name {
				t.Errorf("Name() = %q, want %q", n, tt.name)
			}
			b, err := tt.u.MarshalText()
			if tt.marshalErr {
				if !errors.Is(err, ErrInvalidUrgency) {
					t.Errorf("MarshalText() error = %v, want ErrInvalidUrgency", err)
				}
				return
			}
			var back Urgency
			if err != nil || back.UnmarshalText(b) != nil || back != tt.u {
				t.Errorf("MarshalText/UnmarshalText round trip: %q, %v -> %v", b, err, back)
			}
		})
	}
}

func TestUrgencyUnmarshalKeepsValueOnError(t *testing.T) {
	u := P2
	if err := u.UnmarshalText([]byte("P9")); !errors.Is(err, ErrInvalidUrgency) || u != P2 {
		t.Errorf("UnmarshalText(P9) = %v, left %v; want ErrInvalidUrgency and P2 unchanged", err, u)
	}
}

func TestDecisionJSON(t *testing.T) {
	d := Decision{
		Urgency: P2, Category: "deploy", Estimate: 1.5, Labels: []string{"prod"},
		SLA: SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}, Team: "platform",
		Rule: "deploy-blocked", Matched: []string{"blocked", "deploy"}, Also: []string{"tag-prod"},
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"urgency":"P2","category":"deploy","estimate":1.5,"labels":["prod"],"sla":{"ack":"15m","resolve":"4h"},"team":"platform","rule":"deploy-blocked","matched":["blocked","deploy"],"also":["tag-prod"]}`
	if string(b) != want {
		t.Errorf("json.Marshal =\n%s\nwant\n%s", b, want)
	}
	var back Decision
	if err := json.Unmarshal(b, &back); err != nil || !equalDecision(back, d) {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, d)
	}

	minimal, err := json.Marshal(Decision{Urgency: P3, Rule: "default", Default: true})
	if err != nil || string(minimal) != `{"urgency":"P3","rule":"default","default":true}` {
		t.Errorf("minimal decision = %s, %v", minimal, err)
	}
	if err := json.Unmarshal([]byte(`{"urgency":"P7"}`), &back); !errors.Is(err, ErrInvalidUrgency) {
		t.Errorf("decoding urgency P7: %v, want ErrInvalidUrgency", err)
	}
	if err := json.Unmarshal([]byte(`{"sla":{"ack":"soon"}}`), &back); err == nil {
		t.Error("decoding sla.ack \"soon\" succeeded")
	}
}
