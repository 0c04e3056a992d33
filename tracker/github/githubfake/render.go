package githubfake

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// user renders simple-user.
func (s *Server) user(login string) map[string]any {
	id := s.users[strings.ToLower(login)]
	u := s.api("/users/%s", login)
	return map[string]any{
		"login": login, "id": id, "node_id": "U_" + strconv.FormatInt(id, 10), "type": "User", "site_admin": false,
		"avatar_url": "https://avatars.githubusercontent.com/u/" + strconv.FormatInt(id, 10), "gravatar_id": "",
		"url": u, "html_url": s.html(login), "followers_url": u + "/followers", "following_url": u + "/following{/other_user}",
		"gists_url": u + "/gists{/gist_id}", "starred_url": u + "/starred{/owner}{/repo}", "subscriptions_url": u + "/subscriptions",
		"organizations_url": u + "/orgs", "repos_url": u + "/repos", "events_url": u + "/events{/privacy}",
		"received_events_url": u + "/received_events",
	}
}

// publicUser renders public-user (GET /users/{login}); private adds the
// fields of private-user (GET /user).
func (s *Server) publicUser(login string, private bool) map[string]any {
	u := s.user(login)
	for k, v := range map[string]any{"name": login, "company": nil, "blog": "", "location": nil, "email": nil, "hireable": nil,
		"bio": nil, "public_repos": 0, "public_gists": 0, "followers": 0, "following": 0,
		"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "user_view_type": "public"} {
		u[k] = v
	}
	if private {
		u["user_view_type"] = "private"
		for k, v := range map[string]any{"private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 0,
			"collaborators": 0, "two_factor_authentication": true} {
			u[k] = v
		}
	}
	return u
}

func (s *Server) label(r *repo, l *Label) map[string]any {
	var desc any
	if l.Description != "" {
		desc = l.Description
	}
	return map[string]any{"id": l.ID, "node_id": "LA_" + strconv.FormatInt(l.ID, 10), "name": l.Name, "color": l.Color,
		"description": desc, "default": false, "url": s.api("/repos/%s/labels/%s", r.full, l.Name)}
}

func (s *Server) milestone(r *repo, m *Milestone) map[string]any {
	open, closed := 0, 0
	for _, is := range r.issues {
		if is.Milestone == m.Number {
			if is.State == "open" {
				open++
			} else {
				closed++
			}
		}
	}
	u := s.api("/repos/%s/milestones/%d", r.full, m.Number)
	return map[string]any{"url": u, "html_url": s.html(r.full + "/milestone/" + itoa(m.Number)), "labels_url": u + "/labels",
		"id": m.ID, "node_id": "MI_" + strconv.FormatInt(m.ID, 10), "number": m.Number, "state": m.State, "title": m.Title,
		"description": nil, "creator": s.user(Bot), "open_issues": open, "closed_issues": closed,
		"created_at": stamp(m.Created), "updated_at": stamp(m.Created), "closed_at": nil, "due_on": stamp(m.DueOn)}
}

func (s *Server) renderIssue(r *repo, is *Issue) map[string]any {
	u := s.api("/repos/%s/issues/%d", r.full, is.Number)
	labels := []any{}
	for _, name := range is.Labels {
		if l := findLabel(r, name); l != nil {
			labels = append(labels, s.label(r, l))
		}
	}
	assignees := []any{}
	var assignee any
	for i, a := range is.Assignees {
		if i == 0 {
			assignee = s.user(a)
		}
		assignees = append(assignees, s.user(a))
	}
	var milestone any
	for _, m := range r.milestones {
		if m.Number == is.Milestone {
			milestone = s.milestone(r, m)
		}
	}
	comments := 0
	for _, c := range r.comments {
		if c.Number == is.Number {
			comments++
		}
	}
	var reason any
	if is.StateReason != "" {
		reason = is.StateReason
	}
	return map[string]any{"id": is.ID, "node_id": "I_" + strconv.FormatInt(is.ID, 10), "url": u,
		"repository_url": s.api("/repos/%s", r.full), "labels_url": u + "/labels{/name}", "comments_url": u + "/comments",
		"events_url": u + "/events", "html_url": s.html(r.full + "/issues/" + itoa(is.Number)), "number": is.Number,
		"state": is.State, "state_reason": reason, "title": is.Title, "body": is.Body, "user": s.user(is.Author),
		"labels": labels, "assignee": assignee, "assignees": assignees, "milestone": milestone, "locked": false,
		"active_lock_reason": nil, "comments": comments, "closed_at": stamp(is.Closed), "created_at": stamp(is.Created),
		"updated_at": stamp(is.Updated), "author_association": "MEMBER"}
}

func (s *Server) comment(r *repo, c *Comment) map[string]any {
	u := s.api("/repos/%s/issues/comments/%d", r.full, c.ID)
	return map[string]any{"id": c.ID, "node_id": "IC_" + strconv.FormatInt(c.ID, 10), "url": u, "body": c.Body,
		"html_url":  s.html(r.full + "/issues/" + itoa(c.Number) + "#issuecomment-" + strconv.FormatInt(c.ID, 10)),
		"issue_url": s.api("/repos/%s/issues/%d", r.full, c.Number), "user": s.user(c.Author),
		"created_at": stamp(c.Created), "updated_at": stamp(c.Created), "author_association": "MEMBER"}
}

// repository renders full-repository.
func (s *Server) repository(r *repo) map[string]any {
	owner, name, _ := strings.Cut(r.full, "/")
	u := s.api("/repos/%s", r.full)
	out := map[string]any{"id": r.id, "node_id": "R_" + strconv.FormatInt(r.id, 10), "name": name, "full_name": r.full,
		"owner": s.user(owner), "private": true, "html_url": s.html(r.full), "description": nil, "fork": false, "url": u,
		"homepage": nil, "language": nil, "forks": 0, "forks_count": 0, "stargazers_count": 0, "watchers_count": 0, "watchers": 0,
		"size": 0, "default_branch": "main", "open_issues": 0, "open_issues_count": 0, "has_issues": true, "has_projects": true,
		"has_wiki": false, "has_pages": false, "has_downloads": false, "has_discussions": false, "archived": false, "disabled": false,
		"mirror_url": nil, "license": nil, "pushed_at": "2026-01-01T00:00:00Z", "created_at": "2020-01-01T00:00:00Z",
		"updated_at": "2026-01-01T00:00:00Z", "network_count": 0, "subscribers_count": 0,
		"clone_url": "https://github.com/" + r.full + ".git", "git_url": "git://github.com/" + r.full + ".git",
		"ssh_url": "git@github.com:" + r.full + ".git", "svn_url": "https://github.com/" + r.full,
		"permissions": map[string]any{"admin": false, "maintain": false, "push": !r.readOnly, "triage": !r.noTriage, "pull": true},
	}
	for _, k := range []string{"archive_url", "assignees_url", "blobs_url", "branches_url", "collaborators_url", "comments_url",
		"commits_url", "compare_url", "contents_url", "contributors_url", "deployments_url", "downloads_url", "events_url",
		"forks_url", "git_commits_url", "git_refs_url", "git_tags_url", "hooks_url", "issue_comment_url", "issue_events_url",
		"issues_url", "keys_url", "labels_url", "languages_url", "merges_url", "milestones_url", "notifications_url", "pulls_url",
		"releases_url", "stargazers_url", "statuses_url", "subscribers_url", "subscription_url", "tags_url", "teams_url", "trees_url"} {
		out[k] = u + "/" + strings.TrimSuffix(k, "_url")
	}
	return out
}

// hookPayload is an "issues" webhook payload.
func (s *Server) hookPayload(action string, is *Issue, sender string) []byte {
	r := s.repos[strings.ToLower(is.Repo)]
	b, _ := json.Marshal(map[string]any{"action": action, "issue": s.renderIssue(r, is), "repository": s.repository(r),
		"sender": s.user(sender)})
	return b
}
