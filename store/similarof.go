package store

import (
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// SimilarRequest returns request id as a similar request
// (triage.SimilarOf), or an error wrapping triage.ErrNotFound. The
// similar-request lookup reads its hits this way: Request would copy a
// cached request whole and read what is kept beside it (posts, its own
// similar list), none of which a similar request shows, and that was 4%
// of serve's CPU while a burst drained. It reads the same cache as
// Request, whose entries never change, so it takes no copy.
func (t *tx) SimilarRequest(id int64) (triage.Similar, error) {
	v := t.bucket(bucketRequests).Get(idKey(id))
	if v == nil {
		return triage.Similar{}, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
	}
	if r := t.cache.peek(id, v); r != nil {
		return triage.SimilarOf(r), nil
	}
	r, err := decodeRequest(v)
	if err != nil {
		return triage.Similar{}, fmt.Errorf("decode request %d: %w", id, err)
	}
	t.cache.keep(r, t.cacheBytes(v))
	return triage.SimilarOf(r), nil
}
