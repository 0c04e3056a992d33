package render

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

func TestRequestModal(t *testing.T) {
	long := strings.Repeat("word ", 40) + "tail-end of the first line" // 226 runes
	tests := []struct {
		name        string
		p           Prefill
		wantSummary string
		wantDetails string // prefix
	}{
		{"short", Prefill{Summary: "  Need access to prod DB ", Details: "read only"}, "Need access to prod DB", "read only"},
		{"multi-line", Prefill{Summary: "Deploy broken\nSince 10:00 the pipeline fails"}, "Deploy broken", "Since 10:00 the pipeline fails"},
		{"long", Prefill{Summary: long, Details: "more"}, strings.TrimSpace(strings.Repeat("word ", 30)), "word word"},
		{"escaping is not done in inputs", Prefill{Summary: "<script>&"}, "<script>&", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := RequestModal(tt.p)
			if m.CallbackID != CallbackRequest || m.Title.Text != "New request" || m.Submit.Text != "Create ticket" || m.Close.Text != "Cancel" {
				t.Fatalf("modal frame = %q %q %q %q", m.CallbackID, m.Title.Text, m.Submit.Text, m.Close.Text)
			}
			d := decode(t, m.Blocks)
			checkLimits(t, d, maxView)
			els := elements(d)
			for _, id := range []string{blockSummary, blockDetails, blockType, blockImpact, blockNeededBy, blockLinks} {
				if len(els[id]) != 1 {
					t.Fatalf("element %q appears %d times", id, len(els[id]))
				}
			}
			sum := els[blockSummary][0]
			if sum["type"] != "plain_text_input" || sum["max_length"] != float64(150) {
				t.Errorf("summary element = %v", sum)
			}
			got, _ := sum["initial_value"].(string)
			if got != tt.wantSummary || utf8.RuneCountInString(got) > maxSummary {
				t.Errorf("summary initial value = %q, want %q", got, tt.wantSummary)
			}
			det, _ := els[blockDetails][0]["initial_value"].(string)
			if !strings.HasPrefix(det, tt.wantDetails) {
				t.Errorf("details initial value = %q, want prefix %q", det, tt.wantDetails)
			}
			if els[blockNeededBy][0]["type"] != "datepicker" || els[blockType][0]["type"] != "static_select" {
				t.Errorf("needed_by/type elements = %v / %v", els[blockNeededBy][0], els[blockType][0])
			}
			for _, b := range d {
				bm := b.(map[string]any)
				if bm["type"] != "input" {
					continue
				}
				id := bm["block_id"].(string)
				if optional, _ := bm["optional"].(bool); optional == (id == blockSummary) {
					t.Errorf("block %q optional = %v", id, optional)
				}
			}
		})
	}
	t.Run("nothing lost when the summary is cut", func(t *testing.T) {
		m := RequestModal(Prefill{Summary: long, Details: "more"})
		els := elements(decode(t, m.Blocks))
		sum := els[blockSummary][0]["initial_value"].(string)
		det := els[blockDetails][0]["initial_value"].(string)
		if got := sum + " " + strings.TrimSuffix(det, "\n\nmore"); got != strings.TrimSpace(long) {
			t.Errorf("summary + details = %q, want %q", got, long)
		}
	})
	t.Run("huge details are cut to the field", func(t *testing.T) {
		m := RequestModal(Prefill{Summary: "x", Details: strings.Repeat("é", 5000)})
		det := elements(decode(t, m.Blocks))[blockDetails][0]["initial_value"].(string)
		if n := utf8.RuneCountInString(det); n > maxInput {
			t.Errorf("details initial value has %d runes", n)
		}
	})
	t.Run("metadata round trip", func(t *testing.T) {
		meta := ModalMeta{Channel: "C1", ChannelName: "help", TS: "1.2", ThreadTS: "1.1", Team: "platform", Source: "slash", Requester: "U1", Claimed: 1}
		m := RequestModal(Prefill{Summary: "x", Meta: meta})
		var got ModalMeta
		if err := json.Unmarshal([]byte(m.PrivateMetadata), &got); err != nil || got != meta {
			t.Fatalf("private metadata %q decodes to %+v, %v", m.PrivateMetadata, got, err)
		}
		for _, key := range []string{`"channel_name"`, `"thread_ts"`, `"claimed"`} {
			if !strings.Contains(m.PrivateMetadata, key) {
				t.Errorf("private metadata %s lacks %s", m.PrivateMetadata, key)
			}
		}
		if !strings.Contains(texts(decode(t, m.Blocks)), "<#C1>") {
			t.Error("modal does not say where the request came from")
		}
	})
}

func TestParseRequestModalFixture(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "view_submission.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal(raw, &cb); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != CallbackRequest {
		t.Fatalf("fixture is %q/%q", cb.Type, cb.View.CallbackID)
	}
	chicago := mustZone(t, "America/Chicago")
	f, errs := ParseRequestModal(cb.View, chicago)
	if errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	want := Form{
		Summary:  "Deploy blocked on staging",
		Details:  "The pipeline fails at the migrate step.\nSince 10:00 & still failing.",
		Type:     "deploy",
		Impact:   "my_team",
		NeededBy: time.Date(2026, 3, 8, 23, 59, 59, 0, chicago),
		Links:    []string{"https://ci.example.com/run/42", "http://wiki.example.com/deploys"},
		Meta: ModalMeta{Channel: "C0HELP", ChannelName: "platform-help", TS: "1772658000.000100", ThreadTS: "1772658000.000100",
			Team: "platform", Source: "channel", Requester: "U0REQ", Claimed: 1},
	}
	if f.Summary != want.Summary || f.Details != want.Details || f.Type != want.Type || f.Impact != want.Impact ||
		!f.NeededBy.Equal(want.NeededBy) || !slices.Equal(f.Links, want.Links) || f.Meta != want.Meta {
		t.Errorf("form =\n%+v\nwant\n%+v", f, want)
	}
	// 8 March 2026 is the day Chicago moves to daylight time: the day ends
	// at 23:59:59 CDT, which is 04:59:59 UTC the next day.
	if got := f.NeededBy.UTC().Format(time.RFC3339); got != "2026-03-09T04:59:59Z" {
		t.Errorf("needed by = %s UTC", got)
	}
}

// view builds a submitted request view from state values by block id.
func view(meta string, vals map[string]slack.BlockAction) slack.View {
	state := map[string]map[string]slack.BlockAction{}
	for id, a := range vals {
		state[id] = map[string]slack.BlockAction{id: a}
	}
	return slack.View{PrivateMetadata: meta, State: &slack.ViewState{Values: state}}
}

func TestParseRequestModalErrors(t *testing.T) {
	sel := func(v string) slack.BlockAction {
		return slack.BlockAction{SelectedOption: slack.OptionBlockObject{Value: v}}
	}
	tests := []struct {
		name     string
		meta     string
		vals     map[string]slack.BlockAction
		wantErrs []string // block ids
	}{
		{"minimal", "", map[string]slack.BlockAction{blockSummary: {Value: "Help"}}, nil},
		{"empty summary", "", map[string]slack.BlockAction{blockSummary: {Value: "   "}}, []string{blockSummary}},
		{"no state at all", "", nil, []string{blockSummary}},
		{"summary too long", "", map[string]slack.BlockAction{blockSummary: {Value: strings.Repeat("é", 151)}}, []string{blockSummary}},
		{"summary at the limit", "", map[string]slack.BlockAction{blockSummary: {Value: strings.Repeat("é", 150)}}, nil},
		{"bad link", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockLinks: {Value: "https://ok.example\nftp://files.example/x"}}, []string{blockLinks}},
		{"link without host", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockLinks: {Value: "https://"}}, []string{blockLinks}},
		{"word as link", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockLinks: {Value: "see wiki"}}, []string{blockLinks}},
		{"bad date", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockNeededBy: {SelectedDate: "2026-02-30"}}, []string{blockNeededBy}},
		{"past date is fine", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockNeededBy: {SelectedDate: "2001-01-01"}}, nil},
		{"unknown type and impact", "", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockType: sel("nope"), blockImpact: sel("everyone")}, []string{blockType, blockImpact}},
		{"broken metadata", "{not json", map[string]slack.BlockAction{blockSummary: {Value: "x"}}, []string{blockSummary}},
		{"several at once", "", map[string]slack.BlockAction{blockLinks: {Value: "nope"}, blockNeededBy: {SelectedDate: "soon"}}, []string{blockSummary, blockLinks, blockNeededBy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseRequestModal(view(tt.meta, tt.vals), time.UTC)
			var got []string
			for id, msg := range errs {
				if msg == "" {
					t.Errorf("empty message for %q", id)
				}
				got = append(got, id)
			}
			slices.Sort(got)
			want := slices.Clone(tt.wantErrs)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("errors on %v (%v), want on %v", got, errs, want)
			}
		})
	}
	t.Run("bad link names its line", func(t *testing.T) {
		_, errs := ParseRequestModal(view("", map[string]slack.BlockAction{blockSummary: {Value: "x"}, blockLinks: {Value: "https://ok.example\n\nwiki page"}}), nil)
		if !strings.Contains(errs[blockLinks], "Line 3") {
			t.Errorf("links error = %q", errs[blockLinks])
		}
	})
}

func TestEndOfDay(t *testing.T) {
	tests := []struct {
		zone, date string
		want       string // RFC 3339 in UTC
	}{
		{"America/Chicago", "2026-03-08", "2026-03-09T04:59:59Z"}, // spring forward: 23-hour day
		{"America/Chicago", "2026-11-01", "2026-11-02T05:59:59Z"}, // fall back: 25-hour day
		{"America/Chicago", "2026-07-01", "2026-07-02T04:59:59Z"},
		{"UTC", "2026-12-31", "2026-12-31T23:59:59Z"},
		{"Asia/Kolkata", "2026-03-08", "2026-03-08T18:29:59Z"},
		// Santiago changes clocks at midnight: 6 Sep 2026 00:00 does not
		// exist (clocks jump to 01:00), and 5 Apr 00:00 follows a repeated hour.
		{"America/Santiago", "2026-09-05", "2026-09-06T03:59:59Z"},
		{"America/Santiago", "2026-04-04", "2026-04-05T03:59:59Z"},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.date, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			got, err := endOfDay(tt.date, loc)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.UTC().Format(time.RFC3339); s != tt.want {
				t.Errorf("endOfDay = %s (%s local), want %s", s, got.In(loc), tt.want)
			}
			if d := got.In(loc).Format(time.DateOnly); d != tt.date {
				t.Errorf("local date %s, want %s", d, tt.date)
			}
			if d := got.Add(time.Second).In(loc).Format(time.DateOnly); d == tt.date {
				t.Errorf("one second later is still %s", d)
			}
		})
	}
}
