package slackfake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const (
	socketPath = "/socket"
	// pingEvery is how often the fake pings each connection, as Slack does
	// to keep it alive; socketmode.Client reconnects when pings stop.
	pingEvery = time.Second
	// connectWait is how long Send waits for a client to connect.
	connectWait = 10 * time.Second
	writeWait   = 5 * time.Second
)

// wsConn is one Socket Mode connection. Writes are serialised by wmu, as
// gorilla/websocket allows one writer at a time.
type wsConn struct {
	ws       *websocket.Conn
	wmu      sync.Mutex
	ready    bool // got its hello; envelopes and disconnects may follow
	draining bool // sent a disconnect; Slack sends it nothing more
	closed   bool
	done     chan struct{}
}

func (c *wsConn) write(kind int, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeWait)); err != nil {
		return fmt.Errorf("set write deadline: %w", err)
	}
	if err := c.ws.WriteMessage(kind, data); err != nil {
		return fmt.Errorf("write socket frame: %w", err)
	}
	return nil
}

func (s *Server) openConnection(*request) (obj, error) {
	s.seq++
	url := "ws" + strings.TrimPrefix(strings.TrimSuffix(s.base, "/"), "http") + socketPath +
		fmt.Sprintf("?ticket=%d&app_id=%s", s.seq, AppID)
	return obj{"url": url}, nil
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client already.
	}
	c := &wsConn{ws: ws, done: make(chan struct{})}
	s.mu.Lock()
	s.opened++
	live := s.liveLocked() + 1
	// Listed at once, so that a Drop right after the client read its hello
	// reaches it.
	s.conns = append(s.conns, c)
	s.mu.Unlock()

	hello := mustJSON(obj{
		"type":            "hello",
		"num_connections": live,
		"debug_info":      obj{"host": "slackfake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": obj{"app_id": AppID},
	})
	if err := c.write(websocket.TextMessage, hello); err != nil {
		s.mu.Lock()
		s.closeLocked(c)
		s.mu.Unlock()
		return
	}
	// Envelopes may only follow the hello, so the connection becomes one
	// Send can use only now.
	s.mu.Lock()
	c.ready = true
	s.notifyLocked()
	s.mu.Unlock()
	go s.ping(c)
	s.readAcks(c)
	s.mu.Lock()
	s.closeLocked(c)
	s.mu.Unlock()
}

func (s *Server) liveLocked() int {
	n := 0
	for _, c := range s.conns {
		if !c.closed {
			n++
		}
	}
	return n
}

func (s *Server) closeLocked(c *wsConn) {
	if c.closed {
		return
	}
	c.closed = true
	close(c.done)
	_ = c.ws.Close()
	s.notifyLocked()
}

func (s *Server) ping(c *wsConn) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-t.C:
			if c.write(websocket.PingMessage, nil) != nil {
				return
			}
		}
	}
}

// readAcks records every ack the client sends until the connection ends.
func (s *Server) readAcks(c *wsConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(data, &ack) != nil || ack.EnvelopeID == "" {
			continue
		}
		s.mu.Lock()
		s.acks[ack.EnvelopeID] = ack.Payload
		s.notifyLocked()
		s.mu.Unlock()
	}
}

func (s *Server) closeSockets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		s.closeLocked(c)
	}
}

// currentLocked is the connection Slack would send to: the newest live one
// that was not told to disconnect.
func (s *Server) currentLocked() *wsConn {
	for i := len(s.conns) - 1; i >= 0; i-- {
		if c := s.conns[i]; c.ready && !c.closed && !c.draining {
			return c
		}
	}
	return nil
}

// envelope is a Socket Mode frame as Slack sends it.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`
}

// Send sends a Socket Mode envelope of a type (events_api, slash_commands,
// interactive) carrying payload, which is marshalled unless it is already
// JSON ([]byte or json.RawMessage), and returns its envelope_id. It waits
// for a client to be connected and, like t.Fatal, must be called from the
// test's goroutine: it fails the test when none connects in time.
func (s *Server) Send(envelopeType string, payload any, retryAttempt int) (envelopeID string) {
	s.t.Helper()
	raw, err := asJSON(payload)
	if err != nil {
		s.t.Fatalf("slackfake: Send %s: %v", envelopeType, err)
	}
	env := envelope{EnvelopeID: newEnvelopeID(), Type: envelopeType, Payload: raw, AcceptsResponsePayload: acceptsResponse(envelopeType, raw)}
	// Events carry their delivery attempt; Slack adds it to the others
	// only when retrying.
	if envelopeType == "events_api" || retryAttempt > 0 {
		reason := ""
		if retryAttempt > 0 {
			reason = "timeout"
		}
		env.RetryAttempt, env.RetryReason = &retryAttempt, &reason
	}
	frame := mustJSON(env)
	for {
		var c *wsConn
		if !s.waitFor(connectWait, func() bool { c = s.currentLocked(); return c != nil }) {
			s.t.Fatalf("slackfake: no Socket Mode client connected within %s to send %s", connectWait, envelopeType)
		}
		if err := c.write(websocket.TextMessage, frame); err == nil {
			return env.EnvelopeID
		}
		// The connection died under us; Slack would deliver on another.
		s.mu.Lock()
		s.closeLocked(c)
		s.mu.Unlock()
	}
}

func asJSON(payload any) (json.RawMessage, error) {
	switch p := payload.(type) {
	case json.RawMessage:
		return p, nil
	case []byte:
		return p, nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("marshal payload: %w", err)
	}
	return b, nil
}

// acceptsResponse says whether Slack would take a response payload in the
// ack: for slash commands, and for the interactions that can answer
// inline (view submissions, options requests).
func acceptsResponse(envelopeType string, payload json.RawMessage) bool {
	var p struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(payload, &p)
	switch envelopeType {
	case "slash_commands":
		return true
	case "interactive":
		return p.Type == "view_submission" || p.Type == "block_suggestion"
	}
	return false
}

func newEnvelopeID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// WaitAck waits for the client's ack of an envelope and returns its
// payload, nil when the ack carried none; it fails the test if no ack came
// within the timeout.
func (s *Server) WaitAck(t testing.TB, envelopeID string, timeout time.Duration) json.RawMessage {
	t.Helper()
	var payload json.RawMessage
	if !s.waitFor(timeout, func() bool {
		var ok bool
		payload, ok = s.acks[envelopeID]
		return ok
	}) {
		t.Fatalf("slackfake: no ack for envelope %s within %s", envelopeID, timeout)
	}
	return payload
}

// Acked reports whether an envelope was acked, and the ack's payload.
func (s *Server) Acked(envelopeID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.acks[envelopeID]
	return p, ok
}

// Disconnect sends every live connection a disconnect frame, as Slack does
// before it closes a connection (reason "refresh_requested", "warning"...),
// and sends it nothing more; the client is expected to reconnect.
func (s *Server) Disconnect(reason string) {
	frame := mustJSON(obj{
		"type":            "disconnect",
		"reason":          reason,
		"debug_info":      obj{"host": "slackfake"},
		"connection_info": obj{"app_id": AppID},
	})
	s.mu.Lock()
	var conns []*wsConn
	for _, c := range s.conns {
		if c.ready && !c.closed && !c.draining {
			c.draining = true
			conns = append(conns, c)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.write(websocket.TextMessage, frame)
	}
}

// Drop closes every live connection's TCP connection without a close
// frame, like a network failure.
func (s *Server) Drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		// Close drops the TCP connection without a close frame.
		s.closeLocked(c)
	}
}

// WaitConnections waits until n Socket Mode connections were opened so far
// and one can be sent to (it got its hello), and fails the test if that
// did not happen within the timeout.
func (s *Server) WaitConnections(t testing.TB, n int, timeout time.Duration) {
	t.Helper()
	if !s.waitFor(timeout, func() bool { return s.opened >= n && s.currentLocked() != nil }) {
		t.Fatalf("slackfake: %d Socket Mode connections after %s, want %d", s.Connections(), timeout, n)
	}
}

// Connections returns how many Socket Mode connections were opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}
