package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

const (
	appToken = "xapp-1-test"
	wait     = 5 * time.Second
)

func fixture(t *testing.T, name string) json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dial opens a Socket Mode connection the way slack-go does: apps.connections.open
// with the app token, then a WebSocket to the URL it answers.
func dial(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	api := slack.New(botToken, slack.OptionAppLevelToken(appToken), slack.OptionAPIURL(s.APIURL()))
	_, url, err := api.StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func readFrame(t *testing.T, ws *websocket.Conn) map[string]json.RawMessage {
	t.Helper()
	if err := ws.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	var frame map[string]json.RawMessage
	if err := ws.ReadJSON(&frame); err != nil {
		t.Fatal(err)
	}
	return frame
}

func field[T any](t *testing.T, frame map[string]json.RawMessage, key string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(frame[key], &v); err != nil {
		t.Fatalf("field %s of %v: %v", key, frame, err)
	}
	return v
}

func TestSocketFrames(t *testing.T) {
	s := New(t)
	ws := dial(t, s)
	hello := readFrame(t, ws)
	if field[string](t, hello, "type") != "hello" || field[int](t, hello, "num_connections") != 1 {
		t.Fatalf("hello = %v", hello)
	}

	tests := []struct {
		name, envType, file string
		retry               int
		wantAccepts         bool
		wantRetryFields     bool
		wantReason          string
		ack                 string
	}{
		{"event", "events_api", "app_mention.json", 0, false, true, "", `{"envelope_id":"%s"}`},
		{"event retried", "events_api", "app_mention.json", 2, false, true, "timeout", `{"envelope_id":"%s"}`},
		{"slash command", "slash_commands", "slash_command.json", 0, true, false, "", `{"envelope_id":"%s","payload":{"text":"on it"}}`},
		{"view submission", "interactive", "view_submission.json", 0, true, false, "", `{"envelope_id":"%s","payload":{"response_action":"clear"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := fixture(t, tt.file)
			id := s.Send(tt.envType, payload, tt.retry)
			frame := readFrame(t, ws)
			if field[string](t, frame, "envelope_id") != id || field[string](t, frame, "type") != tt.envType {
				t.Errorf("frame = %v, want envelope %s of type %s", frame, id, tt.envType)
			}
			var want, got any
			_ = json.Unmarshal(payload, &want)
			_ = json.Unmarshal(frame["payload"], &got)
			if !jsonEqual(want, got) {
				t.Errorf("payload = %s", frame["payload"])
			}
			if field[bool](t, frame, "accepts_response_payload") != tt.wantAccepts {
				t.Errorf("accepts_response_payload = %s", frame["accepts_response_payload"])
			}
			_, hasRetry := frame["retry_attempt"]
			if hasRetry != tt.wantRetryFields {
				t.Errorf("retry fields present %v, want %v", hasRetry, tt.wantRetryFields)
			}
			if hasRetry && (field[int](t, frame, "retry_attempt") != tt.retry || field[string](t, frame, "retry_reason") != tt.wantReason) {
				t.Errorf("retry = %s %s", frame["retry_attempt"], frame["retry_reason"])
			}
			if err := ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(tt.ack, id))); err != nil {
				t.Fatal(err)
			}
			var wantAck json.RawMessage
			_ = json.Unmarshal([]byte(fmt.Sprintf(tt.ack, id)), &struct {
				Payload *json.RawMessage `json:"payload"`
			}{&wantAck})
			if got := s.WaitAck(t, id, wait); string(got) != string(wantAck) {
				t.Errorf("ack payload = %s, want %s", got, wantAck)
			}
		})
	}

	t.Run("disconnect", func(t *testing.T) {
		s.Disconnect("refresh_requested")
		frame := readFrame(t, ws)
		if field[string](t, frame, "type") != "disconnect" || field[string](t, frame, "reason") != "refresh_requested" {
			t.Fatalf("frame = %v", frame)
		}
		// Nothing more goes to a connection told to go away: the next
		// envelope waits for, and goes to, a new one.
		second := dial(t, s)
		if h := readFrame(t, second); field[string](t, h, "type") != "hello" {
			t.Fatalf("second hello = %v", h)
		}
		id := s.Send("events_api", fixture(t, "app_mention.json"), 0)
		if frame := readFrame(t, second); field[string](t, frame, "envelope_id") != id {
			t.Errorf("envelope went elsewhere: %v", frame)
		}
		if s.Connections() != 2 {
			t.Errorf("Connections = %d", s.Connections())
		}
	})

	t.Run("drop", func(t *testing.T) {
		third := dial(t, s)
		readFrame(t, third)
		s.Drop()
		_ = third.SetReadDeadline(time.Now().Add(wait))
		_, _, err := third.ReadMessage()
		// Without a close frame, gorilla reports 1006, abnormal closure.
		var closeErr *websocket.CloseError
		if !errors.As(err, &closeErr) || closeErr.Code != websocket.CloseAbnormalClosure {
			t.Errorf("read after Drop: %v, want a broken connection without a close frame", err)
		}
	})
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestSocketModeClient runs slack-go's own Socket Mode client against the
// fake: it must connect, get envelopes, ack them and reconnect when told
// to or when the connection breaks.
func TestSocketModeClient(t *testing.T) {
	s := New(t)
	api := slack.New(botToken, slack.OptionAppLevelToken(appToken), slack.OptionAPIURL(s.APIURL()))
	client := socketmode.New(api)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { _ = client.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-client.Events:
				switch evt.Type {
				case socketmode.EventTypeEventsAPI:
					_ = client.Ack(*evt.Request)
				case socketmode.EventTypeSlashCommand:
					cmd := evt.Data.(slack.SlashCommand)
					_ = client.Ack(*evt.Request, map[string]string{"text": "got " + cmd.Command})
				}
			}
		}
	})

	s.WaitConnections(t, 1, wait)
	steps := []struct {
		name        string
		trouble     func()
		connections int
	}{
		{"first connection", func() {}, 1},
		{"after a disconnect", func() { s.Disconnect("refresh_requested") }, 2},
		{"after a dropped connection", s.Drop, 3},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.trouble()
			s.WaitConnections(t, st.connections, wait)
			if got := s.WaitAck(t, s.Send("events_api", fixture(t, "app_mention.json"), 0), wait); got != nil {
				t.Errorf("event ack payload = %s, want none", got)
			}
			got := s.WaitAck(t, s.Send("slash_commands", fixture(t, "slash_command.json"), 0), wait)
			if string(got) != `{"text":"got /sg"}` {
				t.Errorf("slash command ack payload = %s", got)
			}
		})
	}
}
