package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// SchemaVersion is the layout this binary reads and writes.
const SchemaVersion = 11

// Bucket names. Index buckets map a key to a request id (or to nothing, when
// the id is the key's suffix).
var (
	bucketMeta          = []byte("meta")
	bucketRequests      = []byte("requests")       // id -> JSON
	bucketReqTime       = []byte("req_time")       // team 0 created id -> ""
	bucketReqTicket     = []byte("req_ticket")     // ticket key -> id
	bucketReqMessage    = []byte("req_message")    // channel 0 ts -> id
	bucketReqOpen       = []byte("req_open")       // team 0 created id -> "" while not closed
	bucketReqUser       = []byte("req_user")       // team 0 user 0 created id -> ""
	bucketInbox         = []byte("inbox")          // seq -> delivery (store/delivery.go), until processed
	bucketLedgers       = []byte("ledgers")        // team 0 sprint -> head with the running total (see ledger.go)
	bucketLedgerCharges = []byte("ledger_charges") // team 0 sprint id -> one request's charge
	bucketOverrides     = []byte("overrides")      // team 0 id -> JSON
	bucketClaims        = []byte("claims")         // key -> expires value
	bucketClaimExp      = []byte("claim_expiry")   // expires key -> "", or the value Settle filled in
	bucketJobs          = []byte("jobs")           // seq -> job (jobcodec.go), queued jobs only
	bucketJobDue        = []byte("job_due")        // next_at seq -> "", or dueLeasedValue while leased (outbox.go)
	bucketJobKeys       = []byte("job_keys")       // key -> state (see outbox.go)
	bucketJobDone       = []byte("job_done")       // seq -> done-until key, completed jobs
	bucketDead          = []byte("dead_jobs")      // seq -> JSON
	bucketTickets       = []byte("tickets")        // ticket key -> JSON
	bucketTicketSeq     = []byte("ticket_seq")     // n -> ticket key, creation order
	bucketTicketIdem    = []byte("ticket_idem")    // idempotency key -> ticket key
	bucketNotes         = []byte("notes")          // team 0 at seq -> JSON handoff note
	bucketRuns          = []byte("job_runs")       // scheduled job name -> time of its last due run
	bucketLabels        = []byte("labels")         // team 0 seq -> JSON label from an on-call action

	keySchemaVersion = []byte("schema_version")
)

// Buckets of older schemas, which migrateToV9 deletes: the all-teams
// copies of req_time and req_open, and the index fields of each request
// kept apart from it.
var (
	legacyReqTimeAll = []byte("req_time_all")
	legacyReqOpenAll = []byte("req_open_all")
	legacyReqKeys    = []byte("req_keys")
)

// Up to schema 9 a completed job's key was marked done in job_keys
// (legacyKeyDone, then the time until which it blocks a re-enqueue), with
// an entry in legacyJobDoneExp (done-until key -> "") for the purge;
// migrateToV10 moves them to job_done.
var legacyJobDoneExp = []byte("job_done_exp")

const legacyKeyDone = 'd'

// migration moves a file from one schema version to the next. migrations[i]
// takes version i to i+1, so adding a version is appending one func and
// bumping SchemaVersion. All pending migrations run in one transaction: a
// crash leaves the file at its old version.
type migration struct {
	name  string
	apply func(*bolt.Tx) error
}

var migrations = []migration{
	{name: "create buckets and index existing requests", apply: migrateToV1},
	{name: "create the handoff notes bucket", apply: migrateToV2},
	{name: "create the scheduled job runs bucket", apply: migrateToV3},
	{name: "create the labels bucket", apply: migrateToV4},
	{name: "number sprints from 1", apply: migrateToV5},
	{name: "keep ledger charges apart from a running total", apply: migrateToV6},
	{name: "claim each delivery's key once", apply: migrateToV7},
	{name: "keep posts and similar requests beside requests", apply: migrateToV8},
	{name: "drop the all-teams request indexes and the index fields kept apart", apply: migrateToV9},
	{name: "keep completed jobs' keys in job_done and settled claims' values in their index entries", apply: migrateToV10},
	{name: "keep queued jobs' leases in their due index entries", apply: migrateToV11},
}

// SchemaError reports a file written by a newer sprintguard. It matches
// ErrNewerSchema with errors.Is.
type SchemaError struct {
	Path         string
	Found, Known uint64
}

// Error names the file, both versions and the fix.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("store %s has schema version %d, but this sprintguard knows versions up to %d: "+
		"upgrade sprintguard to a version that knows schema %d", e.Path, e.Found, e.Known, e.Found)
}

// Unwrap returns ErrNewerSchema.
func (e *SchemaError) Unwrap() error { return ErrNewerSchema }

// schemaVersion reads the version; a file without a meta bucket is version 0.
func schemaVersion(b *bolt.Tx) uint64 {
	m := b.Bucket(bucketMeta)
	if m == nil {
		return 0
	}
	v := m.Get(keySchemaVersion)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// prepare checks the schema version and migrates older files.
func (db *DB) prepare() error {
	if db.opt.ReadOnly {
		return db.bolt.View(func(b *bolt.Tx) error { return db.checkVersion(schemaVersion(b)) })
	}
	return db.bolt.Update(func(b *bolt.Tx) error {
		v := schemaVersion(b)
		if v > SchemaVersion {
			return db.checkVersion(v)
		}
		for ; v < SchemaVersion; v++ {
			m := migrations[v]
			if err := m.apply(b); err != nil {
				return fmt.Errorf("migrate store %s from schema %d to %d (%s): %w", db.path, v, v+1, m.name, err)
			}
		}
		meta, err := b.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("write schema version to %s: %w", db.path, err)
		}
		if err := meta.Put(keySchemaVersion, u64(SchemaVersion)); err != nil {
			return fmt.Errorf("write schema version to %s: %w", db.path, err)
		}
		return nil
	})
}

func (db *DB) checkVersion(v uint64) error {
	switch {
	case v > SchemaVersion:
		return &SchemaError{Path: db.path, Found: v, Known: SchemaVersion}
	case v < SchemaVersion:
		return fmt.Errorf("store %s has schema version %d, older than %d: open it once read-write "+
			"(e.g. `sprintguard serve`) to migrate it: %w", db.path, v, SchemaVersion, ErrNeedsMigration)
	}
	return nil
}

func migrateToV1(b *bolt.Tx) error {
	for _, name := range [][]byte{
		bucketMeta, bucketRequests, bucketReqTime, bucketReqTicket, bucketReqMessage,
		bucketReqOpen, bucketReqUser, bucketInbox, bucketLedgers, bucketOverrides, bucketClaims, bucketClaimExp,
		bucketJobs, bucketJobDue, bucketJobKeys, legacyJobDoneExp, bucketDead,
		bucketTickets, bucketTicketSeq, bucketTicketIdem,
	} {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	// Files from before the schema version existed kept requests without
	// indexes; rebuilding them makes every lookup see those requests.
	return reindexRequests(&tx{b: b})
}

func migrateToV2(b *bolt.Tx) error {
	if _, err := b.CreateBucketIfNotExists(bucketNotes); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketNotes, err)
	}
	return nil
}

func migrateToV3(b *bolt.Tx) error {
	if _, err := b.CreateBucketIfNotExists(bucketRuns); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketRuns, err)
	}
	return nil
}

func migrateToV4(b *bolt.Tx) error {
	if _, err := b.CreateBucketIfNotExists(bucketLabels); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketLabels, err)
	}
	return nil
}

// migrateToV6 splits each ledger into its head, which now carries the
// running total, and one key per charge.
func migrateToV6(b *bolt.Tx) error {
	if _, err := b.CreateBucketIfNotExists(bucketLedgerCharges); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketLedgerCharges, err)
	}
	var ledgers []*sprint.Ledger
	err := b.Bucket(bucketLedgers).ForEach(func(k, v []byte) error {
		l, err := decodeLedger(v)
		if err != nil {
			return fmt.Errorf("decode ledger %q: %w", k, err)
		}
		ledgers = append(ledgers, l)
		return nil
	})
	if err != nil {
		return err
	}
	t := &tx{b: b}
	for _, l := range ledgers {
		// Untracked, the ledger is summed once and written whole.
		if err := t.PutLedger(l); err != nil {
			return err
		}
	}
	return nil
}

// legacyDeliveryClaim prefixes the claims Accept took up to schema 6,
// beside the "event:" claim intake took for the same key.
var legacyDeliveryClaim = []byte("delivery:")

// migrateToV7 folds each delivery claim into its key's event claim
// (triage.EventClaim), which Accept now takes and intake fills: a Slack
// retry of a delivery accepted before the upgrade is still dropped. An
// event claim that exists already keeps its value (the request the
// delivery made) and the later of the two expiries.
func migrateToV7(b *bolt.Tx) error {
	claims, index := b.Bucket(bucketClaims), b.Bucket(bucketClaimExp)
	type claim struct{ key, val []byte }
	var old []claim
	c := claims.Cursor()
	for k, v := c.Seek(legacyDeliveryClaim); k != nil && bytes.HasPrefix(k, legacyDeliveryClaim); k, v = c.Next() {
		old = append(old, claim{bytes.Clone(k), bytes.Clone(v)})
	}
	for _, o := range old {
		if err := claims.Delete(o.key); err != nil {
			return fmt.Errorf("delete claim %s: %w", o.key, err)
		}
		if len(o.val) < timeLen {
			continue
		}
		exp := decodeTime(o.val[:timeLen])
		if err := index.Delete(expiryKey(exp, string(o.key))); err != nil {
			return fmt.Errorf("delete claim %s: %w", o.key, err)
		}
		key := triage.EventClaim(string(o.key[len(legacyDeliveryClaim):]))
		val := o.val
		if cur := claims.Get([]byte(key)); len(cur) >= timeLen {
			curExp := decodeTime(cur[:timeLen])
			if !curExp.Before(exp) {
				continue
			}
			if err := index.Delete(expiryKey(curExp, key)); err != nil {
				return fmt.Errorf("move claim %s: %w", o.key, err)
			}
			val = append(encodeTime(exp), cur[timeLen:]...)
		}
		if err := claims.Put([]byte(key), val); err != nil {
			return fmt.Errorf("move claim %s: %w", o.key, err)
		}
		if err := index.Put(expiryKey(exp, key), nil); err != nil {
			return fmt.Errorf("move claim %s: %w", o.key, err)
		}
	}
	return nil
}

// migrateToV8 adds nothing a newer file needs that an older one lacks:
// the buckets it creates were made on first use. It marks a file that
// holds what an older sprintguard cannot read, so that one refuses it
// (SchemaError) rather than misread it: an acknowledgement journal beside
// the file (store/journal), which it would ignore, leaving acknowledged
// deliveries unprocessed; posts and similar requests kept beside requests
// in binary (posts.go, similar.go), which it would drop; and inbox values
// kept as they came (delivery.go).
func migrateToV8(b *bolt.Tx) error {
	for _, name := range [][]byte{bucketReqPosts, bucketReqSimilar} {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateToV9 deletes three request indexes that each intake wrote for
// nothing a read could not get otherwise (measured with
// BenchmarkRequestWrites: each bucket an intake commit touches costs a
// leaf and its branch pages): req_time_all and req_open_all, which
// walkTeams replaces by merging req_time's and req_open's teams, and
// req_keys, the index fields PutRequest now takes from the request it
// replaces. Version 9 also keeps an older sprintguard, which would look
// for them, from opening the file.
func migrateToV9(b *bolt.Tx) error {
	for _, name := range [][]byte{legacyReqTimeAll, legacyReqOpenAll, legacyReqKeys} {
		if err := b.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return fmt.Errorf("delete bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateToV10 moves each done key of job_keys to job_done under a key of
// job_done's own (markDone), taken in the order the keys expire so that
// job_done's order is theirs, and deletes job_done_exp. A done key whose
// index entry is missing or stale (the schema 9 purge skipped those)
// moves too. Claims stay as they are: schema 10 reads a settled claim's
// value beside its expiry as before, and Settle now puts it in the
// claim's expiry index entry, which an older sprintguard would not read;
// version 10 keeps that one from opening the file.
func migrateToV10(b *bolt.Tx) error {
	if _, err := b.CreateBucketIfNotExists(bucketJobDone); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketJobDone, err)
	}
	type done struct {
		key   string
		until time.Time
	}
	var keys []done
	err := b.Bucket(bucketJobKeys).ForEach(func(k, v []byte) error {
		if len(v) == 1+timeLen && v[0] == legacyKeyDone {
			keys = append(keys, done{string(k), decodeTime(v[1:])})
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(keys, func(a, b done) int { return a.until.Compare(b.until) })
	t := &tx{b: b}
	for _, d := range keys {
		if err := t.markDone(d.key, d.until); err != nil {
			return fmt.Errorf("move done key %s: %w", d.key, err)
		}
	}
	if err := b.DeleteBucket(legacyJobDoneExp); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
		return fmt.Errorf("delete bucket %s: %w", legacyJobDoneExp, err)
	}
	return nil
}

// migrateToV11 moves nothing: schema 11 reads a lease from a job's own
// flags, where schema 10 kept it, as well as from the job's due index
// entry, where it now writes it (outbox.go). Version 11 keeps an older
// sprintguard, which would not see a lease kept there, from opening the
// file: it would take a job in flight at a crash for one never started,
// and post its message again without looking for the first.
func migrateToV11(*bolt.Tx) error { return nil }
