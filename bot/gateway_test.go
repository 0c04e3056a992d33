package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/slackfake"
	"github.com/sprintguard/sprintguard/triage"
)

func newTestGateway(t *testing.T) (*slackfake.Server, *Gateway) {
	t.Helper()
	fake := slackfake.New(t)
	return fake, NewGateway(slack.New("xoxb-test", slack.OptionAPIURL(fake.APIURL())), nil)
}

// sleeps makes g record its waits instead of sleeping.
func sleeps(g *Gateway) *[]time.Duration {
	var waited []time.Duration
	g.Sleep = func(ctx context.Context, d time.Duration) error {
		waited = append(waited, d)
		return ctx.Err()
	}
	return &waited
}

func text(s string) slack.MsgOption { return slack.MsgOptionText(s, false) }

func TestGatewayWaitsOutRateLimit(t *testing.T) {
	fake, g := newTestGateway(t)
	fake.RateLimit("chat.postMessage", 1, time.Second)
	ts, err := g.PostMessage(context.Background(), "C1", text("hello"))
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.Calls("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != http.StatusTooManyRequests || !calls[1].OK {
		t.Fatalf("calls = %+v, want a 429 then a success", calls)
	}
	// Retry-After: 1 means not before a second has passed; a little slack
	// for the clocks of the two sides.
	if gap := calls[1].At.Sub(calls[0].At); gap < 950*time.Millisecond {
		t.Errorf("retried after %s, before Retry-After", gap)
	}
	if msgs := fake.Messages("C1"); len(msgs) != 1 || msgs[0].Timestamp != ts || msgs[0].Text != "hello" {
		t.Errorf("channel holds %+v, want the message once", msgs)
	}
}

func TestGatewayRetriesAreCapped(t *testing.T) {
	for _, maxRetries := range []int{0, 1, 3} {
		t.Run(fmt.Sprintf("max %d", maxRetries), func(t *testing.T) {
			fake, g := newTestGateway(t)
			g.MaxRetries = maxRetries
			waited := sleeps(g)
			fake.RateLimit("chat.postMessage", 100, 2*time.Second)
			_, err := g.PostMessage(context.Background(), "C1", text("hello"))
			var limited *slack.RateLimitedError
			if !errors.As(err, &limited) || triage.IsPermanent(err) {
				t.Fatalf("err = %v, want a retryable rate limit", err)
			}
			if !strings.HasPrefix(err.Error(), "slack chat.postMessage: ") {
				t.Errorf("err = %q, want it to name the method", err)
			}
			if n := len(fake.Calls("chat.postMessage")); n != maxRetries+1 {
				t.Errorf("%d attempts, want %d", n, maxRetries+1)
			}
			if len(*waited) != maxRetries {
				t.Errorf("waited %v, want %d waits", *waited, maxRetries)
			}
			for _, d := range *waited {
				if d != 2*time.Second {
					t.Errorf("waited %s, want Retry-After's 2s", d)
				}
			}
		})
	}
}

func TestGatewayCancelDuringWait(t *testing.T) {
	fake, g := newTestGateway(t)
	fake.RateLimit("chat.postMessage", 1, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel as soon as the first attempt is back, so Do is in its wait.
	g.Observe = func(string, error, time.Duration) { cancel() }
	done := make(chan error, 1)
	go func() {
		_, err := g.PostMessage(ctx, "C1", text("hello"))
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(25 * time.Second): // under the 30 s Retry-After
		t.Fatal("Do kept waiting out a 30s Retry-After after its context was cancelled")
	}
	if n := len(fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestGatewayLongRetryAfterIsLeftToTheOutbox(t *testing.T) {
	fake, g := newTestGateway(t)
	g.MaxWait = 30 * time.Second
	waited := sleeps(g)
	fake.RateLimit("chat.postMessage", 1, time.Minute)
	_, err := g.PostMessage(context.Background(), "C1", text("hello"))
	var limited *slack.RateLimitedError
	if !errors.As(err, &limited) || limited.RetryAfter != time.Minute || triage.IsPermanent(err) {
		t.Fatalf("err = %v, want a retryable rate limit of 1m", err)
	}
	if len(*waited) != 0 || len(fake.Calls("chat.postMessage")) != 1 {
		t.Errorf("waited %v over %d attempts, want no wait and 1 attempt", *waited, len(fake.Calls("chat.postMessage")))
	}
}

func TestGatewayPermanentErrors(t *testing.T) {
	tests := []struct {
		name      string
		trouble   func(*slackfake.Server)
		permanent bool
	}{
		{"channel_not_found", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "channel_not_found") }, true},
		{"not_in_channel", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "not_in_channel") }, true},
		{"invalid_auth", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "invalid_auth") }, true},
		{"token_revoked", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "token_revoked") }, true},
		{"internal_error", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "internal_error") }, false},
		{"fatal_error", func(f *slackfake.Server) { f.Fail("chat.postMessage", 1, "fatal_error") }, false},
		{"503", func(f *slackfake.Server) { f.FailHTTP("chat.postMessage", 1, http.StatusServiceUnavailable) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, g := newTestGateway(t)
			tt.trouble(fake)
			_, err := g.PostMessage(context.Background(), "C1", text("hello"))
			if err == nil {
				t.Fatal("no error")
			}
			if triage.IsPermanent(err) != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, !tt.permanent, tt.permanent)
			}
			if len(fake.Calls("chat.postMessage")) != 1 {
				t.Errorf("%d attempts: only rate limits are retried in place", len(fake.Calls("chat.postMessage")))
			}
		})
	}
	t.Run("network error", func(t *testing.T) {
		g := NewGateway(slack.New("xoxb-test", slack.OptionAPIURL("http://127.0.0.1:1/")), nil)
		_, err := g.PostMessage(context.Background(), "C1", text("hello"))
		if err == nil || triage.IsPermanent(err) {
			t.Errorf("err = %v, want a retryable error", err)
		}
	})
}

func TestGatewayObserve(t *testing.T) {
	fake, g := newTestGateway(t)
	sleeps(g)
	type seen struct {
		method string
		failed bool
	}
	var got []seen
	g.Observe = func(method string, err error, took time.Duration) {
		got = append(got, seen{method, err != nil})
	}
	fake.RateLimit("chat.postMessage", 1, time.Second)
	if _, err := g.PostMessage(context.Background(), "C1", text("hello")); err != nil {
		t.Fatal(err)
	}
	want := []seen{{"chat.postMessage", true}, {"chat.postMessage", false}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("observed %+v, want %+v", got, want)
	}
}

func TestGatewayMessage(t *testing.T) {
	fake, g := newTestGateway(t)
	ctx := context.Background()
	fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "parent", Timestamp: "1763800000.000100"}})
	fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U2", Text: "reply", Timestamp: "1763800000.000200", ThreadTimestamp: "1763800000.000100"}})
	fake.AddMessage("C1", slack.Message{Msg: slack.Msg{User: "U1", Text: "later", Timestamp: "1763800000.000300"}})
	tests := []struct {
		name, ts, want string
		wantCalls      []string
	}{
		{"top level", "1763800000.000100", "parent", []string{"conversations.history"}},
		{"thread reply", "1763800000.000200", "reply", []string{"conversations.history", "conversations.replies"}},
		{"missing", "1763800000.000900", "", []string{"conversations.history", "conversations.replies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.Calls(""))
			m, err := g.Message(ctx, "C1", tt.ts)
			switch {
			case tt.want == "":
				if !errors.Is(err, ErrMessageNotFound) || !triage.IsPermanent(err) {
					t.Errorf("err = %v, want a permanent ErrMessageNotFound", err)
				}
			case err != nil || m == nil:
				t.Fatalf("Message = %v, %v", m, err)
			case m.Text != tt.want || m.Timestamp != tt.ts:
				t.Errorf("message = %q at %s, want %q", m.Text, m.Timestamp, tt.want)
			}
			var methods []string
			for _, c := range fake.Calls("")[before:] {
				methods = append(methods, c.Method)
			}
			if strings.Join(methods, ",") != strings.Join(tt.wantCalls, ",") {
				t.Errorf("calls %v, want %v", methods, tt.wantCalls)
			}
		})
	}
}

func TestGatewayUploadFile(t *testing.T) {
	fake, g := newTestGateway(t)
	data := []byte("\x89PNG not really")
	if err := g.UploadFile(context.Background(), "C1", "1763900000.000100", "burnup.png", "Budget burn-up", data); err != nil {
		t.Fatal(err)
	}
	files := fake.Files()
	if len(files) != 1 || !bytes.Equal(files[0].Bytes, data) || files[0].Name != "burnup.png" ||
		files[0].Title != "Budget burn-up" || files[0].Channel != "C1" || files[0].ThreadTS != "1763900000.000100" {
		t.Errorf("files = %+v", files)
	}
	if err := g.UploadFile(context.Background(), "C1", "", "empty.png", "", nil); !triage.IsPermanent(err) {
		t.Errorf("empty file: %v, want a permanent error", err)
	}
}

func TestGatewayWrappers(t *testing.T) {
	fake, g := newTestGateway(t)
	ctx := context.Background()
	fake.AddUser(slack.User{ID: "U1", Name: "ana"})
	fake.AddUsergroup(slack.UserGroup{ID: "S1", Handle: "platform-oncall", Users: []string{"U1"}})
	posted, err := g.PostMessage(ctx, "C1", text("posted"))
	if err != nil {
		t.Fatal(err)
	}
	modal := slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  slack.NewTextBlockObject("plain_text", "Request", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}},
	}
	var viewID string
	tests := []struct {
		method string
		param  string // a form or JSON parameter that must reach Slack
		call   func() error
	}{
		{"chat.update", "edited", func() error { return g.UpdateMessage(ctx, "C1", posted, text("edited")) }},
		{"chat.postEphemeral", "U1", func() error { return g.PostEphemeral(ctx, "C1", "U1", text("psst")) }},
		{"views.open", "trigger-1", func() (err error) { viewID, err = g.OpenView(ctx, "trigger-1", modal); return err }},
		{"views.update", "Request", func() error { return g.UpdateView(ctx, modal, viewID) }},
		{"views.publish", "U1", func() error {
			return g.PublishView(ctx, "U1", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: modal.Blocks})
		}},
		{"conversations.open", "U1", func() error {
			dm, err := g.OpenDM(ctx, "U1")
			if err == nil && dm != fake.DM("U1") {
				err = errors.New("OpenDM = " + dm)
			}
			return err
		}},
		{"users.info", "U1", func() error {
			u, err := g.UserInfo(ctx, "U1")
			if err == nil && u.Name != "ana" {
				err = errors.New("UserInfo = " + u.Name)
			}
			return err
		}},
		{"auth.test", "xoxb-test", func() error {
			resp, err := g.AuthTest(ctx)
			if err == nil && resp.UserID != slackfake.BotUserID {
				err = errors.New("AuthTest user = " + resp.UserID)
			}
			return err
		}},
		{"usergroups.users.update", "U2,U3", func() error { return g.SetUsergroupMembers(ctx, "S1", []string{"U2", "U3"}) }},
		{"conversations.setTopic", "on call: <@U2>", func() error { return g.SetTopic(ctx, "C1", "on call: <@U2>") }},
		{"chat.getPermalink", posted, func() error {
			link, err := g.Permalink(ctx, "C1", posted)
			if err == nil && !strings.HasPrefix(link, slackfake.TeamURL) {
				err = errors.New("Permalink = " + link)
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			calls := fake.OKCalls(tt.method)
			if len(calls) != 1 {
				t.Fatalf("%d successful %s calls, want 1", len(calls), tt.method)
			}
			if !sent(calls[0], tt.param) {
				t.Errorf("%s was not sent %q: form %v, JSON %s", tt.method, tt.param, calls[0].Form, calls[0].JSON)
			}
		})
	}
	if m, _ := fake.Message("C1", posted); m.Text != "edited" {
		t.Errorf("UpdateMessage left %q", m.Text)
	}
	if got := strings.Join(fake.GroupMembers("S1"), ","); got != "U2,U3" {
		t.Errorf("SetUsergroupMembers left %q", got)
	}
	if fake.Topic("C1") != "on call: <@U2>" {
		t.Errorf("SetTopic left %q", fake.Topic("C1"))
	}
}

// sent reports whether a call carried value as one of its parameters.
func sent(c slackfake.Call, value string) bool {
	for _, vs := range c.Form {
		for _, v := range vs {
			if v == value {
				return true
			}
		}
	}
	return bytes.Contains(c.JSON, []byte(`"`+value+`"`))
}
