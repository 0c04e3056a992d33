package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
	"github.com/sprintguard/sprintguard/triage"
)

// requestText is what RequestText decodes of a stored request.
type requestText struct {
	ID      int64  `json:"id"`
	Team    string `json:"team"`
	Summary string `json:"summary"`
	Details string `json:"details"`
	Purged  bool   `json:"purged"`
	// SimilarDone is also set by a list kept beside the request.
	SimilarDone bool `json:"similar_done"`
	HasActual   bool `json:"has_actual"`
}

// RequestText returns request id with only what the similar-request job
// reads of it set (triage.TextOf), or an error wrapping
// triage.ErrNotFound. Request would decode it whole, with its events,
// and read what is kept beside it: after a burst, the lookup's job spent
// a third as much CPU on that as on the search itself. A cached request
// is read without a copy, as in SimilarRequest.
func (t *tx) RequestText(id int64) (*triage.Request, error) {
	v := t.bucket(bucketRequests).Get(idKey(id))
	if v == nil {
		return nil, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
	}
	var r *triage.Request
	if c := t.cache.peek(id, v); c != nil {
		r = triage.TextOf(c)
	} else {
		var rt requestText
		if err := decodeRequestText(v, &rt); err != nil {
			return nil, fmt.Errorf("decode request %d: %w", id, err)
		}
		r = &triage.Request{ID: rt.ID, Team: rt.Team, Summary: rt.Summary, Details: rt.Details, Purged: rt.Purged,
			SimilarDone: rt.SimilarDone, HasActual: rt.HasActual}
	}
	// A cached request, as a decoded one, has what PutSimilar kept
	// beside it only once Request added it (see beside).
	if !r.SimilarDone {
		if b := t.bucket(bucketReqSimilar); b != nil && b.Get(idKey(id)) != nil {
			r.SimilarDone = true
		}
	}
	return r, nil
}

// requestTextKeys are the keys of a stored request that requestText holds.
var requestTextKeys = []string{"id", "team", "summary", "details", "purged", "similar_done", "has_actual"}

// decodeRequestText decodes v, a stored request, into rt exactly as
// json.Unmarshal would. encoding/json's reflection over the whole request,
// to keep a few fields of it, was most of what RequestText cost, and the
// similar-request job reads two requests with it; a hand scan skips the
// rest. Whatever the scan does not read exactly as encoding/json would (a
// null, a key in another case, invalid UTF-8, invalid JSON) goes to
// json.Unmarshal, which also words the error.
func decodeRequestText(v []byte, rt *requestText) error {
	if scanRequestText(v, rt) {
		return nil
	}
	*rt = requestText{}
	return json.Unmarshal(v, rt)
}

// scanRequestText reads v into rt and reports whether it could; rt holds
// garbage when it could not.
func scanRequestText(v []byte, rt *requestText) bool {
	i, ok := jsonscan.Fields(v, 0, requestTextKeys, func(key string, i int) (int, bool) {
		switch key {
		case "id":
			next, ok := jsonscan.Value(v, i)
			if !ok {
				return 0, false
			}
			// A number that is not an int64 (a fraction, an exponent, too
			// large) is declined, as is any other value.
			id, err := strconv.ParseInt(string(v[i:next]), 10, 64)
			rt.ID = id
			return next, err == nil
		case "team":
			return stringValue(v, i, &rt.Team)
		case "summary":
			return stringValue(v, i, &rt.Summary)
		case "details":
			return stringValue(v, i, &rt.Details)
		case "purged":
			return boolValue(v, i, &rt.Purged)
		case "similar_done":
			return boolValue(v, i, &rt.SimilarDone)
		}
		return boolValue(v, i, &rt.HasActual)
	})
	return ok && jsonscan.SkipSpace(v, i) == len(v)
}

// stringValue reads the JSON string at data[i] into dst; anything else
// (null included, which encoding/json would skip) is declined.
func stringValue(data []byte, i int, dst *string) (int, bool) {
	s, next, ok := jsonscan.String(data, i)
	if !ok {
		return 0, false
	}
	*dst = string(s)
	return next, true
}

// boolValue reads the JSON true or false at data[i] into dst; anything
// else is declined.
func boolValue(data []byte, i int, dst *bool) (int, bool) {
	switch rest := data[i:]; {
	case bytes.HasPrefix(rest, []byte("true")):
		*dst = true
		return i + 4, true
	case bytes.HasPrefix(rest, []byte("false")):
		*dst = false
		return i + 5, true
	}
	return 0, false
}
