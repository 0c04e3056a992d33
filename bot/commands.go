package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/bot/render"
	"github.com/sprintguard/sprintguard/report"
	"github.com/sprintguard/sprintguard/triage"
)

// answerCommand answers the slash commands that need no Web API call at
// once, in the acknowledgement: reads, and writes that commit before the
// acknowledgement is sent. It reports false for those processed later.
func (b *Bot) answerCommand(ctx context.Context, cmd *slack.SlashCommand) (any, bool) {
	args := strings.Fields(cmd.Text)
	sub := ""
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	var msg render.Message
	var err error
	switch sub {
	case "", "help":
		msg = render.Message{Text: render.Help(b.cfg.Command)}
	case "budget":
		msg, err = b.budgetCommand(cmd, args[1:])
	case "oncall":
		if len(args) > 1 && strings.ToLower(args[1]) == "swap" {
			msg, err = b.swapCommand(cmd, args[2:])
		} else {
			msg, err = b.oncallCommand(cmd, args[1:])
		}
	case "status":
		msg, err = b.statusCommand(cmd, args[1:])
	case "handoff":
		msg, err = b.handoffCommand(cmd, args[1:])
	case "report":
		msg, err = b.reportCommand(ctx, cmd, args[1:])
	default:
		return nil, false // ask, or a bare request: the modal opens after the ack
	}
	if err != nil {
		msg = render.Message{Text: userMessage(err) + "\n\n" + render.Help(b.cfg.Command)}
		if triage.ErrorCode(err) == triage.EINTERNAL {
			b.log.Error("slash command failed", "command", sub, "user", cmd.UserID, "err", err)
		}
	}
	return ephemeral(msg), true
}

// ephemeral is a slash command's answer, seen only by the person who ran it.
func ephemeral(m render.Message) *slack.Msg {
	out := &slack.Msg{ResponseType: slack.ResponseTypeEphemeral, Text: m.Text}
	if len(m.Blocks) > 0 {
		out.Blocks = slack.Blocks{BlockSet: m.Blocks}
	}
	return out
}

// userMessage is what a person is told about err: the message of a
// domain error, and no internals otherwise.
func userMessage(err error) string {
	if triage.ErrorCode(err) == triage.EINTERNAL {
		return "Something went wrong on our side; it has been logged."
	}
	return triage.ErrorMessage(err)
}

// commandTeam picks the team a command is about: one named in args, the
// team of the channel it was run in, or the runner's own team. A first
// argument that is not a team is an error naming the known teams, unless
// other(arg) says the command takes it (report's week).
func (b *Bot) commandTeam(cmd *slack.SlashCommand, args []string, other func(string) bool) (*triage.Team, []string, error) {
	st := b.svc.Settings()
	if len(args) > 0 && (other == nil || !other(args[0])) {
		t, err := st.LookupTeam(args[0])
		if err != nil {
			return nil, nil, err
		}
		return t, args[1:], nil
	}
	if t := st.TeamForChannel(cmd.ChannelID, cmd.ChannelName); t != nil {
		return t, args, nil
	}
	for _, t := range st.Teams {
		if t.Channel == cmd.ChannelID {
			return t, args, nil
		}
	}
	return b.teamOf(cmd.UserID), args, nil
}

func (b *Bot) budgetCommand(cmd *slack.SlashCommand, args []string) (render.Message, error) {
	team, _, err := b.commandTeam(cmd, args, nil)
	if err != nil {
		return render.Message{}, err
	}
	cur := team.Calendar.At(b.now())
	led, err := b.ledger(team, cur.N)
	if err != nil {
		return render.Message{}, err
	}
	return render.BudgetStatus(team, led, cur.N, cur.Start, cur.End), nil
}

func (b *Bot) oncallCommand(cmd *slack.SlashCommand, args []string) (render.Message, error) {
	team, _, err := b.commandTeam(cmd, args, nil)
	if err != nil {
		return render.Message{}, err
	}
	if len(team.Rotation.Members) == 0 {
		return render.Message{Text: fmt.Sprintf("Team %s has no on-call rotation configured.", team.Name)}, nil
	}
	now := b.now()
	ovs, err := b.overrides(team, now)
	if err != nil {
		return render.Message{}, err
	}
	return render.OnCallStatus(team, team.Rotation.Current(now, ovs), team.Rotation.Next(now, ovs)), nil
}

func (b *Bot) statusCommand(cmd *slack.SlashCommand, args []string) (render.Message, error) {
	st := b.svc.Settings()
	if len(args) > 0 {
		key := strings.ToUpper(args[0])
		var r *triage.Request
		err := b.db.View(func(tx triage.Tx) error {
			var err error
			r, err = tx.RequestByTicket(key)
			return err
		})
		if errors.Is(err, triage.ErrNotFound) {
			return render.Message{}, triage.Errorf(triage.ENOTFOUND, "no request has ticket %s", key)
		} else if err != nil {
			return render.Message{}, err
		}
		team := st.Team(r.Team)
		if team == nil {
			return render.Message{}, triage.Errorf(triage.ENOTFOUND, "team %s of %s is no longer configured", r.Team, key)
		}
		return render.Status(r, team), nil
	}
	now := b.now()
	var mine []*triage.Request
	err := b.db.View(func(tx triage.Tx) error {
		for _, t := range st.Teams {
			err := tx.RequestsBy(t.Name, cmd.UserID, now.AddDate(0, 0, -30), now.Add(time.Minute), func(r *triage.Request) error {
				mine = append(mine, r)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return render.Message{}, err
	}
	return render.StatusList("Your requests of the last 30 days", mine), nil
}

func (b *Bot) handoffCommand(cmd *slack.SlashCommand, args []string) (render.Message, error) {
	if len(args) < 2 || strings.ToLower(args[0]) != "note" {
		return render.Message{}, triage.Errorf(triage.EINVALID, "usage: %s handoff note <text>", b.cfg.Command)
	}
	team := b.teamOf(cmd.UserID)
	if !team.IsMember(cmd.UserID) {
		return render.Message{}, triage.Errorf(triage.EFORBIDDEN, "only members of a team can leave its handoff notes")
	}
	text := afterFields(cmd.Text, 2)
	note := triage.Note{Team: team.Name, User: cmd.UserID, Text: text, At: b.now()}
	if err := b.db.Update(func(tx triage.Tx) error { return tx.AddNote(note) }); err != nil {
		return render.Message{}, err
	}
	return render.Message{Text: fmt.Sprintf("Noted for the next %s on-call handoff.", team.Name)}, nil
}

// reportNamesWait bounds the display name lookups of `/sg report`.
const reportNamesWait = 1500 * time.Millisecond

func (b *Bot) reportCommand(ctx context.Context, cmd *slack.SlashCommand, args []string) (render.Message, error) {
	team, rest, err := b.commandTeam(cmd, args, isWeek)
	if err != nil {
		return render.Message{}, err
	}
	which := "last"
	if len(rest) > 0 {
		which = rest[0]
	}
	now := b.now()
	win, err := report.PickWeek(which, team.Location, now)
	if err != nil {
		return render.Message{}, triage.Errorf(triage.EINVALID, "%s: say last, this, or a week such as 2026-W47", which)
	}
	d, err := report.Load(b.db, team, win, now)
	if err != nil {
		return render.Message{}, err
	}
	// The answer is the acknowledgement, due within 3 s: names Slack is
	// slow to give show as ids this time.
	nctx, cancel := context.WithTimeout(ctx, reportNamesWait)
	d.Names = b.names.Lookup(nctx, d.Requesters())
	cancel()
	return render.Message{Text: "```\n" + truncate(report.Compute(d).Text(), 3900) + "\n```"}, nil
}

// onCommand does the slash commands that open a modal: `ask <text>` and a
// bare `<text>`. An expired trigger (the delivery was replayed after a
// restart) still makes the request, from the text alone.
func (b *Bot) onCommand(ctx context.Context, d *triage.Delivery) error {
	var cmd slack.SlashCommand
	if err := json.Unmarshal(d.Body, &cmd); err != nil {
		return triage.Permanent(fmt.Errorf("decode command: %w", err))
	}
	text := strings.TrimSpace(cmd.Text)
	if first, rest, _ := strings.Cut(text, " "); strings.EqualFold(first, "ask") {
		text = strings.TrimSpace(rest)
	}
	team, _, err := b.commandTeam(&cmd, nil, nil)
	if err != nil {
		return err
	}
	meta := render.ModalMeta{Channel: cmd.ChannelID, ChannelName: cmd.ChannelName, Team: team.Name,
		Source: string(triage.SourceSlash), Requester: cmd.UserID}
	if strings.HasPrefix(cmd.ChannelID, "D") {
		meta.Channel = "" // the answer goes by DM from the bot
	}
	_, err = b.gw.OpenView(ctx, cmd.TriggerID, render.RequestModal(render.Prefill{Summary: text, Meta: meta}))
	if err == nil || !triage.IsPermanent(err) || text == "" {
		return err
	}
	b.log.WarnContext(ctx, "request modal could not open; taking the request from the command text", "err", err)
	summary, details, links := summarize(text)
	return b.intake(ctx, triage.NewRequest{Team: team.Name, Source: triage.SourceSlash, Channel: meta.Channel,
		ChannelName: cmd.ChannelName, User: cmd.UserID, UserName: cmd.UserName,
		Summary: summary, Details: details, Links: links, EventKey: d.Key})
}

// afterFields returns text after its first n whitespace-separated fields,
// with the rest of its spacing kept.
func afterFields(text string, n int) string {
	rest := strings.TrimSpace(text)
	for range n {
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			return ""
		}
		rest = strings.TrimSpace(rest[i:])
	}
	return rest
}

// isWeek reports whether arg is a week that report takes rather than a
// team: last, this, or an ISO week such as 2026-W47, well formed or not,
// so that a mistyped week is reported as a week.
func isWeek(arg string) bool {
	switch strings.ToLower(arg) {
	case "last", "this":
		return true
	}
	return arg != "" && arg[0] >= '0' && arg[0] <= '9'
}
