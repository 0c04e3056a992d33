package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/triage"
)

// userRef matches a user as Slack escapes it in command text (<@U123|name>
// or <@U123>), or a bare user id.
var userRef = regexp.MustCompile(`^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|([UW][A-Z0-9]{2,}))$`)

// isUserArg reports whether arg is meant as a user rather than a team,
// escaped or not, so that parseUser explains an unescaped @name.
func isUserArg(arg string) bool { return strings.HasPrefix(arg, "@") || userRef.MatchString(arg) }

// swapCommand handles `oncall swap @a @b <from> <to>`: b covers a's
// shifts from..to. Only a lead of the team may do it.
func (b *Bot) swapCommand(cmd *slack.SlashCommand, args []string) (render.Message, error) {
	usage := triage.Errorf(triage.EINVALID,
		"usage: %s oncall swap @covered @covering <from> <to>, each a date or a date and time in the team's time zone, e.g. 2026-11-24 or 2026-11-24 10:00", b.cfg.Command)
	team, args, err := b.commandTeam(cmd, args, isUserArg)
	if err != nil {
		return render.Message{}, err
	}
	args = joinTimes(args)
	if len(args) != 4 {
		return render.Message{}, usage
	}
	if !team.IsLead(cmd.UserID) {
		return render.Message{}, triage.Errorf(triage.EFORBIDDEN, "only a lead of team %s can swap on-call shifts", team.Name)
	}
	covered, err := parseUser(args[0])
	if err != nil {
		return render.Message{}, err
	}
	covering, err := parseUser(args[1])
	if err != nil {
		return render.Message{}, err
	}
	from, err := parseWhen(args[2], team.Location, false)
	if err != nil {
		return render.Message{}, usage
	}
	to, err := parseWhen(args[3], team.Location, true)
	if err != nil {
		return render.Message{}, usage
	}
	now := b.now()
	o := oncall.Override{ID: "swap-" + strconv.FormatInt(now.UnixNano(), 36), Team: team.Name,
		User: covering, Replaces: covered, Start: from, End: to, CreatedBy: cmd.UserID, CreatedAt: now}
	if err := o.Validate(); err != nil {
		return render.Message{}, triage.Errorf(triage.EINVALID, "%v", err)
	}
	if err := b.db.Update(func(tx triage.Tx) error { return tx.PutOverride(o) }); err != nil {
		return render.Message{}, err
	}
	const layout = "Mon 2 Jan 15:04 MST"
	return render.Message{Text: fmt.Sprintf("Done: <@%s> covers <@%s>'s on-call from %s to %s.",
		covering, covered, from.In(team.Location).Format(layout), to.In(team.Location).Format(layout))}, nil
}

func parseUser(s string) (string, error) {
	m := userRef.FindStringSubmatch(s)
	if m == nil {
		if strings.HasPrefix(s, "@") {
			return "", triage.Errorf(triage.EINVALID,
				"Slack sent %s without its user id: turn on \"Escape channels, users, and links\" for the command (should_escape: true in the manifest)", s)
		}
		return "", triage.Errorf(triage.EINVALID, "%q is not a user: mention them as @name", s)
	}
	return m[1] + m[2], nil
}

// clockTime matches a time of day given after a date, as in "2026-11-24 10:00".
var clockTime = regexp.MustCompile(`^\d{1,2}:\d{2}$`)

// joinTimes joins each date and the time of day after it into one
// argument, "2026-11-24T10:00", since people write a space between them.
func joinTimes(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if i+1 < len(args) && clockTime.MatchString(args[i+1]) {
			if _, err := time.Parse(time.DateOnly, args[i]); err == nil {
				clock := args[i+1]
				if len(clock) == 4 {
					clock = "0" + clock // 9:00
				}
				out = append(out, args[i]+"T"+clock)
				i++
				continue
			}
		}
		out = append(out, args[i])
	}
	return out
}

// parseWhen reads a date or a date and time in loc. A date alone as the
// end of a range means the end of that day.
func parseWhen(s string, loc *time.Location, end bool) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, loc); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		y, m, day := d.Date()
		return time.Date(y, m, day+1, 0, 0, 0, 0, loc), nil
	}
	return d, nil
}

func (b *Bot) overrides(team *triage.Team, at time.Time) ([]oncall.Override, error) {
	var ovs []oncall.Override
	err := b.db.View(func(tx triage.Tx) error {
		var err error
		ovs, err = tx.Overrides(team.Name, at)
		return err
	})
	return ovs, err
}
