package slackfake

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// A dropped or held answer leaves the call's effect: the client sees an
// error, and the message is in the channel.
func TestAnswersLostAfterTheEffect(t *testing.T) {
	tests := []struct {
		name  string
		fault func(s *Server)
	}{
		{"dropped", func(s *Server) { s.DropAfter("chat.postMessage", 1) }},
		{"held", func(s *Server) { s.HangAfter("chat.postMessage", 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, api := newClient(t)
			tt.fault(s)
			// The client gives up once the fake holds the message: a fixed
			// 200 ms timeout could end the call before it arrived, on a
			// loaded machine, and leave the fault armed for the next post.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				for len(s.Messages("C1")) == 0 && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}()
			if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("lost", false)); err == nil {
				t.Fatal("the first post got its answer")
			}
			if _, _, err := api.PostMessageContext(context.Background(), "C1", slack.MsgOptionText("answered", false)); err != nil {
				t.Fatalf("the second post: %v", err)
			}
			if msgs := s.Messages("C1"); len(msgs) != 2 || msgs[0].Text != "lost" {
				t.Fatalf("channel holds %+v, want both messages", msgs)
			}
		})
	}
}
