package render

import (
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// HomeTeam is one team's part of the App Home. It is a plain value, safe
// for concurrent reads.
type HomeTeam struct {
	Team      *triage.Team
	Now, Next oncall.Shift
	Ledger    *sprint.Ledger // nil when nothing was charged this sprint
	Open      []*triage.Request
	// Similar is whether the viewer sees the open requests' similar past
	// requests: they are the team's working notes, for its members, its
	// leads and whoever is on call, not for every requester.
	Similar bool
}

// Home is everything the App Home of User shows, as of At. It is a plain
// value, safe for concurrent reads.
type Home struct {
	User  string
	Teams []HomeTeam
	Mine  []*triage.Request
	At    time.Time
}

// Per-list caps in the App Home; long lists end with "and N more".
const (
	homeOpen = 15
	homeMine = 10
	// blocksPerTeam is what one team takes: header, on-call, budget, open
	// requests, their similar past requests, divider.
	blocksPerTeam = 6
)

// AppHome returns the App Home tab: a "New request" button, then per team
// who is on call now and next, the budget gauge and the open requests with
// their age and SLA state, most urgent first and then oldest first, then
// the user's own requests. It stays within
// Slack's 100 blocks however many teams and requests there are.
func AppHome(h Home) slack.HomeTabViewRequest {
	blocks := []slack.Block{
		section("*sprintguard*: every request gets a ticket; the sprint keeps its interrupt budget."),
		slack.NewActionBlock("sg_home", button(ActionOpenRequest, "", "New request", slack.StylePrimary)),
		slack.NewDividerBlock(),
	}
	// Room for the user's own requests and a final note about teams left out.
	room := maxView - len(blocks) - 3
	for i, ht := range h.Teams {
		if room < blocksPerTeam {
			blocks = append(blocks, note("and "+itoa(len(h.Teams)-i)+" more teams"))
			break
		}
		blocks = append(blocks, homeTeam(ht, h.At)...)
		room -= blocksPerTeam
	}
	blocks = append(blocks, header("Your requests"), section(strings.Join(listLines(h.Mine, homeMine, h.At), "\n")))
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

func homeTeam(ht HomeTeam, at time.Time) []slack.Block {
	team := ht.Team
	if team == nil {
		team = &triage.Team{Name: ht.Now.Team}
	}
	loc := zone(team)
	who := "*On call:* " + onCallUser(ht.Now) + " until " + stamp(ht.Now.End, loc) +
		"\n*Next:* " + onCallUser(ht.Next) + " (handoff " + stamp(ht.Next.Start, loc) + ")"

	total := team.Budget.Total()
	used := 0.0
	if ht.Ledger != nil {
		total, used = ht.Ledger.Total, ht.Ledger.Used()
	}
	budget := "*Interrupt budget:* `" + Bar(used, total, barWidth) + "` " + Escape(ledgerUnit(team, ht.Ledger))

	open := "*Open requests (" + itoa(len(ht.Open)) + "):*\n" + strings.Join(orderedLines(mostUrgentFirst(ht.Open), homeOpen, at), "\n")
	name := team.Name
	if strings.TrimSpace(name) == "" {
		name = "Team" // Slack rejects an empty header
	}
	blocks := []slack.Block{header(name), section(who), section(budget), section(open)}
	if s := homeSimilarText(ht.Open, team.Budget.Unit); s != "" && ht.Similar {
		blocks = append(blocks, section(s))
	}
	return append(blocks, slack.NewDividerBlock())
}
