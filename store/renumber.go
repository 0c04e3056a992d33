package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// migrateToV5 numbers sprints from 1, as people count: the sprint that
// begins on the calendar's start, stored as 0 until now, becomes 1, and
// every other sprint moves up by one with it. It renumbers what stores a
// sprint number: requests, ledgers (their key and head), and the jobs that
// name a sprint, queued or dead. The kinds and fields are written out here
// rather than taken from triage and jobs, because a migration must keep
// reading the layout of its day whatever those packages become.
func migrateToV5(b *bolt.Tx) error {
	if err := renumberRequests(b.Bucket(bucketRequests)); err != nil {
		return fmt.Errorf("renumber requests: %w", err)
	}
	if err := renumberLedgers(b.Bucket(bucketLedgers)); err != nil {
		return fmt.Errorf("renumber ledgers: %w", err)
	}
	for _, name := range [][]byte{bucketJobs, bucketDead} {
		if err := renumberJobs(b.Bucket(name)); err != nil {
			return fmt.Errorf("renumber %s: %w", name, err)
		}
	}
	return nil
}

// rewrite replaces each value of bk for which change reports true. The
// changes are collected first, since bbolt forbids writing during ForEach.
func rewrite(bk *bolt.Bucket, change func(k, v []byte) ([]byte, bool, error)) error {
	if bk == nil {
		return nil
	}
	type kv struct{ k, v []byte }
	var out []kv
	err := bk.ForEach(func(k, v []byte) error {
		nv, ok, err := change(k, v)
		if err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		if ok {
			out = append(out, kv{bytes.Clone(k), nv})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range out {
		if err := bk.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// bumpSprint adds one to the "sprint" field of a JSON object, keeping
// every other field as stored. missing says what an absent field was
// (Notice.Sprint was omitempty, so sprint 0 was left out).
func bumpSprint(v []byte, missing bool) ([]byte, bool, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(v, &obj); err != nil {
		return nil, false, err
	}
	n := 0
	if raw, ok := obj["sprint"]; ok {
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, false, fmt.Errorf("sprint: %w", err)
		}
	} else if !missing {
		return nil, false, nil
	}
	obj["sprint"] = json.RawMessage(fmt.Sprint(n + 1))
	out, err := json.Marshal(obj)
	return out, err == nil, err
}

// renumberRequests moves every request that was given a sprint (its
// sprint_start is set) to the sprint's new number.
func renumberRequests(bk *bolt.Bucket) error {
	return rewrite(bk, func(_, v []byte) ([]byte, bool, error) {
		var r struct {
			SprintStart time.Time `json:"sprint_start"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, false, err
		}
		if r.SprintStart.IsZero() {
			return nil, false, nil
		}
		return bumpSprint(v, false)
	})
}

// renumberLedgers rewrites each ledger under its sprint's new number. All
// are read before any is written, so that sprint n+1's old ledger is never
// overwritten before it has moved to n+2.
func renumberLedgers(bk *bolt.Bucket) error {
	if bk == nil {
		return nil
	}
	type entry struct {
		key []byte
		val []byte
	}
	var all []entry
	err := bk.ForEach(func(k, v []byte) error {
		l, err := decodeLedger(v)
		if err != nil {
			return fmt.Errorf("key %x: %w", k, err)
		}
		l.Sprint++
		nv, err := encodeLedger(l)
		if err != nil {
			return err
		}
		all = append(all, entry{bytes.Clone(k), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := bk.Delete(e.key); err != nil {
			return err
		}
	}
	for _, e := range all {
		l, err := decodeLedger(e.val)
		if err != nil {
			return err
		}
		if err := bk.Put(ledgerKey(l.Team, l.Sprint), e.val); err != nil {
			return err
		}
	}
	return nil
}

// renumberJobs renumbers the payloads of the two job kinds that name a
// sprint: a sprint's start ("sprint.carryover") and a budget notice
// ("notify" of kind "budget"). Their idempotency keys keep the old number:
// a key only stops the same job from being queued twice, and the duty and
// the ledger's crossed thresholds decide whether one is queued again.
func renumberJobs(bk *bolt.Bucket) error {
	return rewrite(bk, func(_, v []byte) ([]byte, bool, error) {
		if len(v) > 0 && v[0] == jobFormat {
			// Written in the binary form of a later version (a test
			// that makes an old file with today's code).
			j, err := decodeJob(v)
			if err != nil || !namesSprint(j.Kind, j.Payload) {
				return nil, false, err
			}
			np, ok, err := bumpSprint(j.Payload, true)
			if err != nil || !ok {
				return nil, false, err
			}
			j.Payload = np
			out, err := encodeJob(j)
			return out, err == nil, err
		}
		var j map[string]json.RawMessage
		if err := json.Unmarshal(v, &j); err != nil {
			return nil, false, err
		}
		var kind string
		_ = json.Unmarshal(j["kind"], &kind)
		payload := j["payload"]
		if !namesSprint(kind, payload) {
			return nil, false, nil
		}
		np, ok, err := bumpSprint(payload, true)
		if err != nil || !ok {
			return nil, false, err
		}
		j["payload"] = np
		out, err := json.Marshal(j)
		return out, err == nil, err
	})
}

// namesSprint reports whether a job of kind with payload names a sprint
// (see renumberJobs).
func namesSprint(kind string, payload json.RawMessage) bool {
	switch kind {
	case "sprint.carryover":
		return true
	case "notify":
		var n struct {
			Kind string `json:"kind"`
		}
		return json.Unmarshal(payload, &n) == nil && n.Kind == "budget"
	}
	return false
}
