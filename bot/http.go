package bot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
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
		body, ok := verifiedBytes(r)
		if !ok {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				http.Error(w, "read body", http.StatusBadRequest)
				return
			}
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
		if err := writeJSON(w, resp); err != nil {
			b.log.Warn("write acknowledgement", "kind", kind, "err", err)
		}
	})
}

// ackEncoder is a JSON encoder with its buffer, reused through ackEncoders
// across acknowledgements.
type ackEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var ackEncoders = sync.Pool{New: func() any {
	e := new(ackEncoder)
	e.enc = json.NewEncoder(&e.buf)
	return e
}}

// maxPooledAck is the largest buffer put back in the pool: a rare big
// answer (a modal's errors) should not stay in memory for good.
const maxPooledAck = 64 << 10

// writeJSON answers 200 with v as JSON and its Content-Length. Encoding
// into a buffer first means a value that cannot be encoded gets a 500, not
// half an answer. It is safe for concurrent use.
func writeJSON(w http.ResponseWriter, v any) error {
	e := ackEncoders.Get().(*ackEncoder)
	defer func() {
		if e.buf.Cap() <= maxPooledAck {
			ackEncoders.Put(e)
		}
	}()
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		http.Error(w, "could not encode the answer", http.StatusInternalServerError)
		return fmt.Errorf("encode acknowledgement: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(e.buf.Len()))
	_, err := w.Write(e.buf.Bytes())
	return err
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
