package classifier

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Explain says in one sentence why d has its urgency, for the requester and
// the report, e.g. "P2 because rule `deploy-blocked` matched 'blocked' and
// 'deploy'". When a continue rule moved the urgency, the sentence goes on
// to name it: "P2 because rule `how-do-i` matched 'how do i', raised from
// P3 by rule `blocks-others`". It may be called concurrently.
func (d Decision) Explain() string {
	var b strings.Builder
	// One allocation: the sentence's length is known before writing it.
	n := len(" because no rule matched (default rule ``)") + len(d.Rule) + 4
	if d.Modifier != "" {
		n += len(", lowered from P? by rule ``") + len(d.Modifier)
	}
	for _, m := range d.Matched {
		n += len(m) + len(", ''")
	}
	b.Grow(n)
	b.WriteString(d.Urgency.String())
	switch {
	case d.Rule == "":
		b.WriteString(" because no rule was applied")
	case d.Default:
		b.WriteString(" because no rule matched (default rule `")
		b.WriteString(d.Rule)
		b.WriteString("`)")
	default:
		b.WriteString(" because rule `")
		b.WriteString(d.Rule)
		b.WriteString("` matched")
		for i, m := range d.Matched {
			switch {
			case i == 0:
				b.WriteString(" '")
			case i == len(d.Matched)-1:
				b.WriteString(" and '")
			default:
				b.WriteString(", '")
			}
			b.WriteString(m)
			b.WriteByte('\'')
		}
	}
	if d.Modifier != "" {
		if d.Urgency < d.RuleUrgency {
			b.WriteString(", raised from ")
		} else {
			b.WriteString(", lowered from ")
		}
		b.WriteString(d.RuleUrgency.String())
		b.WriteString(" by rule `")
		b.WriteString(d.Modifier)
		b.WriteByte('`')
	}
	return b.String()
}

// formatDuration writes d the way people write it in rules: "24h", "1h30m",
// "15m", not time.Duration's "24h0m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// maxMatchRunes bounds a regex match quoted in an explanation, because a
// greedy pattern can match a whole request and the explanation is shown in
// Slack next to the ticket link.
const maxMatchRunes = 60

// shorten collapses whitespace in s and cuts it to maxMatchRunes runes,
// marking the cut with "…", so that a match spanning lines reads as one.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxMatchRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxMatchRunes-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
