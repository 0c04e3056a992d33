package classifier

import (
	"math"

	"github.com/sprintguard/sprintguard/internal/jsonwrite"
)

// AppendJSON appends d as json.Marshal writes it, without reflection: the
// CLI's classify writes one a line, and the store one in every request it
// saves. slas keeps each SLA's MarshalJSON for the next call (nil keeps
// nothing); it is the caller's, not shared. AppendJSON reports false,
// having appended nothing, for what only encoding/json can word the error
// of: an invalid urgency (or rule urgency) or a non-finite estimate.
func (d *Decision) AppendJSON(dst []byte, slas map[SLA][]byte) ([]byte, bool) {
	if !d.Urgency.Valid() || d.RuleUrgency != 0 && !d.RuleUrgency.Valid() || math.IsNaN(d.Estimate) || math.IsInf(d.Estimate, 0) {
		return dst, false
	}
	var slaJSON []byte
	if d.SLA != (SLA{}) {
		var ok bool
		if slaJSON, ok = slas[d.SLA]; !ok {
			b, err := d.SLA.MarshalJSON()
			if err != nil {
				return dst, false
			}
			slaJSON = b
			if slas != nil {
				slas[d.SLA] = b
			}
		}
	}
	dst = append(dst, `{"urgency":"`...)
	dst = append(dst, d.Urgency.String()...)
	dst = append(dst, '"')
	if d.Category != "" {
		dst = append(dst, `,"category":`...)
		dst = jsonwrite.String(dst, d.Category)
	}
	if d.Estimate != 0 {
		dst = append(dst, `,"estimate":`...)
		dst = jsonwrite.Float(dst, d.Estimate)
	}
	dst = jsonwrite.Strings(dst, `,"labels":`, d.Labels)
	if slaJSON != nil {
		dst = append(dst, `,"sla":`...)
		dst = append(dst, slaJSON...)
	}
	if d.Team != "" {
		dst = append(dst, `,"team":`...)
		dst = jsonwrite.String(dst, d.Team)
	}
	dst = append(dst, `,"rule":`...)
	dst = jsonwrite.String(dst, d.Rule)
	if d.Default {
		dst = append(dst, `,"default":true`...)
	}
	dst = jsonwrite.Strings(dst, `,"matched":`, d.Matched)
	dst = jsonwrite.Strings(dst, `,"also":`, d.Also)
	if d.Answer != "" {
		dst = append(dst, `,"answer":`...)
		dst = jsonwrite.String(dst, d.Answer)
	}
	if d.AnswerRule != "" {
		dst = append(dst, `,"answer_rule":`...)
		dst = jsonwrite.String(dst, d.AnswerRule)
	}
	if d.Modifier != "" {
		dst = append(dst, `,"modifier":`...)
		dst = jsonwrite.String(dst, d.Modifier)
	}
	if d.RuleUrgency != 0 {
		dst = append(dst, `,"rule_urgency":"`...)
		dst = append(append(dst, d.RuleUrgency.String()...), '"')
	}
	return append(dst, '}'), true
}
