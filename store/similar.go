package store

import (
	"encoding/json"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// bucketReqSimilar holds what the similar-request lookup found for a
// request (id -> JSON list), kept beside the request by PutSimilar until
// its next PutRequest folds it in. Like bucketReqPosts it is created on
// first use and needs no schema version.
var bucketReqSimilar = []byte("req_similar")

// PutSimilar keeps similar beside request id: the lookup's job used to
// decode the whole request and encode it again, with its overflow pages,
// to set one list.
func (t *tx) PutSimilar(id int64, similar []triage.Similar) error {
	if t.bucket(bucketRequests).Get(idKey(id)) == nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, triage.ErrNotFound)
	}
	b, err := t.b.CreateBucketIfNotExists(bucketReqSimilar)
	if err != nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, err)
	}
	data, err := json.Marshal(similar)
	if err != nil {
		return fmt.Errorf("put similar requests of request %d: encode: %w", id, err)
	}
	if err := b.Put(idKey(id), data); err != nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, err)
	}
	return nil
}

// similarBeside sets r's similar requests from the list kept beside it,
// if there is one. With fold, it also deletes the list, for r is about to
// be written whole with it (PutRequest).
func (t *tx) similarBeside(r *triage.Request, fold bool) error {
	b := t.b.Bucket(bucketReqSimilar)
	if b == nil {
		return nil
	}
	k := idKey(r.ID)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	var similar []triage.Similar
	if err := json.Unmarshal(v, &similar); err != nil {
		return fmt.Errorf("decode similar requests of request %d: %w", r.ID, err)
	}
	r.Similar, r.SimilarDone = similar, true
	if fold {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("fold similar requests into request %d: %w", r.ID, err)
		}
	}
	return nil
}

// beside adds to r what AddPosts and PutSimilar kept beside it; with fold
// it also deletes that, for r is about to be written whole (PutRequest).
func (t *tx) beside(r *triage.Request, fold bool) error {
	if err := t.addedPosts(r, fold); err != nil {
		return err
	}
	return t.similarBeside(r, fold)
}
