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

// ensureLabels creates the labels the repository lacks, once, with
// colours.
func (t *Tracker) ensureLabels(ctx context.Context, owner, name string, want []string) error {
	repo := owner + "/" + name
	return t.labels.Ensure(repo, want, func() ([]string, error) { return t.listLabels(ctx, owner, name) }, func(l string) error {
		err := t.call(ctx, "create label "+l, true, func(ctx context.Context) (*gh.Response, error) {
			_, resp, err := t.client.Issues.CreateLabel(ctx, owner, name, gh.CreateIssueLabelRequest{Name: l,
				Color: gh.Ptr(issuetext.Colour(l)), Description: gh.Ptr("made by sprintguard")})
			return resp, err
		})
		// 422 already_exists: made meanwhile by hand or by another attempt.
		if err != nil && !strings.Contains(err.Error(), "already_exists") {
			return fmt.Errorf("create label %q in %s: %w", l, repo, err)
		}
		return nil
	})
}

func (t *Tracker) listLabels(ctx context.Context, owner, name string) ([]string, error) {
	var known []string
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
			known = append(known, l.GetName())
		}
		if next == 0 {
			return known, nil
		}
		opts.Page = next
	}
}
