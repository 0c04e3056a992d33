package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/tracker/issuetext"
	"github.com/sprintguard/sprintguard/triage"
)

// UrgencyLabel is the label an urgency goes by on GitHub, "urgency:P2".
func UrgencyLabel(u triage.Urgency) string { return "urgency:" + u.String() }

// Labels every sprintguard issue may carry besides the category and the
// rules' labels.
const (
	LabelInterrupt = issuetext.LabelInterrupt
	LabelDeferred  = issuetext.LabelDeferred
)

// colours of the labels sprintguard creates; others get a neutral grey.
var colours = map[string]string{
	"urgency:P1": "b60205", "urgency:P2": "d93f0b", "urgency:P3": "fbca04", "urgency:P4": "0e8a16",
	LabelInterrupt: "5319e7", LabelDeferred: "c5def5", "sprintguard": "1d76db",
}

// ensureLabels creates the labels the repository lacks, once: the
// repository's labels are listed on first use and remembered.
func (t *Tracker) ensureLabels(ctx context.Context, owner, name string, want []string) error {
	repo := owner + "/" + name
	t.mu.Lock()
	known := t.labels[repo]
	t.mu.Unlock()
	if known == nil {
		var err error
		if known, err = t.listLabels(ctx, owner, name); err != nil {
			return err
		}
		t.mu.Lock()
		t.labels[repo] = known
		t.mu.Unlock()
	}
	for _, l := range want {
		t.mu.Lock()
		have := known[strings.ToLower(l)]
		t.mu.Unlock()
		if have {
			continue
		}
		colour := colours[l]
		if colour == "" {
			colour = "ededed"
		}
		err := t.call(ctx, "create label "+l, true, func(ctx context.Context) (*gh.Response, error) {
			_, resp, err := t.client.Issues.CreateLabel(ctx, owner, name, gh.CreateIssueLabelRequest{Name: l, Color: gh.Ptr(colour),
				Description: gh.Ptr("made by sprintguard")})
			return resp, err
		})
		// 422 already_exists: made meanwhile by hand or by another attempt.
		if err != nil && !strings.Contains(err.Error(), "already_exists") {
			return fmt.Errorf("create label %q in %s: %w", l, repo, err)
		}
		t.mu.Lock()
		known[strings.ToLower(l)] = true
		t.mu.Unlock()
	}
	return nil
}

func (t *Tracker) listLabels(ctx context.Context, owner, name string) (map[string]bool, error) {
	known := map[string]bool{}
	opts := &gh.ListOptions{PerPage: 100}
	for {
		var list []*gh.Label
		var next int
		err := t.call(ctx, "list labels of "+owner+"/"+name, false, func(ctx context.Context) (*gh.Response, error) {
			var resp *gh.Response
			var err error
			list, resp, err = t.client.Issues.ListLabels(ctx, owner, name, opts)
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			known[strings.ToLower(l.GetName())] = true
		}
		if next == 0 {
			return known, nil
		}
		opts.Page = next
	}
}
