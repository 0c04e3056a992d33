package bot_test

import (
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// A charge that crosses several thresholds at once posts one alert, naming
// the highest: two would say the same usage, in whatever order the outbox
// ran them ("13% used … (past 10%)", then "(past 5%)").
func TestOneChargePastTwoThresholdsPostsOneAlert(t *testing.T) {
	h := newHarness(t)
	h.withTeam("data", func(t *triage.Team) { t.Budget.Thresholds = []float64{0.05, 0.1, 1} })
	h.event("EvBurst", h.message(dataHelp, outsider, "the nightly invoices ETL failed with a schema mismatch", h.ts(), ""))
	r := h.ticketed(1)[0]
	if r.Estimate <= 0 {
		t.Fatalf("estimate %g: the test needs a charge", r.Estimate)
	}
	h.settled()
	var alerts []string
	for _, c := range h.postsWith("C0DATA", "Interrupt budget") {
		alerts = append(alerts, c.Form.Get("text"))
	}
	if len(alerts) != 1 || !strings.Contains(alerts[0], "(past 10%)") {
		t.Fatalf("budget alerts %q, want one past 10%%", alerts)
	}
}
