package github

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v93/github"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/triage"
)

// projectInfo is what placing an issue in a project needs: the iteration
// field and its iterations, remembered for a few minutes.
type projectInfo struct {
	fieldID    int64
	iterations []iteration // by start
	fetched    time.Time
}

type iteration struct {
	id    string
	start time.Time // a civil date at 00:00 UTC
	days  int
}

// placeInProject adds the issue to the Projects (v2) board ref and sets
// its iteration field to the iteration running now (the one after it when
// next). Adding an item GitHub already has returns that item, so a retry
// changes nothing twice.
func (t *Tracker) placeInProject(ctx context.Context, ref, field string, is *gh.Issue, next bool) error {
	owner, user, number, ok := config.ParseProject(ref)
	if !ok {
		return triage.Permanent(fmt.Errorf("github: %q is not a project (ORG/NUMBER or users/LOGIN/NUMBER)", ref))
	}
	info, err := t.project(ctx, ref, owner, user, number, field)
	if err != nil {
		return err
	}
	it := pickIteration(info.iterations, t.opt.Now(), next)
	if it == nil {
		return triage.Permanent(fmt.Errorf("github: project %s has no %s iteration at %s; add iterations to its %q field",
			ref, map[bool]string{true: "next", false: "current"}[next], t.opt.Now().Format(time.DateOnly), field))
	}
	add := gh.AddProjectItemRequest{Type: gh.ProjectV2ItemContentTypeIssue, ID: gh.Ptr(is.GetID())}
	var item *gh.ProjectV2Item
	err = t.call(ctx, "add to project "+ref, true, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		if user {
			item, resp, err = t.client.Projects.AddUserProjectItem(ctx, owner, number, add)
		} else {
			item, resp, err = t.client.Projects.AddOrganizationProjectItem(ctx, owner, number, add)
		}
		return resp, err
	})
	if err != nil {
		return err
	}
	set := gh.UpdateProjectItemRequest{Fields: []*gh.UpdateProjectV2Field{{ID: info.fieldID, Value: it.id}}}
	return t.call(ctx, "set iteration in "+ref, true, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		if user {
			_, resp, err = t.client.Projects.UpdateUserProjectItem(ctx, owner, number, item.GetID(), set)
		} else {
			_, resp, err = t.client.Projects.UpdateOrganizationProjectItem(ctx, owner, number, item.GetID(), set)
		}
		return resp, err
	})
}

// pickIteration returns the iteration that contains now's date, or the
// first to start after it when next (or when none contains it).
func pickIteration(its []iteration, now time.Time, next bool) *iteration {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for i := range its {
		end := its[i].start.AddDate(0, 0, its[i].days)
		if !day.Before(its[i].start) && day.Before(end) {
			if !next {
				return &its[i]
			}
			if i+1 < len(its) {
				return &its[i+1]
			}
			return nil
		}
	}
	for i := range its {
		if its[i].start.After(day) {
			return &its[i]
		}
	}
	return nil
}

// project reads the project's iteration field named field.
func (t *Tracker) project(ctx context.Context, ref, owner string, user bool, number int, field string) (*projectInfo, error) {
	now := t.opt.Now()
	t.mu.Lock()
	info := t.projects[ref]
	t.mu.Unlock()
	if info != nil && now.Sub(info.fetched) < 5*time.Minute {
		return info, nil
	}
	var fields []*gh.ProjectV2Field
	err := t.call(ctx, "fields of project "+ref, false, func(ctx context.Context) (*gh.Response, error) {
		var resp *gh.Response
		var err error
		opts := &gh.ListProjectsOptions{ListProjectsPaginationOptions: gh.ListProjectsPaginationOptions{PerPage: 50}}
		if user {
			fields, resp, err = t.client.Projects.ListUserProjectFields(ctx, owner, number, opts)
		} else {
			fields, resp, err = t.client.Projects.ListOrganizationProjectFields(ctx, owner, number, opts)
		}
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		if !strings.EqualFold(f.GetName(), field) || f.GetDataType() != "iteration" {
			continue
		}
		info = &projectInfo{fieldID: f.GetID(), fetched: now}
		if c := f.Configuration; c != nil {
			for _, it := range c.Iterations {
				start, err := time.Parse(time.DateOnly, it.GetStartDate())
				if err != nil || it.GetDuration() <= 0 {
					continue
				}
				info.iterations = append(info.iterations, iteration{id: it.GetID(), start: start, days: it.GetDuration()})
			}
		}
		sort.Slice(info.iterations, func(i, j int) bool { return info.iterations[i].start.Before(info.iterations[j].start) })
		t.mu.Lock()
		t.projects[ref] = info
		t.mu.Unlock()
		return info, nil
	}
	return nil, triage.Permanent(fmt.Errorf("github: project %s has no iteration field %q; add one or set github.iteration_field", ref, field))
}
