package render

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sprintguard/sprintguard/classifier"
)

// Action and callback ids. The bot dispatches interactive payloads on them,
// so they must never change once messages carrying them are out.
const (
	ActionCreateTicket = "sg_create_ticket"  // button on the intake prompt; value = JSON of MessageRef
	ActionEmergency    = "sg_emergency"      // button on the intake prompt; value = JSON of MessageRef
	ActionAck          = "sg_ack"            // value = request id (decimal)
	ActionUrgency      = "sg_urgency"        // static_select; each option value = "<id>:P1".."<id>:P4"
	ActionCategory     = "sg_category"       // static_select; each option value = "<id>:<category>"
	ActionResolve      = "sg_resolve"        // opens the resolve modal; value = request id
	ActionDefer        = "sg_defer"          // value = request id
	ActionApprove      = "sg_approve"        // value = request id
	ActionDecline      = "sg_decline"        // on the approval message, leads only; value = request id
	ActionOpenRequest  = "sg_open_request"   // App Home button "New request"; value ""
	ActionConfirmClaim = "sg_claim_confirm"  // on-call's answer to a claimed emergency; value = request id
	ActionKeepClaim    = "sg_claim_keep"     // value = request id
	CallbackRequest    = "sg_request"        // request modal callback_id
	CallbackResolve    = "sg_resolve_modal"  // resolve modal callback_id
	ShortcutCreate     = "sg_create_request" // message shortcut callback_id (the manifest uses it)
)

// ErrBadValue is returned, wrapped, when an action value or a modal's
// private metadata is not one that this package made.
var ErrBadValue = errors.New("malformed value")

// MessageRef points at the Slack message a prompt is about. It travels as
// JSON in button values, so it holds only short Slack ids. It is a plain
// value, safe for concurrent reads.
type MessageRef struct {
	Channel  string `json:"channel"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts,omitempty"`
	User     string `json:"user,omitempty"`
}

// value encodes ref for a button. Slack ids are a few dozen bytes at most,
// far below the 2000-byte limit of a button value.
func (ref MessageRef) value() string {
	b, _ := json.Marshal(ref) // a struct of strings always marshals
	return string(b)
}

// ParseMessageRef decodes the value of an ActionCreateTicket or
// ActionEmergency button. It is safe for concurrent use.
func ParseMessageRef(value string) (MessageRef, error) {
	var ref MessageRef
	if err := json.Unmarshal([]byte(value), &ref); err != nil {
		return MessageRef{}, fmt.Errorf("parse message ref: %w: %w", ErrBadValue, err)
	}
	if ref.Channel == "" || ref.TS == "" {
		return MessageRef{}, fmt.Errorf("parse message ref %q: no channel or ts: %w", value, ErrBadValue)
	}
	return ref, nil
}

// ParseID reads a request id from a button value or private metadata. It
// is safe for concurrent use.
func ParseID(value string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("parse request id %q: %w", value, ErrBadValue)
	}
	return id, nil
}

// ParseUrgencyOption reads the value of an ActionUrgency option,
// "<id>:P1".."<id>:P4". It is safe for concurrent use.
func ParseUrgencyOption(value string) (id int64, u classifier.Urgency, err error) {
	i := strings.LastIndexByte(value, ':')
	if i < 0 {
		return 0, 0, fmt.Errorf("parse urgency option %q: %w", value, ErrBadValue)
	}
	if id, err = ParseID(value[:i]); err != nil {
		return 0, 0, fmt.Errorf("parse urgency option: %w", err)
	}
	if u, err = classifier.ParseUrgency(value[i+1:]); err != nil {
		return 0, 0, fmt.Errorf("parse urgency option: %w: %w", ErrBadValue, err)
	}
	return id, u, nil
}

// ParseCategoryOption reads the value of an ActionCategory option,
// "<id>:<category>". It does not check that the team knows the category;
// triage's Apply does. It is safe for concurrent use.
func ParseCategoryOption(value string) (id int64, category string, err error) {
	i := strings.IndexByte(value, ':')
	if i < 0 || i == len(value)-1 {
		return 0, "", fmt.Errorf("parse category option %q: %w", value, ErrBadValue)
	}
	if id, err = ParseID(value[:i]); err != nil {
		return 0, "", fmt.Errorf("parse category option: %w", err)
	}
	return id, value[i+1:], nil
}

func idValue(id int64) string { return strconv.FormatInt(id, 10) }

func categoryValue(id int64, category string) string { return idValue(id) + ":" + category }

func urgencyValue(id int64, u classifier.Urgency) string { return idValue(id) + ":" + u.String() }
