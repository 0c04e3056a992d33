package cli

import (
	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/jsonwrite"
)

// appendClassifyJSON appends res and a newline exactly as json.Encoder's
// Encode writes them (HTML characters escaped), without reflection, which
// was a seventh of the cost of a line. It reports false, having appended
// nothing, for what only encoding/json can word the error of: an invalid
// urgency or a non-finite estimate. sla caches each SLA's own MarshalJSON,
// as the rules hold only a few; it is the caller's, not shared.
func appendClassifyJSON(dst []byte, res *classifyResult, sla map[classifier.SLA][]byte) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, `{"team":`...)
	dst = jsonwrite.String(dst, res.Team)
	dst = append(dst, `,"decision":`...)
	dst, ok := res.Decision.AppendJSON(dst, sla)
	if !ok {
		return dst[:start], false
	}
	dst = append(dst, `,"explanation":`...)
	dst = jsonwrite.String(dst, res.Explanation)
	return append(dst, "}\n"...), true
}
