package gitlab

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/tracker/issuesync"
	"github.com/sprintguard/sprintguard/triage"
)

// Actor is who changes made on GitLab are recorded as.
const Actor = triage.SystemActor + "gitlab"

// Syncer brings changes made on GitLab back to the requests, by polling
// and through Webhook. Its methods are safe for concurrent use.
type Syncer struct {
	Tracker  *Tracker
	Service  *triage.Service
	Store    triage.Store
	Projects []string // the projects polled
	Every    time.Duration
	Log      *slog.Logger

	mu   sync.Mutex
	seen map[string]time.Time // per project, the newest update applied
}

// Run polls until ctx ends.
func (s *Syncer) Run(ctx context.Context) error {
	return issuesync.Poll(ctx, s.Every, "gitlab", s.Log, s.Once)
}

// Once reads each project's sprintguard issues updated since the newest
// update it applied (a minute earlier, for clock skew; all of them the
// first time) and applies what changed. It returns how many changes it
// applied.
func (s *Syncer) Once(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	changes := 0
	var errs []error
	for _, p := range s.Projects {
		n, err := s.poll(ctx, p)
		changes += n
		if err != nil {
			errs = append(errs, fmt.Errorf("poll %s: %w", p, err))
		}
	}
	return changes, errors.Join(errs...)
}

func (s *Syncer) poll(ctx context.Context, project string) (int, error) {
	opt := &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: 100}, Labels: &gl.LabelOptions{"sprintguard"},
		OrderBy: gl.Ptr("updated_at"), Sort: gl.Ptr("asc")}
	newest := s.seen[project]
	if !newest.IsZero() {
		opt.UpdatedAfter = gl.Ptr(newest.Add(-time.Minute))
	}
	changes := 0
	for page := int64(1); page <= 50; page++ {
		opt.Page = page
		var list []*gl.Issue
		var next int64
		err := s.Tracker.call(ctx, "sync "+project, false, func(o ...gl.RequestOptionFunc) (*gl.Response, error) {
			var resp *gl.Response
			var err error
			list, resp, err = s.Tracker.client.Issues.ListProjectIssues(project, opt, o...)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return changes, err
		}
		for _, is := range list {
			n, err := s.apply(ctx, project, is)
			if err != nil {
				return changes, err
			}
			changes += n
			if is.UpdatedAt != nil && is.UpdatedAt.After(newest) {
				newest = *is.UpdatedAt
				s.seen[project] = newest
			}
		}
		if next == 0 {
			break
		}
	}
	return changes, nil
}

func (s *Syncer) apply(ctx context.Context, project string, is *gl.Issue) (int, error) {
	o := issuesync.Observed{Key: Key(project, is.IID), Closed: is.State == "closed", Urgency: urgencyOf(is.Labels)}
	if is.UpdatedAt != nil {
		o.Updated = *is.UpdatedAt
	}
	if is.ClosedBy != nil {
		o.ClosedBy = is.ClosedBy.Username
	}
	if len(is.Assignees) > 0 {
		o.Assignee = s.Tracker.opt.SlackUser(is.Assignees[0].Username)
	}
	o.Spent = func(ctx context.Context, unit string) (float64, bool, error) {
		return s.timeSpent(ctx, project, is, unit)
	}
	return issuesync.Apply(ctx, s.Service, s.Store, Actor, "GitLab", o)
}

// urgencyOf reads the scoped urgency label (GitLab keeps one per scope).
func urgencyOf(labels []string) triage.Urgency {
	var found []triage.Urgency
	for _, l := range labels {
		rest, ok := strings.CutPrefix(l, "urgency::")
		if ok && len(rest) == 2 && rest[0] == 'P' && rest[1] >= '1' && rest[1] <= '4' {
			found = append(found, triage.Urgency(rest[1]-'0'))
		}
	}
	if len(found) == 0 {
		return 0
	}
	return slices.Min(found)
}

// timeSpent is GitLab's own time tracking when the team counts hours and
// someone logged time, else the last `time-spent:` note.
func (s *Syncer) timeSpent(ctx context.Context, project string, is *gl.Issue, unit string) (float64, bool, error) {
	if unit == "hours" && is.TimeStats != nil && is.TimeStats.TotalTimeSpent > 0 {
		return float64(is.TimeStats.TotalTimeSpent) / 3600, true, nil
	}
	if is.UserNotesCount == 0 {
		return 0, false, nil
	}
	var spent float64
	var ok bool
	err := s.Tracker.notes(ctx, project, is.IID, func(n *gl.Note) bool {
		if v, good := issuesync.TimeSpent(n.Body, unit); good {
			spent, ok = v, true
		}
		return true
	})
	return spent, ok, err
}

// Webhook returns the handler of /gitlab/webhook: it checks the
// X-Gitlab-Token against secret in constant time, drops a delivery whose
// Idempotency-Key (or X-Gitlab-Event-UUID) it has seen, and for an issue
// event reads the issue and applies it at once, as a poll would. Without
// a secret it refuses every delivery.
func (s *Syncer) Webhook(secret config.Secret) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !secret.IsSet() {
			http.Error(w, "the GitLab webhook is off: set tracker.gitlab.webhook_secret", http.StatusNotFound)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Gitlab-Token")), []byte(secret.Reveal())) != 1 {
			http.Error(w, "token check failed", http.StatusUnauthorized)
			return
		}
		id := r.Header.Get("Idempotency-Key")
		if id == "" {
			id = r.Header.Get("X-Gitlab-Event-UUID")
		}
		now := s.Tracker.opt.Now()
		if id != "" {
			var seen bool
			if err := s.Store.View(func(tx triage.Tx) error {
				var err error
				_, seen, err = tx.Claimed("gitlab-delivery:"+id, now)
				return err
			}); err != nil {
				http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
			if seen {
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		if r.Header.Get("X-Gitlab-Event") != "Issue Hook" {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		var ev struct {
			Project struct {
				Path string `json:"path_with_namespace"`
			} `json:"project"`
			Attrs struct {
				IID int64 `json:"iid"`
			} `json:"object_attributes"`
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 25<<20))
		if err != nil || json.Unmarshal(body, &ev) != nil || ev.Project.Path == "" || ev.Attrs.IID == 0 {
			http.Error(w, "not an issue event", http.StatusBadRequest)
			return
		}
		// The payload's labels and state are as of the event; the issue as
		// GitLab has it now is what counts, as a poll would see it.
		is, err := s.Tracker.issue(r.Context(), ev.Project.Path, ev.Attrs.IID)
		if err == nil {
			s.mu.Lock()
			_, err = s.apply(r.Context(), ev.Project.Path, is)
			s.mu.Unlock()
		}
		if err != nil {
			// GitLab retries failed deliveries; polling catches up too.
			s.Log.Warn("gitlab webhook: apply failed", "delivery", id, "err", err)
			http.Error(w, "apply failed; polling will catch up", http.StatusInternalServerError)
			return
		}
		if id != "" {
			if err := s.Store.Update(func(tx triage.Tx) error {
				_, _, err := tx.Claim("gitlab-delivery:"+id, "done", now, now.Add(72*time.Hour))
				return err
			}); err != nil {
				s.Log.Warn("gitlab webhook: remember delivery", "delivery", id, "err", err)
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
