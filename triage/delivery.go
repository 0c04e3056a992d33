package triage

import "time"

// Delivery is one payload a transport accepted from Slack and must not
// lose: it is stored before Slack gets its acknowledgement and processed
// after, so a crash between the two replays it on restart.
type Delivery struct {
	Seq      uint64    `json:"seq"`
	Kind     string    `json:"kind"` // "event", "command" or "interaction"
	Key      string    `json:"key"`  // the dedupe key: event_id, or trigger_id and action_ts
	Body     []byte    `json:"body"`
	Received time.Time `json:"received"`
}
