package render

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// Block ids of the request modal; each block's only element has the same
// action id, and ParseRequestModal's errors are keyed by them.
const (
	blockSummary  = "summary"
	blockDetails  = "details"
	blockType     = "type"
	blockImpact   = "impact"
	blockNeededBy = "needed_by"
	blockLinks    = "links"
)

// choice is one option of a static select: the value the rules see and the
// label people see.
type choice struct{ value, label string }

var requestTypes = []choice{
	{"access", "Access"}, {"deploy", "Deploy"}, {"incident", "Incident"},
	{"infra_change", "Infra change"}, {"question", "Question"}, {"other", "Other"},
}

var impacts = []choice{
	{"just_me", "Just me"}, {"my_team", "My team"}, {"several_teams", "Several teams"}, {"customers", "Customers"},
}

// ModalMeta is carried in the request modal's private_metadata (JSON), so
// the answer lands where the request was asked. It is a plain value, safe
// for concurrent reads.
type ModalMeta struct {
	Channel     string `json:"channel,omitempty"`
	ChannelName string `json:"channel_name,omitempty"`
	TS          string `json:"ts,omitempty"`
	ThreadTS    string `json:"thread_ts,omitempty"`
	Team        string `json:"team,omitempty"`
	Source      string `json:"source,omitempty"`
	Requester   string `json:"requester,omitempty"`
	// Claimed is the urgency the requester claimed (1 for "This is an
	// emergency"); 0 when none.
	Claimed int `json:"claimed,omitempty"`
}

// Prefill is what the request modal opens with. It is a plain value, safe
// for concurrent reads.
type Prefill struct {
	Summary, Details string
	Meta             ModalMeta
}

// Form is a submitted request modal, trimmed and checked. NeededBy is zero
// when no date was picked. It is a plain value, safe for concurrent
// reads.
type Form struct {
	Summary, Details string
	Type, Impact     string // option values, e.g. "infra_change", "just_me"; "" when not picked
	NeededBy         time.Time
	Links            []string
	Meta             ModalMeta
}

// RequestModal returns the "New request" modal, pre-filled with p. A
// summary longer than the field allows is cut at a word and the rest moved
// to the top of the details, so nothing the requester wrote is lost.
func RequestModal(p Prefill) slack.ModalViewRequest {
	summary, details := splitPrefill(p.Summary, p.Details)
	meta, _ := json.Marshal(p.Meta) // a struct of strings and an int always marshals

	var blocks []slack.Block
	if s := origin(p.Meta); s != "" {
		blocks = append(blocks, note(s))
	}
	sum := slack.NewPlainTextInputBlockElement(plain("What do you need, in one line?", 150), blockSummary).
		WithMaxLength(maxSummary).WithInitialValue(summary)
	det := slack.NewPlainTextInputBlockElement(plain("Context, error messages, what you tried", 150), blockDetails).
		WithMultiline(true).WithMaxLength(maxInput).WithInitialValue(details)
	typ := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick a type", 150), blockType, options(requestTypes)...)
	imp := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Who is affected?", 150), blockImpact, options(impacts)...)
	date := slack.NewDatePickerBlockElement(blockNeededBy)
	date.Placeholder = plain("Pick a date", 150)
	links := slack.NewPlainTextInputBlockElement(plain("https://…", 150), blockLinks).
		WithMultiline(true).WithMaxLength(maxInput)

	blocks = append(blocks,
		input(blockSummary, "Summary", "", sum, false),
		input(blockDetails, "Details", "", det, true),
		input(blockType, "Type", "", typ, true),
		input(blockImpact, "Impact", "", imp, true),
		input(blockNeededBy, "Needed by", "", date, true),
		input(blockLinks, "Links", "One web address per line.", links, true),
	)
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain("New request", 24),
		Submit:          plain("Create ticket", 24),
		Close:           plain("Cancel", 24),
		CallbackID:      CallbackRequest,
		PrivateMetadata: string(meta),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

func input(id, label, hint string, el slack.BlockElement, optional bool) *slack.InputBlock {
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint, 2000)
	}
	b := slack.NewInputBlock(id, plain(label, 2000), h, el)
	b.Optional = optional
	return b
}

func options(cs []choice) []*slack.OptionBlockObject {
	out := make([]*slack.OptionBlockObject, len(cs))
	for i, c := range cs {
		out[i] = option(c.value, c.label)
	}
	return out
}

// origin says where the modal came from, so the requester knows where the
// answer will be posted.
func origin(m ModalMeta) string {
	var parts []string
	if where := channel(m.Channel, m.ChannelName); where != "" {
		parts = append(parts, "From "+where+"; the ticket will be posted there.")
	}
	if m.Claimed == 1 {
		parts = append(parts, ":rotating_light: Marked as an emergency.")
	}
	return strings.Join(parts, " ")
}

// splitPrefill fits a message's text into the summary field: its first
// line, cut at a word to maxSummary runes; whatever does not fit opens the
// details.
func splitPrefill(summary, details string) (string, string) {
	summary = strings.TrimSpace(summary)
	var rest string
	if i := strings.IndexByte(summary, '\n'); i >= 0 {
		summary, rest = strings.TrimSpace(summary[:i]), strings.TrimSpace(summary[i+1:])
	}
	if utf8.RuneCountInString(summary) > maxSummary {
		head, tail := triage.CutWords(summary, maxSummary)
		summary, rest = head, join("\n", tail, rest)
	}
	return summary, clipPlain(join("\n\n", rest, strings.TrimSpace(details)), maxInput)
}

func join(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// ParseRequestModal reads a submitted request modal. The errors are keyed
// by block id, ready for a response_action "errors"; they are nil when the
// form is valid. loc is the team's zone: a needed-by date means the end of
// that day there. A needed-by date in the past is not an error; the bot
// decides what it means. It is safe for concurrent use.
func ParseRequestModal(v slack.View, loc *time.Location) (Form, map[string]string) {
	if loc == nil {
		loc = time.UTC
	}
	errs := map[string]string{}
	var f Form
	if v.PrivateMetadata != "" {
		if err := json.Unmarshal([]byte(v.PrivateMetadata), &f.Meta); err != nil {
			errs[blockSummary] = "This form is out of date. Close it and start again."
		}
	}
	vals := values(v)

	f.Summary = strings.TrimSpace(vals(blockSummary).Value)
	switch n := utf8.RuneCountInString(f.Summary); {
	case n == 0:
		errs[blockSummary] = "Write what you need in one line."
	case n > maxSummary:
		errs[blockSummary] = fmt.Sprintf("Keep the summary to %d characters (it has %d); put the rest in Details.", maxSummary, n)
	}
	f.Details = strings.TrimSpace(vals(blockDetails).Value)
	if n := utf8.RuneCountInString(f.Details); n > maxInput {
		errs[blockDetails] = fmt.Sprintf("Keep the details to %d characters (they have %d).", maxInput, n)
	}

	f.Type = vals(blockType).SelectedOption.Value
	if f.Type != "" && !known(requestTypes, f.Type) {
		errs[blockType] = "Pick one of the listed types."
	}
	f.Impact = vals(blockImpact).SelectedOption.Value
	if f.Impact != "" && !known(impacts, f.Impact) {
		errs[blockImpact] = "Pick one of the listed impacts."
	}

	if d := strings.TrimSpace(vals(blockNeededBy).SelectedDate); d != "" {
		t, err := endOfDay(d, loc)
		if err != nil {
			errs[blockNeededBy] = "Pick a date from the calendar."
		}
		f.NeededBy = t
	}

	links, msg := parseLinks(vals(blockLinks).Value)
	f.Links = links
	if msg != "" {
		errs[blockLinks] = msg
	}
	if len(errs) == 0 {
		return f, nil
	}
	return f, errs
}

// values returns a lookup of the view's state by block id. Each block has
// one element whose action id is the block id; any other action id is
// accepted too, in case a block was built elsewhere with another one.
func values(v slack.View) func(block string) slack.BlockAction {
	var state map[string]map[string]slack.BlockAction
	if v.State != nil {
		state = v.State.Values
	}
	return func(block string) slack.BlockAction {
		acts := state[block]
		if a, ok := acts[block]; ok {
			return a
		}
		for _, a := range acts {
			return a
		}
		return slack.BlockAction{}
	}
}

func known(cs []choice, v string) bool {
	return slices.ContainsFunc(cs, func(c choice) bool { return c.value == v })
}

// endOfDay returns the last second of the date d ("2006-01-02") in loc.
func endOfDay(d string, loc *time.Location) (time.Time, error) {
	date, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse needed-by date %q: %w", d, err)
	}
	y, m, dd := date.Date()
	end := time.Date(y, m, dd+1, 0, 0, 0, 0, loc).Add(-time.Second)
	if sameDay(end.In(loc), y, m, dd) && !sameDay(end.Add(time.Second).In(loc), y, m, dd) {
		return end, nil
	}
	// Where clocks change at midnight, the next midnight may not exist and
	// time.Date may land an hour off; find the day's last second directly.
	lo, hi := end.Add(-3*time.Hour), end.Add(3*time.Hour)
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if dayAfter(mid.In(loc), y, m, dd) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi.Add(-time.Second).In(loc), nil
}

func sameDay(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	return ty == y && tm == m && td == d
}

// dayAfter reports whether t's date is after y-m-d.
func dayAfter(t time.Time, y int, m time.Month, d int) bool {
	ty, tm, td := t.Date()
	if ty != y {
		return ty > y
	}
	if tm != m {
		return tm > m
	}
	return td > d
}

// parseLinks reads one web address per line, skipping blank lines. The
// message names the first bad line, since the field may hold many.
func parseLinks(text string) ([]string, string) {
	var links []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return links, fmt.Sprintf("Line %d is not a web address starting with http:// or https://: %s", i+1, clipPlain(line, 100))
		}
		links = append(links, line)
	}
	return links, ""
}
