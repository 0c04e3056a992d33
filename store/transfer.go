package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var _ transfer.Target = (*DB)(nil)

// Export calls fn for every record of kind in one read transaction, in the
// driver-neutral form of package transfer. It is safe to call while the
// store is written; the records are those of one moment.
func (db *DB) Export(ctx context.Context, kind string, fn func(transfer.Record) error) error {
	// Acknowledged deliveries still in the journal go with the inbox and
	// the claims they hold.
	if err := db.moveJournal(); err != nil {
		return fmt.Errorf("export %s from %s: %w", kind, db.path, err)
	}
	err := db.bolt.View(func(b *bolt.Tx) error {
		emit := func(key string, v any) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			data, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("encode %s: %w", key, err)
			}
			return fn(transfer.Record{Key: key, Value: data})
		}
		// typed emits v re-encoded from its Go type (see transfer.Normalize).
		typed := func(key string, v json.RawMessage, err error) error {
			if err != nil {
				return fmt.Errorf("decode %s: %w", key, err)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(transfer.Record{Key: key, Value: v})
		}
		seqKey := func(k []byte) string { return strconv.FormatUint(decodeU64(k[len(k)-idLen:]), 10) }
		each := func(bucket []byte, f func(k, v []byte) error) error {
			bk := b.Bucket(bucket)
			if bk == nil { // oncall_schedules is created on first use
				return nil
			}
			return bk.ForEach(f)
		}
		switch kind {
		case transfer.Requests:
			t := db.tx(b)
			return each(bucketRequests, func(k, v []byte) error {
				var added error
				out, err := transfer.Normalize(v, func(r *triage.Request) {
					added = t.beside(r, false) // what is kept beside it (AddPosts, PutSimilar)
				})
				return typed(strconv.FormatInt(decodeID(k), 10), out, errors.Join(err, added))
			})
		case transfer.Claims:
			t := db.tx(b)
			return each(bucketClaims, func(k, v []byte) error {
				if len(v) < timeLen {
					return fmt.Errorf("claim %s: corrupt value", k)
				}
				return emit(string(k), transfer.Claim{Value: t.claimValue(string(k), v), Expires: decodeTime(v[:timeLen])})
			})
		case transfer.Ledgers:
			// A ledger is its head plus one key per charge (schema 6).
			t := db.tx(b)
			return each(bucketLedgers, func(k, v []byte) error {
				head, err := decodeHead(v)
				if err != nil {
					return fmt.Errorf("decode ledger: %w", err)
				}
				l, err := t.Ledger(head.Team, head.Sprint)
				if err != nil {
					return err
				}
				return emit(l.Team+"/"+strconv.Itoa(l.Sprint), l)
			})
		case transfer.Overrides:
			return each(bucketOverrides, func(k, v []byte) error {
				var o oncall.Override
				if err := json.Unmarshal(v, &o); err != nil {
					return fmt.Errorf("decode override: %w", err)
				}
				return emit(o.Team+"/"+o.ID, o)
			})
		case transfer.Schedules:
			return each(bucketSchedules, func(k, v []byte) error {
				out, err := transfer.Normalize[oncall.Timeline](v, nil)
				return typed(string(k), out, err)
			})
		case transfer.Notes:
			return each(bucketNotes, func(k, v []byte) error {
				out, err := transfer.Normalize[triage.Note](v, nil)
				return typed(seqKey(k), out, err)
			})
		case transfer.Labels:
			return each(bucketLabels, func(k, v []byte) error {
				out, err := transfer.Normalize[triage.Label](v, nil)
				return typed(seqKey(k), out, err)
			})
		case transfer.LastRuns:
			return each(bucketRuns, func(k, v []byte) error {
				if len(v) != timeLen {
					return fmt.Errorf("last run of %s: corrupt value", k)
				}
				return emit(string(k), transfer.LastRun{Due: decodeTime(v)})
			})
		case transfer.Jobs:
			due := b.Bucket(bucketJobDue)
			return each(bucketJobs, func(k, v []byte) error {
				j, err := decodeJob(v) // binary, or JSON from before
				if err != nil {
					return fmt.Errorf("decode %s: %w", seqKey(k), err)
				}
				j.ID = decodeU64(k)
				j.Leased = j.Leased || dueLeased(due.Get(dueKey(j.NextAt, j.ID)))
				return emit(seqKey(k), j)
			})
		case transfer.DeadJobs:
			return each(bucketDead, func(k, v []byte) error {
				out, err := transfer.Normalize(v, func(j *triage.Job) { j.ID = decodeU64(k) })
				return typed(seqKey(k), out, err)
			})
		case transfer.DoneKeys:
			// Queued and buried keys travel with their jobs.
			keys := b.Bucket(bucketJobKeys)
			return each(bucketJobDone, func(k, v []byte) error {
				if len(v) < timeLen {
					return fmt.Errorf("done key %s: corrupt value", seqKey(k))
				}
				key := v[timeLen:]
				// An entry its key no longer points at is stale.
				if cur := keys.Get(key); len(cur) != 1+idLen || cur[0] != keyQueued || !bytes.Equal(cur[1:], k) {
					return nil
				}
				return emit(string(key), transfer.DoneKey{Until: decodeTime(v[:timeLen])})
			})
		case transfer.Inbox:
			return each(bucketInbox, func(k, v []byte) error {
				d, err := decodeDelivery(decodeU64(k), v)
				if err != nil {
					return fmt.Errorf("decode delivery %d: %w", decodeU64(k), err)
				}
				out, err := json.Marshal(d)
				return typed(seqKey(k), out, err)
			})
		case transfer.Tickets:
			return each(bucketTicketSeq, func(k, v []byte) error {
				raw := b.Bucket(bucketTickets).Get(v)
				if raw == nil {
					return fmt.Errorf("ticket %s: numbered but missing", v)
				}
				tk, err := transfer.Normalize[local.Ticket](raw, nil)
				if err != nil {
					return fmt.Errorf("decode ticket %s: %w", v, err)
				}
				return emit(string(v), transfer.Ticket{N: int64(decodeU64(k)), Ticket: tk})
			})
		case transfer.TicketKeys:
			return each(bucketTicketIdem, func(k, v []byte) error { return emit(string(k), transfer.TicketKey{Ticket: string(v)}) })
		case transfer.Sequences:
			for name, bucket := range boltSequences {
				if err := emit(name, transfer.Sequence{Last: b.Bucket(bucket).Sequence()}); err != nil {
					return err
				}
			}
			return nil
		}
		return fmt.Errorf("unknown kind %q", kind)
	})
	if err != nil {
		return fmt.Errorf("export %s from %s: %w", kind, db.path, err)
	}
	return nil
}

// boltSequences maps the transfer sequence names to the buckets whose
// NextSequence hands them out.
var boltSequences = map[string][]byte{
	transfer.SeqRequests: bucketRequests,
	transfer.SeqJobs:     bucketJobs,
	transfer.SeqInbox:    bucketInbox,
	transfer.SeqTickets:  bucketTickets,
	transfer.SeqNotes:    bucketNotes,
	transfer.SeqLabels:   bucketLabels,
}

func decodeU64(b []byte) uint64 { return uint64(decodeID(b)) }

// Import writes recs of kind in one transaction, each replacing the record
// with the same key, with the same indexes the store's own writes keep.
// Jobs and dead jobs keep their ids; sequences only ever rise.
func (db *DB) Import(ctx context.Context, kind string, recs []transfer.Record) error {
	err := db.bolt.Update(func(b *bolt.Tx) error {
		t := db.tx(b)
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := t.importRecord(kind, r); err != nil {
				return fmt.Errorf("%s %s: %w", kind, r.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %s into %s: %w", kind, db.path, err)
	}
	return nil
}

func (t *tx) importRecord(kind string, r transfer.Record) error {
	seq := func() ([]byte, error) {
		n, err := strconv.ParseUint(r.Key, 10, 64)
		return u64(n), err
	}
	if ok, err := transfer.ImportThroughTx(t, kind, r); ok {
		return err
	}
	switch kind {
	case transfer.Claims:
		var c transfer.Claim
		if err := json.Unmarshal(r.Value, &c); err != nil {
			return err
		}
		claims, index := t.bucket(bucketClaims), t.bucket(bucketClaimExp)
		if v := claims.Get([]byte(r.Key)); len(v) >= timeLen {
			if err := index.Delete(expiryKey(decodeTime(v[:timeLen]), r.Key)); err != nil {
				return err
			}
		}
		if err := claims.Put([]byte(r.Key), append(encodeTime(c.Expires), c.Value...)); err != nil {
			return err
		}
		t.wroteClaim(r.Key, c.Expires)
		return index.Put(expiryKey(c.Expires, r.Key), nil)
	case transfer.Notes:
		var n triage.Note
		k, err := seq()
		if err == nil {
			err = json.Unmarshal(r.Value, &n)
		}
		if err != nil {
			return err
		}
		return t.bucket(bucketNotes).Put(append(appendTime(teamPrefix(n.Team), n.At), k...), r.Value)
	case transfer.Labels:
		var l triage.Label
		k, err := seq()
		if err == nil {
			err = json.Unmarshal(r.Value, &l)
		}
		if err != nil {
			return err
		}
		return t.bucket(bucketLabels).Put(append(teamPrefix(l.Team), k...), r.Value)
	case transfer.Jobs:
		j := new(triage.Job)
		if err := json.Unmarshal(r.Value, j); err != nil {
			return err
		}
		// A job already queued under this id moves to its new due time.
		if t.bucket(bucketJobs).Get(u64(j.ID)) != nil {
			if _, err := t.unqueue(j); err != nil {
				return err
			}
		}
		return t.queue(j)
	case transfer.DeadJobs:
		j := new(triage.Job)
		if err := json.Unmarshal(r.Value, j); err != nil {
			return err
		}
		if err := t.bucket(bucketDead).Put(u64(j.ID), r.Value); err != nil {
			return err
		}
		return t.bucket(bucketJobKeys).Put([]byte(j.Key), keyState(keyBuried, u64(j.ID)))
	case transfer.DoneKeys:
		var d transfer.DoneKey
		if err := json.Unmarshal(r.Value, &d); err != nil {
			return err
		}
		return t.markDone(r.Key, d.Until)
	case transfer.Inbox:
		k, err := seq()
		if err != nil {
			return err
		}
		return t.bucket(bucketInbox).Put(k, r.Value)
	case transfer.Tickets:
		var tk transfer.Ticket
		if err := json.Unmarshal(r.Value, &tk); err != nil {
			return err
		}
		if err := t.bucket(bucketTickets).Put([]byte(r.Key), tk.Ticket); err != nil {
			return err
		}
		return t.bucket(bucketTicketSeq).Put(u64(uint64(tk.N)), []byte(r.Key))
	case transfer.TicketKeys:
		var tk transfer.TicketKey
		if err := json.Unmarshal(r.Value, &tk); err != nil {
			return err
		}
		return t.bucket(bucketTicketIdem).Put([]byte(r.Key), []byte(tk.Ticket))
	case transfer.Sequences:
		var s transfer.Sequence
		if err := json.Unmarshal(r.Value, &s); err != nil {
			return err
		}
		bucket, ok := boltSequences[r.Key]
		if !ok {
			return fmt.Errorf("unknown sequence")
		}
		bk := t.bucket(bucket)
		if s.Last > bk.Sequence() {
			return bk.SetSequence(s.Last)
		}
		return nil
	}
	return fmt.Errorf("unknown kind %q", kind)
}
