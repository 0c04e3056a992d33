package bot

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"github.com/sprintguard/sprintguard/internal/app"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// FuzzSummarize checks that any message text gives a one-line summary of
// at most triage.MaxSummary runes, trimmed, valid UTF-8 when the text was,
// and only web links. That no word is lost is triage.Summarize's to test.
func FuzzSummarize(f *testing.F) {
	f.Add("the staging deploy is stuck")
	f.Add("<@U0PLAT001> look at <#C0PLATHELP|platform-help> &lt;now&gt;\nsince 10:00 <https://ci.example.com/1|build>")
	f.Add(strings.Repeat("é ", 100))
	f.Add("<!subteam^S0123|@oncall> <mailto:a@example.com|a> < > <|> <x|>")
	f.Fuzz(func(t *testing.T, text string) {
		defer guardHang(text)()
		summary, details, links := summarize(text)
		if n := utf8.RuneCountInString(summary); n > triage.MaxSummary {
			t.Errorf("summary has %d runes, more than %d: %q", n, triage.MaxSummary, summary)
		}
		if strings.Contains(summary, "\n") || strings.TrimSpace(summary) != summary {
			t.Errorf("summary is not one trimmed line: %q", summary)
		}
		if utf8.ValidString(text) && (!utf8.ValidString(summary) || !utf8.ValidString(details)) {
			t.Errorf("valid UTF-8 %q gave invalid summary %q or details %q", text, summary, details)
		}
		if summary == "" && details != "" {
			t.Errorf("details %q without a summary", details)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Errorf("link %q is not a web address", l)
			}
		}
	})
}

// fuzzZones are the time zones FuzzParseSwapArgs reads dates in: the
// example teams' and two whose clocks change at midnight.
var fuzzZones = []string{"UTC", "America/Chicago", "Europe/Berlin", "America/Santiago", "Asia/Beirut"}

// userID is what parseUser may return: a Slack user id, as Slack escapes
// it (<@U0123>) or as written bare.
var userID = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// FuzzParseSwapArgs feeds the arguments of `oncall swap` to parseUser and
// parseWhen. A user is a Slack user id or an EINVALID error; a date range
// built from one argument never ends before it starts; and in UTC the date
// is the one written, and a date alone spans 24 hours.
func FuzzParseSwapArgs(f *testing.F) {
	f.Add("<@U0PLAT002|bob>", "2026-11-24", uint8(1))
	f.Add("U0PLAT003", "2026-11-24T10:00", uint8(2))
	f.Add("@bob", "2026-02-30", uint8(0))
	f.Add("<@W0ABC>", "2026-09-06", uint8(3))
	f.Add("<@u0plat002>", "0000-01-01T24:00", uint8(4))
	locs := make([]*time.Location, len(fuzzZones))
	for i, z := range fuzzZones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			f.Fatal(err)
		}
		locs[i] = loc
	}
	f.Fuzz(func(t *testing.T, user, when string, zone uint8) {
		defer guardHang(user, when)()
		id, err := parseUser(user)
		switch {
		case err != nil && triage.ErrorCode(err) != triage.EINVALID:
			t.Errorf("parseUser(%q): error %v is not EINVALID", user, err)
		case err == nil && (!userID.MatchString(id) || !strings.Contains(user, id)):
			t.Errorf("parseUser(%q) = %q, not a user id from the argument", user, id)
		}

		loc := locs[int(zone)%len(locs)]
		from, errFrom := parseWhen(when, loc, false)
		to, errTo := parseWhen(when, loc, true)
		if (errFrom == nil) != (errTo == nil) {
			t.Fatalf("parseWhen(%q) reads as a start (%v) but not as an end (%v), or the reverse", when, errFrom, errTo)
		}
		if errFrom != nil {
			return
		}
		if to.Before(from) {
			t.Errorf("parseWhen(%q) in %s: end %v before start %v", when, loc, to, from)
		}
		fromUTC, err := parseWhen(when, time.UTC, false)
		if err != nil {
			t.Fatalf("parseWhen(%q) reads in %s but not in UTC: %v", when, loc, err)
		}
		if date := fromUTC.Format(time.DateOnly); !strings.HasPrefix(when, date) {
			t.Errorf("parseWhen(%q) in UTC = %v, another date", when, fromUTC)
		}
		toUTC, _ := parseWhen(when, time.UTC, true)
		if len(when) == len(time.DateOnly) && toUTC.Sub(fromUTC) != 24*time.Hour {
			t.Errorf("the UTC day %q runs from %v to %v", when, fromUTC, toUTC)
		}
	})
}

// FuzzReceive feeds arbitrary payloads of each kind (the first argument
// modulo 3) to a Bot over a real store, as a transport does. Receive must
// not panic nor call the Web API; its only errors are the permanent ones of
// a payload that does not decode; and it must answer what it answers at
// once: a URL verification with its challenge, help and the other read
// commands with an ephemeral message, and an invalid modal with its errors.
func FuzzReceive(f *testing.F) {
	b, webCalls := newFuzzBot(f)
	kinds := []string{KindEvent, KindCommand, KindInteraction}
	f.Add(uint8(1), []byte(`{"command": "/sg", "text": "help", "user_id": "U0PLAT003", "channel_id": "C0PLATHELP", "trigger_id": "1.2.a"}`))
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		defer guardHang(body)()
		k := kinds[int(kind)%len(kinds)]
		webCalls.Store(0)
		resp, err := b.Receive(context.Background(), k, body)
		if n := webCalls.Load(); n > 0 {
			t.Fatalf("Receive(%s) called the Slack Web API %d times", k, n)
		}
		if err != nil {
			if !triage.IsPermanent(err) || resp != nil {
				t.Fatalf("Receive(%s) = %#v, %v; want only permanent errors, for payloads that do not decode", k, resp, err)
			}
			return
		}
		switch k {
		case KindEvent:
			checkEventAnswer(t, body, resp)
		case KindCommand:
			checkCommandAnswer(t, b, body, resp)
		case KindInteraction:
			checkInteractionAnswer(t, b, body, resp)
		}
	})
}

// checkEventAnswer: a URL verification is answered with its challenge, and
// every other event with an empty acknowledgement.
func checkEventAnswer(t *testing.T, body []byte, resp any) {
	t.Helper()
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("Receive took an event that does not decode: %v", err)
	}
	if env.Type != "url_verification" {
		if resp != nil {
			t.Fatalf("event %q answered with %#v, want an empty acknowledgement", env.Type, resp)
		}
		return
	}
	if m, ok := resp.(map[string]string); !ok || len(m) != 1 || m["challenge"] != env.Challenge {
		t.Fatalf("URL verification with challenge %q answered with %#v", env.Challenge, resp)
	}
}

// answered are the subcommands answered in the acknowledgement.
var answered = map[string]bool{"": true, "help": true, "budget": true, "oncall": true, "status": true, "handoff": true, "report": true}

// checkCommandAnswer: help and the read commands get an ephemeral message
// (help exactly the help text), the rest an empty acknowledgement; a
// handoff note that was taken keeps every word written after `note`.
func checkCommandAnswer(t *testing.T, b *Bot, body []byte, resp any) {
	t.Helper()
	var cmd slack.SlashCommand
	if err := json.Unmarshal(body, &cmd); err != nil {
		t.Fatalf("Receive took a command that does not decode: %v", err)
	}
	sub := ""
	if args := strings.Fields(cmd.Text); len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	if !answered[sub] {
		if resp != nil {
			t.Fatalf("command %q answered with %#v, want an empty acknowledgement before the modal", cmd.Text, resp)
		}
		return
	}
	msg, ok := resp.(*slack.Msg)
	if !ok || msg.ResponseType != slack.ResponseTypeEphemeral || msg.Text == "" {
		t.Fatalf("command %q answered with %#v, want an ephemeral message", cmd.Text, resp)
	}
	if (sub == "" || sub == "help") && msg.Text != render.Help("/sg") {
		t.Fatalf("command %q answered with %q, want the help text", cmd.Text, msg.Text)
	}
	if sub == "handoff" && strings.HasPrefix(msg.Text, "Noted for the next") {
		team := b.teamOf(cmd.UserID).Name
		var notes []triage.Note
		err := b.db.View(func(tx triage.Tx) error {
			var err error
			notes, err = tx.Notes(team, time.Time{})
			return err
		})
		if err != nil || len(notes) == 0 {
			t.Fatalf("command %q was noted, but team %s has no notes (%v)", cmd.Text, team, err)
		}
		want := strings.Fields(cmd.Text)[2:]
		if got := notes[len(notes)-1]; !slices.Equal(strings.Fields(got.Text), want) || got.User != cmd.UserID {
			t.Fatalf("command %q by %s was noted as %q by %s, want the words %q", cmd.Text, cmd.UserID, got.Text, got.User, want)
		}
	}
}

// checkInteractionAnswer: a modal submission with mistakes is answered
// with them, anything else with an empty acknowledgement.
func checkInteractionAnswer(t *testing.T, b *Bot, body []byte, resp any) {
	t.Helper()
	var cb slack.InteractionCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		t.Fatalf("Receive took an interaction that does not decode: %v", err)
	}
	var mistakes map[string]string
	if cb.Type == slack.InteractionTypeViewSubmission {
		mistakes = b.validateView(&cb)
	}
	if len(mistakes) == 0 {
		if resp != nil {
			t.Fatalf("interaction %q answered with %#v, want an empty acknowledgement", cb.Type, resp)
		}
		return
	}
	r, ok := resp.(*slack.ViewSubmissionResponse)
	if !ok || r.ResponseAction != slack.RAErrors || len(r.Errors) != len(mistakes) {
		t.Fatalf("submission with mistakes %q answered with %#v", mistakes, resp)
	}
}

// newFuzzBot builds a Bot from the example config over a store in a
// temporary directory, at a fixed time. Its Web API client counts calls
// and fails each at once, without touching the network. Start is never
// called, so deliveries stay in the inbox.
func newFuzzBot(f *testing.F) (*Bot, *atomic.Int64) {
	f.Helper()
	return newIdleBot(f, true)
}

// newIdleBot is newFuzzBot for any test or benchmark; noSync chooses a
// store without fsync.
func newIdleBot(tb testing.TB, noSync bool) (*Bot, *atomic.Int64) {
	tb.Helper()
	cfg, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		tb.Fatal(err)
	}
	st, err := app.Settings(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(filepath.Join(tb.TempDir(), "sg.db"), store.Options{NoSync: noSync})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	// Tuesday 24 November 2026, in business hours for both example teams.
	svc := triage.NewService(db, st, func() time.Time { return idleBotNow })
	calls := new(atomic.Int64)
	client := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return nil, errors.New("the fuzzed bot must not call Slack")
	})}
	api := slack.New("xoxb-fuzz", slack.OptionAPIURL("http://127.0.0.1:1/api/"), slack.OptionHTTPClient(client))
	log := slog.New(slog.DiscardHandler)
	gw := NewGateway(api, log)
	gw.MaxRetries = 0
	b := New(svc, db, gw, log, Config{Command: "/sg"}, nil)
	b.SetBotUser("U0SGBOT01")
	return b, calls
}

// idleBotNow is newIdleBot's clock.
var idleBotNow = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

// roundTripFunc is an http.RoundTripper made of a function; it is as safe
// for concurrent use as the function is.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (fn roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return fn(r) }

// hangLimit is how long one fuzzed call may run before it counts as hung:
// far beyond any real input, which takes milliseconds.
const hangLimit = 10 * time.Second

// guardHang crashes the fuzz worker when the call it guards runs past
// hangLimit, so that the fuzzer records the input, since Go's fuzzer
// would otherwise wait on a hung worker for the whole -timeout. Outside
// fuzzing it does nothing, so that ordinary test runs never depend on time.
// Call the returned function when the call returns.
func guardHang[T string | []byte](input ...T) (stop func()) {
	if f := flag.Lookup("test.fuzz"); f == nil || f.Value.String() == "" {
		return func() {}
	}
	timer := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("still running after %v on input %q", hangLimit, input))
	})
	return func() { timer.Stop() }
}
