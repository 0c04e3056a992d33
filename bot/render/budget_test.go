package render

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func TestBar(t *testing.T) {
	tests := []struct {
		name        string
		used, total float64
		width       int
		want        string
	}{
		{"example", 4, 10, 10, "▓▓▓▓░░░░░░ 4/10 (40%)"},
		{"empty", 0, 10, 10, "░░░░░░░░░░ 0/10 (0%)"},
		{"full", 10, 10, 10, "▓▓▓▓▓▓▓▓▓▓ 10/10 (100%)"},
		{"over", 15, 10, 10, "▓▓▓▓▓▓▓▓▓▓ 15/10 (150%)"},
		{"zero budget unused", 0, 0, 10, "░░░░░░░░░░ 0/0 (0%)"},
		{"zero budget used", 2, 0, 5, "▓▓▓▓▓ 2/0 (no budget)"},
		{"a little shows", 0.1, 100, 10, "▓░░░░░░░░░ 0.1/100 (0%)"},
		{"almost is not full", 9.9, 10, 10, "▓▓▓▓▓▓▓▓▓░ 9.9/10 (99%)"},
		{"default width", 5, 10, 0, "▓▓▓▓▓░░░░░ 5/10 (50%)"},
		{"negative and NaN", -3, math.NaN(), 4, "░░░░ 0/0 (0%)"},
		{"rounding", 1.0 / 3, 1, 3, "▓░░ 0.33/1 (33%)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bar(tt.used, tt.total, tt.width); got != tt.want {
				t.Errorf("Bar(%v, %v, %d) = %q, want %q", tt.used, tt.total, tt.width, got, tt.want)
			}
		})
	}
}

func testLedger(used ...float64) *sprint.Ledger {
	led := sprint.NewLedger("platform", 3, sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points"})
	at := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	for i, u := range used {
		led.Reserve(idValue(int64(i+1)), u, at)
	}
	return led
}

func TestBudgetAlert(t *testing.T) {
	var top []*triage.Request
	for i := range 12 {
		top = append(top, testRequest(t, func(r *triage.Request) {
			r.ID = int64(i + 1)
			r.Ticket = triage.Ticket{Key: "REQ-" + idValue(r.ID)}
			r.Summary = "<b>request</b> " + idValue(r.ID)
			r.Estimate = 1
		}))
	}
	top[0].Actual, top[0].HasActual = 3, true // the ledger has 2 for it: the ledger wins
	tests := []struct {
		name      string
		led       *sprint.Ledger
		threshold float64
		top       []*triage.Request
		want      []string
		not       []string
	}{
		{"80%", testLedger(2, 6), 0.8, top[:2], []string{"Interrupt budget 80% used: 8 of 10 points",
			"`▓▓▓▓▓▓▓▓░░ 8/10 (80%)`", "• REQ-1 &lt;b&gt;request&lt;/b&gt; 1 — 2 points", "REQ-2 &lt;b&gt;request&lt;/b&gt; 2 — 6 points",
			"Team platform · sprint 3"}, []string{"over budget", "more"}},
		{"over", testLedger(8, 4), 1, nil, []string{"Interrupt budget 120% used: 12 of 10 points (past 100%)", "over budget by 2 points"}, []string{"What consumed it"}},
		{"past the threshold says what is used, rounded", testLedger(2, 3.56), 0.5, nil, []string{"Interrupt budget 56% used: 5.56 of 10 points (past 50%)",
			"(56%)`"}, []string{"50% used", "55%"}},
		{"one point", testLedger(1), 0.1, top[:1], []string{"Interrupt budget 10% used: 1 of 10 points", "REQ-1 &lt;b&gt;request&lt;/b&gt; 1 — 1 point"}, []string{"1 points", "past"}},
		{"many", testLedger(1, 1, 1, 1, 1), 0.5, top, []string{"REQ-10 ", "and 2 more"}, []string{"REQ-11 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := BudgetAlert(testTeam(t), tt.led, tt.threshold, tt.top)
			d := checkMessage(t, m)
			wantContains(t, texts(d), tt.want, tt.not)
			if !strings.HasPrefix(m.Text, "Interrupt budget ") {
				t.Errorf("text = %q", m.Text)
			}
		})
	}
}

func TestBudgetStatus(t *testing.T) {
	chicago := mustZone(t, "America/Chicago")
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, chicago)
	end := time.Date(2026, 3, 16, 0, 0, 0, 0, chicago) // DST starts within the sprint
	tests := []struct {
		name string
		led  *sprint.Ledger
		want []string
		not  []string
	}{
		{"used", testLedger(3, 1), []string{"*Interrupt budget of platform, sprint 3* (Mon 2 Mar – Sun 15 Mar)",
			"`▓▓▓▓░░░░░░ 4/10 (40%)` points", "Left: 6 points.", "*Biggest consumers:* request 1: 3 points, request 2: 1 point"}, []string{"Over"}},
		{"over", testLedger(7, 5), []string{"Over budget by 2 points."}, []string{"Left:"}},
		{"no ledger yet", nil, []string{"`░░░░░░░░░░ 0/10 (0%)`", "Left: 10 points."}, []string{"Biggest"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := BudgetStatus(testTeam(t), tt.led, 3, start.UTC(), end.UTC())
			d := checkMessage(t, m)
			wantContains(t, texts(d), tt.want, tt.not)
		})
	}
}
