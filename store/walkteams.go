package store

import (
	"bytes"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// walkTeams calls fn for the requests of b, an index keyed team 0
// created id (req_time, req_open), every team's merged in (created, id)
// order as if one index held them all; from and to bound the created time
// as encoded times (nil: no bound, to exclusive). Schema 9 dropped the
// all-teams copies of these two indexes, which cost every intake the
// pages of two more buckets; a store has few teams, so the merge keeps
// one cursor per team. Like walk, it reads ahead a chunk of ids before
// calling fn, so that fn may write; fn returning triage.ErrStop ends it
// without error.
func (t *tx) walkTeams(b *bolt.Bucket, from, to []byte, fn func(*triage.Request) error) error {
	prefixes := teamPrefixes(b)
	seek := make([][]byte, len(prefixes))
	for i, p := range prefixes {
		seek[i] = append(bytes.Clone(p), from...)
	}
	in := func(k, prefix []byte) bool {
		return k != nil && bytes.HasPrefix(k, prefix) && (to == nil || bytes.Compare(k[len(prefix):], to) < 0)
	}
	type head struct {
		c    *bolt.Cursor
		k    []byte
		team int
	}
	ids := make([]int64, 0, walkChunk)
	for {
		ids = ids[:0]
		var heads []head
		for i, p := range prefixes {
			if seek[i] == nil {
				continue
			}
			c := b.Cursor()
			if k, _ := c.Seek(seek[i]); in(k, p) {
				heads = append(heads, head{c, k, i})
			} else {
				seek[i] = nil
			}
		}
		for len(ids) < walkChunk && len(heads) > 0 {
			m := 0
			for j := 1; j < len(heads); j++ {
				if bytes.Compare(heads[j].k[len(prefixes[heads[j].team]):], heads[m].k[len(prefixes[heads[m].team]):]) < 0 {
					m = j
				}
			}
			h := &heads[m]
			ids = append(ids, idFromTimeIDKey(h.k))
			seek[h.team] = after(h.k)
			if k, _ := h.c.Next(); in(k, prefixes[h.team]) {
				h.k = k
			} else {
				seek[h.team] = nil
				heads = slices.Delete(heads, m, m+1)
			}
		}
		if stop, err := t.visit(ids, fn); stop || err != nil {
			return err
		}
		if len(heads) == 0 {
			return nil
		}
	}
}

// teamPrefixes returns the team prefixes (team and separator) of b's
// keys, in order, seeking past each team's keys rather than reading them.
func teamPrefixes(b *bolt.Bucket) [][]byte {
	var out [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil; {
		i := bytes.IndexByte(k, sep)
		if i < 0 {
			k, _ = c.Next() // not a team key; none is written
			continue
		}
		p := bytes.Clone(k[:i+1])
		out = append(out, p)
		// The team's keys all start with p; the first key past them
		// starts with the team and a byte greater than the separator.
		next := bytes.Clone(k[:i+1])
		next[i] = sep + 1
		k, _ = c.Seek(next)
	}
	return out
}
