// Package transfer copies a store from one driver to another (bbolt to
// PostgreSQL) and proves the copy: each driver exports and imports its
// records kind by kind in one driver-neutral form, and the copy is checked
// by a count and a checksum per kind over the records read back from both
// sides.
//
// A copy is an upsert keyed per kind, so running it twice changes nothing
// the second time. A target that already holds a different record under a
// source record's key is refused unless Options.Force says to overwrite.
//
// The functions here hold no state; a Copy must not run while either store
// is being written (the bot stopped), or the counts cannot match.
package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Kinds are the kinds of record a store holds, in the order they are
// copied. Each record's Value is the JSON of the Go value named here.
const (
	Requests   = "requests"    // key: request id; value: triage.Request (its indexes are rebuilt by the target)
	Claims     = "claims"      // key: claim key; value: Claim
	Ledgers    = "ledgers"     // key: team/sprint; value: sprint.Ledger
	Overrides  = "overrides"   // key: team/id; value: oncall.Override
	Schedules  = "schedules"   // key: team; value: oncall.Timeline
	Notes      = "notes"       // key: sequence; value: triage.Note
	Labels     = "labels"      // key: sequence; value: triage.Label
	LastRuns   = "last_runs"   // key: job name; value: LastRun
	Jobs       = "jobs"        // key: job id; value: triage.Job, queued
	DeadJobs   = "dead_jobs"   // key: job id; value: triage.Job, buried
	DoneKeys   = "done_keys"   // key: job key; value: DoneKey, completed jobs' keys still deduplicating
	Inbox      = "inbox"       // key: sequence; value: triage.Delivery not yet processed
	Tickets    = "tickets"     // key: ticket key; value: Ticket
	TicketKeys = "ticket_keys" // key: idempotency key; value: TicketKey
	Sequences  = "sequences"   // key: sequence name (one of the Seq constants); value: Sequence
)

// AllKinds lists every kind in copy order.
var AllKinds = []string{Requests, Claims, Ledgers, Overrides, Schedules, Notes, Labels, LastRuns,
	Jobs, DeadJobs, DoneKeys, Inbox, Tickets, TicketKeys, Sequences}

// Names of the sequences, the Sequences kind's keys: each is the last
// number handed out, so the target never hands out one of the source's
// numbers again.
const (
	SeqRequests = "requests"
	SeqJobs     = "jobs"
	SeqInbox    = "inbox"
	SeqTickets  = "tickets"
	SeqNotes    = "notes"
	SeqLabels   = "labels"
)

// Claim is the value of a Claims record.
type Claim struct {
	Value   string    `json:"value"`
	Expires time.Time `json:"expires"`
}

// LastRun is the value of a LastRuns record.
type LastRun struct {
	Due time.Time `json:"due"`
}

// DoneKey is the value of a DoneKeys record: until when the key of a
// completed job keeps a new job with that key out.
type DoneKey struct {
	Until time.Time `json:"until"`
}

// Ticket is the value of a Tickets record: the local tracker's ticket
// (local.Ticket's JSON) and the number it was created with.
type Ticket struct {
	N      int64           `json:"n"`
	Ticket json.RawMessage `json:"ticket"`
}

// TicketKey is the value of a TicketKeys record.
type TicketKey struct {
	Ticket string `json:"ticket"`
}

// Sequence is the value of a Sequences record.
type Sequence struct {
	Last uint64 `json:"last"`
}

// Record is one stored item of a kind. Key is unique within the kind.
type Record struct {
	Key   string
	Value json.RawMessage
}

// Source is a store that can list its records. Export calls fn for every
// record of kind, in any order; fn's error ends the walk and is returned.
type Source interface {
	Export(ctx context.Context, kind string, fn func(Record) error) error
}

// Target is a store that can also take records. Import writes recs of
// kind, each replacing any record with the same key, in one transaction;
// a Sequences record raises the sequence to at least its value.
type Target interface {
	Source
	Import(ctx context.Context, kind string, recs []Record) error
}

// Canonical returns the form of a record's value that checksums compare:
// the JSON re-encoded with sorted keys, and every RFC 3339 time in UTC, so
// that a driver keeping times as timestamptz and one keeping the JSON as
// written agree.
func Canonical(v json.RawMessage) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, err
	}
	return json.Marshal(canonical(x))
}

func canonical(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = canonical(e)
		}
	case []any:
		for i, e := range v {
			v[i] = canonical(e)
		}
	case string:
		// Only full timestamps: a date or a word stays as it is.
		if len(v) >= len("2006-01-02T15:04:05Z") && v[4] == '-' && v[10] == 'T' {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return x
}

// Sum is the count and checksum of one kind's records.
type Sum struct {
	Count int
	SHA   string // hex SHA-256 over the sorted keys and canonical values
}

// digest is the SHA-256 of a record's canonical value: the copy keeps
// one per key, never the values, so memory stays small for large stores.
type digest [sha256.Size]byte

// digests reads every record of kind from s into key -> digest.
func digests(ctx context.Context, s Source, kind string) (map[string]digest, error) {
	out := map[string]digest{}
	err := s.Export(ctx, kind, func(r Record) error {
		c, err := Canonical(r.Value)
		if err != nil {
			return fmt.Errorf("%s %s: %w", kind, r.Key, err)
		}
		if _, dup := out[r.Key]; dup {
			return fmt.Errorf("%s: key %s twice", kind, r.Key)
		}
		out[r.Key] = sha256.Sum256(c)
		return nil
	})
	return out, err
}

func sumOf(m map[string]digest) Sum {
	h := sha256.New()
	for _, k := range sortedKeys(m) {
		// Length-prefixed, so that no key/value split can collide.
		fmt.Fprintf(h, "%d:%s", len(k), k)
		d := m[k]
		h.Write(d[:])
	}
	return Sum{Count: len(m), SHA: hex.EncodeToString(h.Sum(nil))}
}

// Checksum returns the count and checksum of kind's records in s.
func Checksum(ctx context.Context, s Source, kind string) (Sum, error) {
	m, err := digests(ctx, s, kind)
	if err != nil {
		return Sum{}, fmt.Errorf("checksum %s: %w", kind, err)
	}
	return sumOf(m), nil
}

// Options tune Copy.
type Options struct {
	// Force overwrites target records that differ from the source's under
	// the same key, instead of refusing.
	Force bool
	// Kinds limits the copy; nil means AllKinds.
	Kinds []string
}

// KindResult says what Copy did with one kind.
type KindResult struct {
	Kind    string
	Source  Sum
	Target  Sum // read back after the copy
	Added   int // keys the target lacked
	Changed int // keys whose value differed (only with Force)
	Same    int // keys already equal
	Extra   int // keys only the target holds (left alone)
}

// Verified reports whether the target now holds exactly the source's
// records of this kind.
func (r KindResult) Verified() bool { return r.Source == r.Target }

// ConflictError lists the keys under which the target holds different data.
type ConflictError struct {
	Kind string
	Keys []string // the first few
	N    int
}

// Error names the kind, some keys and the fix.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("the target holds different %s under %d of the source's keys (%s): "+
		"it is not an earlier copy of this source; give --force to overwrite them", e.Kind, e.N, strings.Join(e.Keys, ", "))
}

// batchSize is how many records one Import transaction writes.
const batchSize = 1000

// Copy copies every kind from src to dst, checking all kinds for
// conflicts before it writes anything, and then verifies each kind by
// reading both sides back. It returns the per-kind results; an error means
// a conflict (nothing was written), a failed read or write, or a
// verification that did not match. Records are written in transactions of
// batchSize: a copy cut short is finished by running it again.
func Copy(ctx context.Context, src Source, dst Target, opt Options) ([]KindResult, error) {
	kinds := opt.Kinds
	if kinds == nil {
		kinds = AllKinds
	}
	type plan struct {
		res   KindResult
		from  map[string]digest
		write map[string]bool
	}
	plans := make([]plan, 0, len(kinds))
	for _, kind := range kinds {
		from, err := digests(ctx, src, kind)
		if err != nil {
			return nil, fmt.Errorf("read source %s: %w", kind, err)
		}
		to, err := digests(ctx, dst, kind)
		if err != nil {
			return nil, fmt.Errorf("read target %s: %w", kind, err)
		}
		p := plan{res: KindResult{Kind: kind, Source: sumOf(from)}, from: from, write: map[string]bool{}}
		var conflicts []string
		for _, k := range sortedKeys(from) {
			have, ok := to[k]
			switch {
			case !ok:
				p.res.Added++
			case have == from[k]:
				p.res.Same++
				continue
			case kind == Sequences:
				// Decided below, from the values.
			default:
				conflicts = append(conflicts, k)
				p.res.Changed++
			}
			p.write[k] = true
		}
		for k := range to {
			if _, ok := from[k]; !ok {
				p.res.Extra++
			}
		}
		if kind == Sequences && len(p.write) > 0 {
			// A fresh target's sequences start below the source's and are
			// raised; one past the source's has handed out numbers the
			// source never did.
			above, err := sequencesAbove(ctx, src, dst, p.write)
			if err != nil {
				return nil, err
			}
			if len(above) > 0 {
				// Not even with Force: lowering a sequence would hand out
				// the target's numbers a second time.
				return nil, fmt.Errorf("the target's %s sequence is past the source's: it has handed out numbers the source never did, "+
					"and lowering it would reuse them; copy into an empty database", strings.Join(above, ", "))
			}
			p.res.Changed += len(p.write) - p.res.Added
		}
		if len(conflicts) > 0 && !opt.Force {
			return nil, &ConflictError{Kind: kind, Keys: conflicts[:min(5, len(conflicts))], N: len(conflicts)}
		}
		plans = append(plans, p)
	}
	var out []KindResult
	var bad []string
	for _, p := range plans {
		if err := write(ctx, src, dst, p.res.Kind, p.write); err != nil {
			return out, err
		}
		back, err := digests(ctx, dst, p.res.Kind)
		if err != nil {
			return out, fmt.Errorf("read back %s: %w", p.res.Kind, err)
		}
		// Extra target keys are left alone and outside the comparison.
		for k := range back {
			if _, ok := p.from[k]; !ok {
				delete(back, k)
			}
		}
		p.res.Target = sumOf(back)
		if !p.res.Verified() {
			bad = append(bad, p.res.Kind)
		}
		out = append(out, p.res)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("verify: the target's %s do not match the source's after the copy", strings.Join(bad, ", "))
	}
	return out, nil
}

// write streams kind from src and imports the records whose keys are in
// keys, batchSize at a time.
func write(ctx context.Context, src Source, dst Target, kind string, keys map[string]bool) error {
	if len(keys) == 0 {
		return nil
	}
	var batch []Record
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := dst.Import(ctx, kind, batch); err != nil {
			return fmt.Errorf("write %s: %w", kind, err)
		}
		batch = batch[:0]
		return nil
	}
	err := src.Export(ctx, kind, func(r Record) error {
		if !keys[r.Key] {
			return nil
		}
		batch = append(batch, r)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("copy %s: %w", kind, err)
	}
	return flush()
}

// sequencesAbove returns the sequences among keys that the target has
// taken past the source's value.
func sequencesAbove(ctx context.Context, src, dst Source, keys map[string]bool) ([]string, error) {
	values := func(s Source) (map[string]uint64, error) {
		out := map[string]uint64{}
		err := s.Export(ctx, Sequences, func(r Record) error {
			var seq Sequence
			if err := json.Unmarshal(r.Value, &seq); err != nil {
				return fmt.Errorf("sequence %s: %w", r.Key, err)
			}
			out[r.Key] = seq.Last
			return nil
		})
		return out, err
	}
	from, err := values(src)
	if err != nil {
		return nil, err
	}
	to, err := values(dst)
	if err != nil {
		return nil, err
	}
	var above []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if t, ok := to[k]; ok && t > from[k] {
			above = append(above, k)
		}
	}
	return above, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// Normalize decodes raw as a T, lets fix set what the driver keeps outside
// the JSON (a job's id, say), and encodes it again, so that both drivers
// export the JSON of the current Go type whatever an older version wrote.
// fix may be nil.
func Normalize[T any](raw []byte, fix func(*T)) (json.RawMessage, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	if fix != nil {
		fix(v)
	}
	return json.Marshal(v)
}

// ImportThroughTx writes r through tx's own contract methods when kind is
// one the triage.Tx contract can write (requests, ledgers, overrides,
// schedules and last runs), so that each driver keeps its indexes as the
// bot does; it reports false for the other kinds, which each driver writes
// itself.
func ImportThroughTx(tx triage.Tx, kind string, r Record) (bool, error) {
	switch kind {
	case Requests:
		req := new(triage.Request)
		if err := json.Unmarshal(r.Value, req); err != nil {
			return true, err
		}
		return true, tx.PutRequest(req)
	case Ledgers:
		l := new(sprint.Ledger)
		if err := json.Unmarshal(r.Value, l); err != nil {
			return true, err
		}
		return true, tx.PutLedger(l)
	case Overrides:
		var o oncall.Override
		if err := json.Unmarshal(r.Value, &o); err != nil {
			return true, err
		}
		return true, tx.PutOverride(o)
	case Schedules:
		tl := new(oncall.Timeline)
		if err := json.Unmarshal(r.Value, tl); err != nil {
			return true, err
		}
		return true, tx.PutSchedule(tl)
	case LastRuns:
		var lr LastRun
		if err := json.Unmarshal(r.Value, &lr); err != nil {
			return true, err
		}
		return true, tx.SetLastRun(r.Key, lr.Due)
	}
	return false, nil
}
