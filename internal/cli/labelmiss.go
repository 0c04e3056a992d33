package cli

import (
	"fmt"
	"strings"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/internal/typo"
	"github.com/sprintguard/sprintguard/learn"
	"github.com/sprintguard/sprintguard/replay"
	"github.com/sprintguard/sprintguard/slackexport"
)

// maxMissShown bounds the unmatched labels listed one by one.
const maxMissShown = 10

// labelMiss is a label that matched no request of a replay, and why.
type labelMiss struct {
	label learn.FileLabel
	// mistake says the label names no channel or no message of the
	// export: the file is wrong, whichever team is asked about.
	mistake bool
	reason  string
}

// explainMisses says, for each label, why it matched no request: a
// channel the export lacks (and the one it may mean), a ts at which the
// channel has no message, or why the replay res made no request of the
// message (as its summary counts it: a team member's, a bot's). The
// export's messages are walked only for the labels' channels, and only
// when a label names a channel the export has.
func explainMisses(exp *slackexport.Export, res *replay.Result, ls []learn.FileLabel) ([]labelMiss, error) {
	byName := map[string]slackexport.Channel{}
	var names []string
	for _, ch := range exp.Channels {
		byName[ch.ID], byName[ch.Name] = ch, ch
		names = append(names, ch.Name)
	}
	out := make([]labelMiss, len(ls))
	msgs := map[[2]string]bool{} // channel id and ts of every message in the labels' channels
	want := map[string]bool{}
	for i, l := range ls {
		name := strings.TrimPrefix(l.Channel, "#")
		out[i].label = l
		ch, ok := byName[name]
		if !ok {
			out[i].mistake, out[i].reason = true, fmt.Sprintf("no channel %q in the export", l.Channel)
			if s := typo.Closest(name, names); s != "" {
				out[i].reason += fmt.Sprintf("; did you mean #%s?", s)
			}
			continue
		}
		want[ch.ID] = true
	}
	if len(want) > 0 {
		if _, err := exp.Walk(func(m slackexport.Message) error {
			if want[m.Channel] {
				msgs[[2]string{m.Channel, m.TS}] = true
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("read export: %w", err)
		}
	}
	for i, l := range ls {
		if out[i].reason != "" {
			continue
		}
		ch := byName[strings.TrimPrefix(l.Channel, "#")]
		if !msgs[[2]string{ch.ID, l.TS}] {
			out[i].mistake, out[i].reason = true, fmt.Sprintf("no message at ts %s in #%s", l.TS, ch.Name)
			continue
		}
		out[i].reason = fmt.Sprintf("the replay made no request of the message at ts %s in #%s", l.TS, ch.Name)
		if why := res.SkipReason(ch.ID, l.TS); why != "" {
			out[i].reason = fmt.Sprintf("the replay skipped the message at ts %s in #%s: %s", l.TS, ch.Name, why)
		}
	}
	return out, nil
}

// reportMisses warns on stderr of the labels of file that matched no
// request, up to maxMissShown of them with FILE:LINE and the reason, then
// how many more. With all false only the file's mistakes are listed: a
// label of another team's message is no mistake when one team is asked
// about.
func reportMisses(env Env, exp *slackexport.Export, res *replay.Result, file string, total int, unmatched []learn.FileLabel, all bool) {
	if len(unmatched) == 0 {
		return
	}
	misses, err := explainMisses(exp, res, unmatched)
	if err != nil {
		fmt.Fprintf(env.Stderr, "warning: %d of %s in %s match no request of the replay (%v)\n", len(unmatched), plural.Count(total, "label"), file, err)
		return
	}
	var shown []labelMiss
	for _, m := range misses {
		if all || m.mistake {
			shown = append(shown, m)
		}
	}
	if len(shown) == 0 {
		return
	}
	fmt.Fprintf(env.Stderr, "warning: %d of %s in %s match no request of the replay:\n", len(shown), plural.Count(total, "label"), file)
	for i, m := range shown {
		if i == maxMissShown {
			fmt.Fprintf(env.Stderr, "  and %d more\n", len(shown)-maxMissShown)
			break
		}
		fmt.Fprintf(env.Stderr, "  %s: %s\n", m.label.Where, m.reason)
	}
}
