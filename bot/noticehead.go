package bot

import (
	"encoding/json"
	"time"

	"github.com/sprintguard/sprintguard/internal/jsonscan"
	"github.com/sprintguard/sprintguard/triage"
)

// decodeNotice reads a notice job's payload exactly as json.Unmarshal
// would. Every request's notices are decoded once per job, and
// encoding/json's reflection was most of what notifyJob spent outside
// Slack and the request. What scanNotice does not read exactly as
// encoding/json would (a null, a key in another case, a fraction for an
// integer, invalid JSON) goes to json.Unmarshal, which also words the
// error.
func decodeNotice(p []byte) (triage.Notice, error) {
	var n triage.Notice
	if scanNotice(p, &n) {
		return n, nil
	}
	n = triage.Notice{}
	err := json.Unmarshal(p, &n)
	return n, err
}

// noticeKeys are the keys scanNotice reads; any other key's value is
// checked and skipped, as encoding/json skips it.
var noticeKeys = []string{"kind", "request_id", "team", "actor", "threshold", "sprint", "text", "at", "due"}

// scanNotice reads p into n and reports whether it could; n holds garbage
// when it could not.
func scanNotice(p []byte, n *triage.Notice) bool {
	i, ok := jsonscan.Fields(p, 0, noticeKeys, func(key string, i int) (int, bool) {
		switch key {
		case "kind":
			return stringField(p, i, &n.Kind)
		case "request_id":
			return intField(p, i, &n.RequestID)
		case "team":
			return stringField(p, i, &n.Team)
		case "actor":
			return stringField(p, i, &n.Actor)
		case "threshold":
			return floatField(p, i, &n.Threshold)
		case "sprint":
			var v int64
			next, ok := intField(p, i, &v)
			n.Sprint = int(v)
			return next, ok
		case "text":
			return stringField(p, i, &n.Text)
		case "at":
			return timeField(p, i, &n.At)
		}
		return timeField(p, i, &n.Due)
	})
	return ok && jsonscan.SkipSpace(p, i) == len(p)
}

// intField reads an integer with jsonscan.Int.
func intField(p []byte, i int, dst *int64) (int, bool) {
	v, next, ok := jsonscan.Int(p, i)
	*dst = v
	return next, ok
}

// floatField reads a number with jsonscan.Float.
func floatField(p []byte, i int, dst *float64) (int, bool) {
	v, next, ok := jsonscan.Float(p, i)
	*dst = v
	return next, ok
}

// timeField reads a time with time.Time's UnmarshalJSON, which
// encoding/json calls with the quoted text as it stands.
func timeField(p []byte, i int, dst *time.Time) (int, bool) {
	if i >= len(p) || p[i] != '"' {
		return 0, false
	}
	next, ok := jsonscan.Value(p, i)
	return next, ok && dst.UnmarshalJSON(p[i:next]) == nil
}
