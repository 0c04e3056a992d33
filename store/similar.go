package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sprintguard/sprintguard/triage"
)

// bucketReqSimilar holds what the similar-request lookup found for a
// request (id -> similarFormat list), kept beside the request by
// PutSimilar until its next PutRequest folds it in. Schema 8 creates it,
// as it does bucketReqPosts, so that an older sprintguard refuses a file
// that has it (see migrateToV8).
var bucketReqSimilar = []byte("req_similar")

// similarFormat is the first byte of a stored list. The list is binary,
// not JSON, because every read of its request decodes it: in JSON that
// cost as much as the request's rewrite it replaced.
const similarFormat = 1

// errShortSimilar reports a stored list cut short.
var errShortSimilar = errors.New("similar requests value cut short")

// PutSimilar keeps similar beside request id: the lookup's job used to
// decode the whole request and encode it again, with its overflow pages,
// to set one list.
func (t *tx) PutSimilar(id int64, similar []triage.Similar) error {
	if t.bucket(bucketRequests).Get(idKey(id)) == nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, triage.ErrNotFound)
	}
	for _, s := range similar {
		// The request's JSON, which the list is folded into, refuses it.
		if !s.Urgency.Valid() {
			return fmt.Errorf("put similar requests of request %d: request %d has no urgency", id, s.ID)
		}
	}
	b, err := t.b.CreateBucketIfNotExists(bucketReqSimilar)
	if err != nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, err)
	}
	if err := b.Put(idKey(id), encodeSimilar(similar)); err != nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, err)
	}
	return nil
}

// encodeSimilar returns the format byte, the count, then per request its
// ID, Ref, Summary, Urgency, Status, Resolver, Assignee, Actual and
// HasActual; then, only when one was solved by a rule's answer, every
// request's AnsweredBy. That comes last so that the lists stay format 1:
// a reader from before it stops after the requests and leaves it.
func encodeSimilar(similar []triage.Similar) []byte {
	b := make([]byte, 0, 2+len(similar)*64)
	b = append(b, similarFormat)
	b = binary.AppendUvarint(b, uint64(len(similar)))
	for _, s := range similar {
		b = binary.AppendVarint(b, s.ID)
		b = appendField(b, s.Ref)
		b = appendField(b, s.Summary)
		b = binary.AppendVarint(b, int64(s.Urgency))
		b = appendField(b, string(s.Status))
		b = appendField(b, s.Resolver)
		b = appendField(b, s.Assignee)
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(s.Actual))
		var has byte
		if s.HasActual {
			has = 1
		}
		b = append(b, has)
	}
	if slices.ContainsFunc(similar, func(s triage.Similar) bool { return s.AnsweredBy != "" }) {
		for _, s := range similar {
			b = appendField(b, s.AnsweredBy)
		}
	}
	return b
}

// decodeSimilar reads what encodeSimilar wrote; v belongs to bbolt, so
// the strings are copied out of it.
func decodeSimilar(v []byte) ([]triage.Similar, error) {
	if len(v) == 0 || v[0] != similarFormat {
		return nil, fmt.Errorf("similar requests value of unknown format")
	}
	r := reader{b: v[1:], short: errShortSimilar}
	n := r.uvarint()
	if n > uint64(len(r.b)) { // each takes a byte at least: a corrupt count
		return nil, errShortSimilar
	}
	var out []triage.Similar
	if n > 0 {
		out = make([]triage.Similar, 0, n)
	}
	str := func() string { return string(r.bytes(int(r.uvarint()))) }
	for range n {
		var s triage.Similar
		s.ID = r.varint()
		s.Ref = str()
		s.Summary = str()
		s.Urgency = triage.Urgency(r.varint())
		s.Status = triage.Status(str())
		s.Resolver = str()
		s.Assignee = str()
		s.Actual = math.Float64frombits(r.u64())
		s.HasActual = r.byte() == 1
		out = append(out, s)
	}
	if len(r.b) > 0 {
		for i := range out {
			out[i].AnsweredBy = str()
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// similarBeside sets r's similar requests from the list kept beside it,
// if there is one. With fold, it also deletes the list, for r is about to
// be written whole with it (PutRequest).
func (t *tx) similarBeside(r *triage.Request, fold bool) error {
	b := t.bucket(bucketReqSimilar)
	if b == nil {
		return nil
	}
	k := idKey(r.ID)
	v := b.Get(k)
	if v == nil {
		return nil
	}
	similar, err := decodeSimilar(v)
	if err != nil {
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
