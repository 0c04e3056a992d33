package gitlab

import (
	"context"
	"fmt"
	"slices"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sprintguard/sprintguard/triage"
)

// Update applies a change made in Slack: assignee, urgency label, open or
// closed, the sprint milestone, and a note saying who did it. It reads the
// issue once and sends one edit with what differs; the note carries the
// change's key and goes last, so a retry changes nothing twice.
func (t *Tracker) Update(ctx context.Context, key string, ch triage.TicketChange) error {
	project, iid, err := ParseKey(key)
	if err != nil {
		return err
	}
	is, err := t.issue(ctx, project, iid)
	if err != nil {
		return err
	}
	marker := "sprintguard change " + ch.Key
	if ch.Comment != "" {
		done, err := t.hasNote(ctx, project, iid, marker)
		if err != nil || done {
			return err
		}
	}
	var edit gl.UpdateIssueOptions
	changed := false
	if ch.Assignee != "" && !(ch.Place && len(is.Assignees) > 0) {
		id, err := t.userID(ctx, t.opt.Login(ch.Assignee))
		if err != nil {
			return err
		}
		if id != 0 && !slices.ContainsFunc(is.Assignees, func(a *gl.IssueAssignee) bool { return a.ID == id }) {
			edit.AssigneeIDs, changed = &[]int64{id}, true
		}
	}
	if !ch.Place {
		var add, remove []string
		if ch.Urgency.Valid() {
			want := UrgencyLabel(ch.Urgency)
			for _, l := range is.Labels {
				if strings.HasPrefix(l, "urgency::") && l != want {
					remove = append(remove, l)
				}
			}
			if !slices.Contains(is.Labels, want) {
				add = append(add, want)
			}
		}
		switch ch.Status {
		case triage.StatusDeferred, triage.StatusBacklog:
			if !slices.Contains(is.Labels, LabelDeferred) {
				add = append(add, LabelDeferred)
			}
			if slices.Contains(is.Labels, LabelInterrupt) {
				remove = append(remove, LabelInterrupt)
			}
		}
		if len(add) > 0 {
			if err := t.ensureLabels(ctx, project, add); err != nil {
				return err
			}
			edit.AddLabels, changed = (*gl.LabelOptions)(&add), true
		}
		if len(remove) > 0 {
			edit.RemoveLabels, changed = (*gl.LabelOptions)(&remove), true
		}
		switch ch.Status {
		case triage.StatusResolved, triage.StatusDeclined:
			if is.State != "closed" {
				edit.StateEvent, changed = gl.Ptr("close"), true
			}
		case triage.StatusOpen, triage.StatusAcknowledged, triage.StatusDeferred, triage.StatusBacklog:
			if is.State == "closed" {
				edit.StateEvent, changed = gl.Ptr("reopen"), true
			}
		}
	}
	if ch.Place || ch.Status == triage.StatusDeferred {
		id, err := t.sprintMilestone(ctx, project, ch.Team, ch.Status == triage.StatusDeferred || (ch.Place && !ch.Accepted))
		if err != nil {
			return err
		}
		if id != 0 && (is.Milestone == nil || is.Milestone.ID != id) {
			edit.MilestoneID, changed = &id, true
		}
	}
	if changed {
		err := t.call(ctx, "edit "+key, true, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			_, resp, err := t.client.Issues.UpdateIssue(project, iid, &edit, o...)
			return resp, err
		})
		if err != nil {
			return err
		}
	}
	comment := ch.Comment
	if ch.Status == triage.StatusResolved && ch.TimeSpent > 0 && ch.Unit == "hours" {
		// GitLab's own time tracking, as a quick action in the note.
		comment += fmt.Sprintf("\n\n/spend %gh", ch.TimeSpent)
	}
	if strings.TrimSpace(comment) == "" {
		return nil
	}
	body := strings.TrimSpace(comment) + "\n\n<sub>(" + marker + ")</sub>"
	return t.call(ctx, "note on "+key, true, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		_, resp, err := t.client.Notes.CreateIssueNote(project, iid, &gl.CreateIssueNoteOptions{Body: gl.Ptr(body)}, o...)
		return resp, err
	})
}

func (t *Tracker) issue(ctx context.Context, project string, iid int64) (*gl.Issue, error) {
	var is *gl.Issue
	err := t.call(ctx, fmt.Sprintf("read %s#%d", project, iid), false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
		var resp *gl.Response
		var err error
		is, resp, err = t.client.Issues.GetIssue(project, iid, o...)
		return resp, err
	})
	return is, err
}

// notes calls fn with each note of the issue, oldest first, until fn
// returns false.
func (t *Tracker) notes(ctx context.Context, project string, iid int64, fn func(*gl.Note) bool) error {
	opt := &gl.ListIssueNotesOptions{ListOptions: gl.ListOptions{PerPage: 100}, OrderBy: gl.Ptr("created_at"), Sort: gl.Ptr("asc")}
	for page := int64(1); ; page++ {
		opt.Page = page
		var list []*gl.Note
		var next int64
		err := t.call(ctx, fmt.Sprintf("notes of %s#%d", project, iid), false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			list, resp, err = t.client.Notes.ListIssueNotes(project, iid, opt, o...)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return err
		}
		for _, n := range list {
			if !fn(n) {
				return nil
			}
		}
		if next == 0 {
			return nil
		}
	}
}

func (t *Tracker) hasNote(ctx context.Context, project string, iid int64, marker string) (bool, error) {
	found := false
	err := t.notes(ctx, project, iid, func(n *gl.Note) bool {
		found = strings.Contains(n.Body, marker)
		return !found
	})
	return found, err
}
