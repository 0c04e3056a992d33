package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tests need real zones whatever the host has
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func testTeam(t *testing.T) *triage.Team {
	t.Helper()
	return &triage.Team{
		Name:     "platform",
		Location: mustZone(t, "America/Chicago"),
		Members:  []string{"UA", "UB"},
		Leads:    []string{"UL1", "UL2"},
		Budget:   sprint.Budget{Capacity: 50, Fraction: 0.2, Unit: "points"},
	}
}

// testRequest is an accepted, open P2 with a ticket, created on Wed 4 Mar
// 2026 15:00 in Chicago; mods adjust it per case.
func testRequest(t *testing.T, mods ...func(*triage.Request)) *triage.Request {
	t.Helper()
	at := time.Date(2026, 3, 4, 15, 0, 0, 0, mustZone(t, "America/Chicago"))
	r := &triage.Request{
		ID: 12, Team: "platform", Source: triage.SourceChannel,
		Channel: "C0HELP", ChannelName: "platform-help", TS: "1772658000.000100",
		User: "U0REQ", Summary: "Deploy blocked on staging", Details: "The migrate step fails.",
		CreatedAt: at, NotifyAt: at,
		Decision: classifier.Decision{Urgency: classifier.P2, Rule: "deploy-blocked", Matched: []string{"blocked", "deploy"},
			SLA: classifier.SLA{Ack: 15 * time.Minute, Resolve: 4 * time.Hour}},
		Urgency: classifier.P2, Outcome: triage.Accepted, Status: triage.StatusOpen,
		Sprint: 3, SprintStart: time.Date(2026, 2, 23, 0, 0, 0, 0, at.Location()), Estimate: 2,
		Assignee: "UA", Ticket: triage.Ticket{Key: "REQ-12", URL: "https://jira.example.com/browse/REQ-12"},
		Events: []triage.Event{{At: at, Kind: "received", Actor: "U0REQ"}},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

// decoded is a Block Kit payload as Slack receives it: plain JSON values.
type decoded = []any

func decode(t *testing.T, v any) decoded {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal blocks: %v", err)
	}
	var out decoded
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode blocks %s: %v", b, err)
	}
	return out
}

// walk calls f on every JSON object in v, depth first.
func walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, c := range x {
			walk(c, f)
		}
	case []any:
		for _, c := range x {
			walk(c, f)
		}
	}
}

// elements returns the interactive elements by action id.
func elements(blocks decoded) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	walk(blocks, func(m map[string]any) {
		if id, ok := m["action_id"].(string); ok {
			out[id] = append(out[id], m)
		}
	})
	return out
}

// actionIDs returns the action ids in order of appearance.
func actionIDs(blocks decoded) []string {
	var ids []string
	for _, b := range blocks {
		walk(b, func(m map[string]any) {
			if id, ok := m["action_id"].(string); ok {
				ids = append(ids, id)
			}
		})
	}
	return ids
}

// texts returns every text of every text object, joined by newlines.
func texts(blocks decoded) string {
	var out []string
	walk(blocks, func(m map[string]any) {
		if typ, _ := m["type"].(string); typ == "mrkdwn" || typ == "plain_text" {
			s, _ := m["text"].(string)
			out = append(out, s)
		}
	})
	return strings.Join(out, "\n")
}

// checkLimits fails when blocks break a Block Kit limit or when mrkdwn
// holds a <...> token sprintguard would never write, which means user
// text was not escaped.
func checkLimits(t *testing.T, blocks decoded, maxBlocks int) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, limit %d", len(blocks), maxBlocks)
	}
	walk(blocks, func(m map[string]any) {
		typ, _ := m["type"].(string)
		switch typ {
		case "mrkdwn", "plain_text":
			s, _ := m["text"].(string)
			if n := utf8.RuneCountInString(s); n > maxSectionText {
				t.Errorf("text of %d runes, limit %d", n, maxSectionText)
			}
			if typ == "mrkdwn" {
				checkTokens(t, s)
			}
		case "header":
			s, _ := m["text"].(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(s); n > maxHeaderText || n == 0 {
				t.Errorf("header of %d runes, want 1..%d", n, maxHeaderText)
			}
		case "button":
			v, _ := m["value"].(string)
			if len(v) > maxButtonValue {
				t.Errorf("button value of %d bytes, limit %d", len(v), maxButtonValue)
			}
			s, _ := m["text"].(map[string]any)["text"].(string)
			if n := utf8.RuneCountInString(s); n > maxPlainLabel {
				t.Errorf("button text of %d runes, limit %d", n, maxPlainLabel)
			}
		}
	})
}

// checkTokens fails on a mrkdwn token other than a mention, a channel, a
// date or a link, and on a stray '&' that is not an entity.
func checkTokens(t *testing.T, s string) {
	t.Helper()
	for rest := s; ; {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			t.Errorf("unclosed < in %q", s)
			break
		}
		tok := rest[i+1 : i+j]
		ok := false
		for _, p := range []string{"@U", "#C", "!date^", "http://", "https://"} {
			ok = ok || strings.HasPrefix(tok, p)
		}
		if !ok {
			t.Errorf("unexpected token <%s> in %q", tok, s)
		}
		rest = rest[i+j+1:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '&' {
			continue
		}
		rest := s[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			t.Errorf("bare & in %q", s)
			return
		}
	}
}

// checkMessage applies checkLimits to m and checks its fallback text.
func checkMessage(t *testing.T, m Message) decoded {
	t.Helper()
	if strings.TrimSpace(m.Text) == "" {
		t.Error("message has no fallback text")
	}
	if n := utf8.RuneCountInString(m.Text); n > maxSectionText {
		t.Errorf("fallback text of %d runes", n)
	}
	checkTokens(t, m.Text)
	if len(m.Options()) != 2 {
		t.Errorf("Options() returned %d options, want text and blocks", len(m.Options()))
	}
	d := decode(t, m.Blocks)
	checkLimits(t, d, maxMessage)
	return d
}

func wantContains(t *testing.T, got string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
	for _, w := range not {
		if strings.Contains(got, w) {
			t.Errorf("unexpected %q in:\n%s", w, got)
		}
	}
}
