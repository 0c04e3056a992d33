package store

import (
	"encoding/json"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// requestText is what RequestText decodes of a stored request.
type requestText struct {
	ID      int64  `json:"id"`
	Team    string `json:"team"`
	Summary string `json:"summary"`
	Details string `json:"details"`
	Purged  bool   `json:"purged"`
	// SimilarDone is also set by a list kept beside the request.
	SimilarDone bool `json:"similar_done"`
	HasActual   bool `json:"has_actual"`
}

// RequestText returns request id with only what the similar-request job
// reads of it set (triage.TextOf), or an error wrapping
// triage.ErrNotFound. Request would copy it whole, with its events, and
// read what is kept beside it: after a burst, the lookup's job spent a
// third as much CPU on that as on the search itself. A cached request is
// read without a copy, as in SimilarRequest. Another is decoded whole and
// kept in the cache: each request's text is read two or three times
// within a few hundred jobs (the lookup that indexes it with an earlier
// request's, its own lookup, SetSimilar in the writer) and the whole
// request by its notices right after, and while a burst drained two in
// three of those reads missed the cache and decoded it again. Only a
// transaction without a cache (a migration's) scans the text alone
// (scanText).
func (t *tx) RequestText(id int64) (*triage.Request, error) {
	v := t.bucket(bucketRequests).Get(idKey(id))
	if v == nil {
		return nil, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
	}
	c := t.cache.peek(id, v)
	if c == nil && t.cache != nil {
		var err error
		if c, err = decodeRequest(v); err != nil {
			return nil, fmt.Errorf("decode request %d: %w", id, err)
		}
		t.cache.keep(c, t.cacheBytes(v))
	}
	var r *triage.Request
	if c != nil {
		r = triage.TextOf(c)
	} else {
		var err error
		if r, err = decodeText(v); err != nil {
			return nil, fmt.Errorf("decode request %d: %w", id, err)
		}
	}
	// A cached request, as a decoded one, has what PutSimilar kept
	// beside it only once Request added it (see beside).
	if !r.SimilarDone {
		if b := t.bucket(bucketReqSimilar); b != nil && b.Get(idKey(id)) != nil {
			r.SimilarDone = true
		}
	}
	return r, nil
}

// decodeText reads what RequestText returns of a stored request, as
// json.Unmarshal into requestText would.
func decodeText(v []byte) (*triage.Request, error) {
	var r triage.Request
	if scanText(v, &r) {
		return triage.TextOf(&r), nil
	}
	var rt requestText
	if err := json.Unmarshal(v, &rt); err != nil {
		return nil, err
	}
	return &triage.Request{ID: rt.ID, Team: rt.Team, Summary: rt.Summary, Details: rt.Details, Purged: rt.Purged,
		SimilarDone: rt.SimilarDone, HasActual: rt.HasActual}, nil
}

// RequestTexts calls fn for every request, in id order, with only what
// RequestText returns of it, SimilarDone aside. It decodes none whole and
// keeps none in the cache: it is the similar-request index's build at
// startup (learn.Finder.Load), which reads every request once, and
// through Requests it decoded each whole, a third of the build's CPU.
// fn must not write; an error from it ends the walk and is returned.
func (t *tx) RequestTexts(fn func(*triage.Request) error) error {
	return t.bucket(bucketRequests).ForEach(func(k, v []byte) error {
		r, err := decodeText(v)
		if err != nil {
			return fmt.Errorf("decode request %d: %w", decodeID(k), err)
		}
		return fn(r)
	})
}
