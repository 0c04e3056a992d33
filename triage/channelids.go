package triage

import "strings"

// WithChannelIDs returns a copy of s whose teams name their channels by
// id wherever ids (channel name without '#' to id) knows the name written
// in the config: Slack's events carry ids only, and its readers take no
// name. Names ids does not know are kept. s itself is not changed, since
// settings in use are never changed in place.
func (s *Settings) WithChannelIDs(ids map[string]string) *Settings {
	out := *s
	out.Teams = make([]*Team, len(s.Teams))
	id := func(c string) string {
		if v, ok := ids[strings.TrimPrefix(c, "#")]; ok && c != "" {
			return v
		}
		return c
	}
	for i, t := range s.Teams {
		c := *t
		c.Channel, c.ReportChannel = id(t.Channel), id(t.ReportChannel)
		c.IntakeChannels = make([]string, len(t.IntakeChannels))
		for j, ch := range t.IntakeChannels {
			c.IntakeChannels[j] = id(ch)
		}
		out.Teams[i] = &c
	}
	return &out
}
