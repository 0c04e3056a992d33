package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/triage"
)

// Requesters are shown by the display names the caller resolved, in every
// format; one without a name falls back to the name its request recorded,
// then to the user id.
func TestReportsShowDisplayNames(t *testing.T) {
	reqs := []*triage.Request{
		req(1, nov(16, 9, 0), by("U0ALICE", "", "data")),
		req(2, nov(17, 9, 0), by("U0ALICE", "", "data"), claimed(classifier.P1)),
		req(3, nov(18, 9, 0), by("U0BOB", "", "web")),
		req(4, nov(19, 9, 0), by("U0CAROL", "carol.handle", "")),
		req(5, nov(20, 9, 0), by("U0DAVE", "dave.handle", "")),
	}
	d := Data{Team: testTeam(), Week: w47, Requests: reqs, Now: nov(23, 9, 0),
		Names: map[string]string{"U0ALICE": "Alice Liddell", "U0DAVE": "Dave Bowman"}}
	if got, want := d.Requesters(), []string{"U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"}; !slices.Equal(got, want) {
		t.Fatalf("Requesters() = %v, want %v", got, want)
	}
	w := Compute(d)
	if fe := w.ThisWeek.FalseEmergencies; len(fe) != 1 || fe[0].Requester != "Alice Liddell" || fe[0].RequesterID != "U0ALICE" {
		t.Fatalf("false emergencies %+v, want Alice Liddell's", fe)
	}
	js, err := w.JSON()
	if err != nil {
		t.Fatal(err)
	}
	csv, err := w.CSV()
	if err != nil {
		t.Fatal(err)
	}
	html, err := w.HTML()
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]string{"text": w.Text(), "md": w.Markdown(), "json": string(js), "csv": string(csv), "html": string(html)}
	for name, out := range formats {
		t.Run(name, func(t *testing.T) {
			// Bob has no name: his id stands in. Carol's request recorded
			// her handle.
			for _, want := range []string{"Alice Liddell", "Dave Bowman", "U0BOB", "carol.handle"} {
				if !strings.Contains(out, want) {
					t.Errorf("%s report lacks %q:\n%s", name, want, out)
				}
			}
			if strings.Contains(out, "dave.handle") {
				t.Errorf("%s report shows Dave's old handle, not his display name", name)
			}
		})
	}
}
