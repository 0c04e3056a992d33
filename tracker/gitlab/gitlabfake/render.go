package gitlabfake

import (
	"strconv"
	"strings"
	"time"
)

func (s *Server) web(path string) string { return strings.TrimSuffix(s.srv.URL, "/") + "/" + path }

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (s *Server) userJSON(username string) map[string]any {
	return map[string]any{"id": s.users[strings.ToLower(username)], "username": username, "name": username, "state": "active",
		"locked": false, "avatar_url": nil, "web_url": s.web(username)}
}

func (s *Server) labelJSON(p *project, name string) map[string]any {
	s.nextID++
	return map[string]any{"id": s.nextID, "name": name, "color": p.labels[name], "text_color": "#FFFFFF", "description": nil,
		"open_issues_count": 0, "closed_issues_count": 0, "open_merge_requests_count": 0, "subscribed": false, "priority": nil,
		"is_project_label": true}
}

func (s *Server) milestoneJSON(p *project, m milestone) map[string]any {
	var start, due any
	if m.start != "" {
		start = m.start
	}
	if m.due != "" {
		due = m.due
	}
	return map[string]any{"id": m.id, "iid": m.iid, "project_id": p.id, "title": m.title, "description": "", "state": "active",
		"start_date": start, "due_date": due, "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z",
		"expired": false, "web_url": s.web(p.path + "/-/milestones/" + strconv.FormatInt(m.iid, 10))}
}

func (s *Server) issueJSON(p *project, is *Issue) map[string]any {
	assignees := []any{}
	var assignee any
	for i, a := range is.Assignees {
		if i == 0 {
			assignee = s.userJSON(a)
		}
		assignees = append(assignees, s.userJSON(a))
	}
	var ms any
	for _, m := range p.milestones {
		if m.id == is.Milestone {
			ms = s.milestoneJSON(p, m)
		}
	}
	notes := 0
	for _, n := range p.notes {
		if n.IID == is.IID {
			notes++
		}
	}
	var closedBy any
	if is.State == "closed" {
		closedBy = s.userJSON(Bot)
	}
	labels := []string{}
	labels = append(labels, is.Labels...)
	ref := "#" + strconv.FormatInt(is.IID, 10)
	return map[string]any{"id": is.ID, "iid": is.IID, "project_id": p.id, "title": is.Title, "description": is.Description,
		"state": is.State, "created_at": stamp(is.Created), "updated_at": stamp(is.Updated), "closed_at": stamp(is.Closed),
		"closed_by": closedBy, "labels": labels, "milestone": ms, "assignees": assignees, "assignee": assignee,
		"author": s.userJSON(Bot), "type": "ISSUE", "issue_type": "issue", "user_notes_count": notes, "merge_requests_count": 0,
		"upvotes": 0, "downvotes": 0, "due_date": nil, "confidential": false, "discussion_locked": nil,
		"web_url": s.web(p.path + "/-/issues/" + strconv.FormatInt(is.IID, 10)),
		"time_stats": map[string]any{"time_estimate": 0, "total_time_spent": is.Spent, "human_time_estimate": nil,
			"human_total_time_spent": nil},
		"task_completion_status": map[string]any{"count": 0, "completed_count": 0}, "has_tasks": false,
		"references": map[string]any{"short": ref, "relative": ref, "full": p.path + ref}, "severity": "UNKNOWN", "moved_to_id": nil}
}

func (s *Server) noteJSON(p *project, n *Note) map[string]any {
	return map[string]any{"id": n.ID, "type": nil, "body": n.Body, "attachment": nil, "author": s.userJSON(n.By),
		"created_at": stamp(n.At), "updated_at": stamp(n.At), "system": false, "noteable_id": p.issues[n.IID-1].ID,
		"noteable_type": "Issue", "project_id": p.id, "resolvable": false, "confidential": false, "internal": false,
		"noteable_iid": n.IID}
}
