package bot

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/triage"
)

// Routes adds the HTTP mode endpoints to mux: POST /slack/events,
// /slack/commands and /slack/interactivity, each verified by v.
func (b *Bot) Routes(mux *http.ServeMux, v *Verifier) {
	mux.Handle("POST /slack/events", b.timed(KindEvent, v.Wrap(b.endpoint(KindEvent, func(body []byte) ([]byte, error) { return body, nil }))))
	mux.Handle("POST /slack/commands", b.timed(KindCommand, v.Wrap(b.endpoint(KindCommand, commandJSON))))
	mux.Handle("POST /slack/interactivity", b.timed(KindInteraction, v.Wrap(b.endpoint(KindInteraction, interactionJSON))))
}

// timed reports how long each request took to answer, verification
// included: the time Slack waits for its acknowledgement.
func (b *Bot) timed(kind string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		b.cfg.OnAck(kind, time.Since(start))
	})
}

// endpoint turns one verified request into a Receive call and its answer
// into the HTTP response: 200 once stored, 500 when the store failed (so
// Slack retries), 400 for a payload that can never be read.
func (b *Bot) endpoint(kind string, decode func([]byte) ([]byte, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		payload, err := decode(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := b.Receive(r.Context(), kind, payload)
		if err != nil {
			if triage.IsPermanent(err) {
				http.Error(w, "unreadable payload", http.StatusBadRequest)
				return
			}
			b.log.Error("delivery not stored; Slack will retry", "kind", kind, "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		if resp == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(resp); err != nil {
			b.log.Warn("write acknowledgement", "kind", kind, "err", err)
		}
	})
}

// commandJSON turns a slash command's form into the JSON shape Socket Mode
// delivers, so both transports store the same thing.
func commandJSON(body []byte) ([]byte, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errors.New("slash command: the body is not a form")
	}
	cmd := slack.SlashCommand{
		Token: f.Get("token"), TeamID: f.Get("team_id"), TeamDomain: f.Get("team_domain"),
		EnterpriseID: f.Get("enterprise_id"), EnterpriseName: f.Get("enterprise_name"),
		ChannelID: f.Get("channel_id"), ChannelName: f.Get("channel_name"),
		UserID: f.Get("user_id"), UserName: f.Get("user_name"), Command: f.Get("command"), Text: f.Get("text"),
		ResponseURL: f.Get("response_url"), TriggerID: f.Get("trigger_id"), APIAppID: f.Get("api_app_id"),
	}
	if cmd.UserID == "" || cmd.Command == "" {
		return nil, errors.New("slash command: user_id and command are required")
	}
	return json.Marshal(cmd)
}

// interactionJSON extracts the payload field Slack form-encodes.
func interactionJSON(body []byte) ([]byte, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil || f.Get("payload") == "" {
		return nil, errors.New("interaction: the body has no payload field")
	}
	return []byte(f.Get("payload")), nil
}
