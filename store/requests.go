package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sprintguard/sprintguard/triage"
)

// walkChunk is how many index keys a walk reads before calling fn for them.
// Reading ahead lets fn write to the store (reassigning open requests, say)
// without invalidating the cursor, while memory stays bounded.
const walkChunk = 512

// NextRequestID allocates the next request id from the requests bucket's sequence.
func (t *tx) NextRequestID() (int64, error) {
	n, err := t.bucket(bucketRequests).NextSequence()
	if err != nil {
		return 0, fmt.Errorf("allocate request id: %w", err)
	}
	return int64(n), nil
}

// Request returns the request with id, or an error wrapping
// triage.ErrNotFound, with the posts AddPosts and the similar requests
// PutSimilar kept beside it.
func (t *tx) Request(id int64) (*triage.Request, error) {
	v := t.bucket(bucketRequests).Get(idKey(id))
	if v == nil {
		return nil, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
	}
	r := t.cache.get(id, v)
	if r == nil {
		var err error
		if r, err = decodeRequest(v); err != nil {
			return nil, fmt.Errorf("decode request %d: %w", id, err)
		}
		t.cache.put(r, t.cacheBytes(v))
	}
	if err := t.beside(r, false); err != nil {
		return nil, err
	}
	return r, nil
}

// cacheBytes returns what the cache keeps of v, a stored request: a
// checked cache compares later reads with it, and bbolt's bytes live only
// as long as the transaction.
func (t *tx) cacheBytes(v []byte) []byte {
	if t.cache != nil && t.cache.checked {
		return bytes.Clone(v)
	}
	return v
}

// PutRequest saves r and moves its index entries when the fields they are
// built from changed since the stored version. What is kept beside r
// (AddPosts, PutSimilar) is added to r and saved with it.
func (t *tx) PutRequest(r *triage.Request) error {
	if r == nil || r.ID <= 0 {
		return fmt.Errorf("put request: the request has no id (allocate one with NextRequestID)")
	}
	if err := errors.Join(checkName("team", r.Team), checkName("channel", r.Channel), checkName("user", r.User)); err != nil {
		return fmt.Errorf("put request %d: %w", r.ID, err)
	}
	reqs := t.bucket(bucketRequests)
	var old []indexEntry
	v := reqs.Get(idKey(r.ID))
	if v != nil {
		o, err := t.storedIndexed(r.ID, v)
		if err != nil {
			return fmt.Errorf("put request %d: %w", r.ID, err)
		}
		old = o.entries()
		if err := t.beside(r, true); err != nil {
			return fmt.Errorf("put request %d: %w", r.ID, err)
		}
	}
	data, err := encodeRequest(r)
	if err != nil {
		return fmt.Errorf("put request %d: encode: %w", r.ID, err)
	}
	// A save that changes nothing (a job run again, a fold of nothing)
	// would only dirty a page of the largest bucket.
	if !bytes.Equal(data, v) {
		if err := reqs.Put(idKey(r.ID), data); err != nil {
			return fmt.Errorf("put request %d: %w", r.ID, err)
		}
	}
	cur := indexedOf(r)
	if err := t.moveIndexes(old, cur.entries(), r.ID); err != nil {
		return fmt.Errorf("put request %d: %w", r.ID, err)
	}
	t.cache.put(r, data)
	return nil
}

// storedIndexed returns the index fields of request id as stored (v):
// from the cache when it holds that version, which saves decoding it,
// else scanned from v (scanRequest: reading it whole by hand costs less
// than reading these fields with encoding/json, which reads what the scan
// declines). Schema 9 dropped the copy of these fields kept apart
// (req_keys): writing it cost every intake a bucket's pages, and the
// request a save replaces is mostly the one just read, and cached.
func (t *tx) storedIndexed(id int64, v []byte) (indexed, error) {
	if c := t.cache.peek(id, v); c != nil {
		return indexedOf(c), nil
	}
	var r triage.Request
	if scanRequest(v, &r) {
		r.ID = id
		return indexedOf(&r), nil
	}
	var o indexed
	if err := json.Unmarshal(v, &o); err != nil {
		return o, fmt.Errorf("decode stored version: %w", err)
	}
	o.ID = id
	return o, nil
}

// indexedOf is r's index fields.
func indexedOf(r *triage.Request) indexed {
	o := indexed{ID: r.ID, Team: r.Team, User: r.User, Channel: r.Channel, TS: r.TS, Status: r.Status, CreatedAt: r.CreatedAt}
	o.Ticket.Key = r.Ticket.Key
	return o
}

// indexed is the part of a stored request its indexes are built from;
// storedIndexed, when the scan declines, and reindexRequests decode only
// these fields.
type indexed struct {
	ID      int64  `json:"id"`
	Team    string `json:"team"`
	User    string `json:"user"`
	Channel string `json:"channel"`
	TS      string `json:"ts"`
	Ticket  struct {
		Key string `json:"key"`
	} `json:"ticket"`
	Status    triage.Status `json:"status"`
	CreatedAt time.Time     `json:"created_at"`
}

// indexEntry is one key a request owns in an index bucket. Shared entries
// (ticket, message) map a unique key to one request and are only deleted
// while they still point at the request being moved.
type indexEntry struct {
	bucket []byte
	key    []byte
	value  []byte
	shared bool
}

func (r indexed) entries() []indexEntry {
	team := teamPrefix(r.Team)
	es := []indexEntry{{bucket: bucketReqTime, key: timeIDKey(team, r.CreatedAt, r.ID)}}
	if r.User != "" {
		es = append(es, indexEntry{bucket: bucketReqUser, key: timeIDKey(userPrefix(r.Team, r.User), r.CreatedAt, r.ID)})
	}
	if !r.Status.Closed() {
		es = append(es, indexEntry{bucket: bucketReqOpen, key: timeIDKey(team, r.CreatedAt, r.ID)})
	}
	if r.Ticket.Key != "" {
		es = append(es, indexEntry{bucket: bucketReqTicket, key: []byte(r.Ticket.Key), value: idKey(r.ID), shared: true})
	}
	if r.Channel != "" && r.TS != "" {
		es = append(es, indexEntry{bucket: bucketReqMessage, key: messageKey(r.Channel, r.TS), value: idKey(r.ID), shared: true})
	}
	return es
}

func (e indexEntry) same(o indexEntry) bool {
	return bytes.Equal(e.bucket, o.bucket) && bytes.Equal(e.key, o.key)
}

// moveIndexes deletes the entries only old has and writes the ones only cur has.
func (t *tx) moveIndexes(old, cur []indexEntry, id int64) error {
	has := func(list []indexEntry, e indexEntry) bool {
		for _, o := range list {
			if e.same(o) {
				return true
			}
		}
		return false
	}
	for _, e := range old {
		if has(cur, e) {
			continue
		}
		b := t.bucket(e.bucket)
		if e.shared && !bytes.Equal(b.Get(e.key), idKey(id)) {
			continue
		}
		if err := b.Delete(e.key); err != nil {
			return fmt.Errorf("delete %s index entry: %w", e.bucket, err)
		}
	}
	for _, e := range cur {
		if has(old, e) && !e.shared {
			continue
		}
		b := t.bucket(e.bucket)
		if e.shared && bytes.Equal(b.Get(e.key), e.value) {
			continue // its own already: a write would only dirty the page
		}
		if err := b.Put(e.key, e.value); err != nil {
			return fmt.Errorf("write %s index entry: %w", e.bucket, err)
		}
	}
	return nil
}

// RequestByTicket looks the request up by its ticket key.
func (t *tx) RequestByTicket(key string) (*triage.Request, error) {
	v := t.bucket(bucketReqTicket).Get([]byte(key))
	if v == nil {
		return nil, fmt.Errorf("request for ticket %s: %w", key, triage.ErrNotFound)
	}
	return t.Request(decodeID(v))
}

// RequestByMessage looks the request up by the Slack message it came from.
func (t *tx) RequestByMessage(channel, ts string) (*triage.Request, error) {
	v := t.bucket(bucketReqMessage).Get(messageKey(channel, ts))
	if v == nil {
		return nil, fmt.Errorf("request for message %s/%s: %w", channel, ts, triage.ErrNotFound)
	}
	return t.Request(decodeID(v))
}

// Requests walks the time index from `from` to `to`: a range scan whose cost
// depends on the window, not on the size of the store.
func (t *tx) Requests(team string, from, to time.Time, fn func(*triage.Request) error) error {
	if !from.Before(to) {
		return nil
	}
	if team == "" {
		return t.walkTeams(t.bucket(bucketReqTime), encodeTime(from), encodeTime(to), fn)
	}
	prefix := teamPrefix(team)
	start := appendTime(append([]byte(nil), prefix...), from)
	end := appendTime(append([]byte(nil), prefix...), to)
	return t.walk(t.bucket(bucketReqTime), start, func(k []byte) bool { return bytes.Compare(k, end) < 0 }, fn)
}

// RequestsBy walks the requester index: user's requests to team created
// in [from, to), oldest first.
func (t *tx) RequestsBy(team, user string, from, to time.Time, fn func(*triage.Request) error) error {
	if !from.Before(to) {
		return nil
	}
	prefix := userPrefix(team, user)
	start := appendTime(append([]byte(nil), prefix...), from)
	end := appendTime(append([]byte(nil), prefix...), to)
	return t.walk(t.bucket(bucketReqUser), start, func(k []byte) bool { return bytes.Compare(k, end) < 0 }, fn)
}

// userPrefix is a (team, user) pair's key prefix in the requester index.
func userPrefix(team, user string) []byte {
	return append(append(teamPrefix(team), user...), sep)
}

// OpenRequests walks the open index; an empty team means every team.
func (t *tx) OpenRequests(team string, fn func(*triage.Request) error) error {
	if team == "" {
		return t.walkTeams(t.bucket(bucketReqOpen), nil, nil, fn)
	}
	prefix := teamPrefix(team)
	return t.walk(t.bucket(bucketReqOpen), prefix, func(k []byte) bool { return bytes.HasPrefix(k, prefix) }, fn)
}

// walk calls fn for the requests of the index keys from seek on while in
// holds, in key order. fn returning triage.ErrStop ends it without error.
func (t *tx) walk(b *bolt.Bucket, seek []byte, in func([]byte) bool, fn func(*triage.Request) error) error {
	ids := make([]int64, 0, walkChunk)
	for {
		ids = ids[:0]
		var last []byte
		c := b.Cursor()
		for k, _ := c.Seek(seek); k != nil && in(k) && len(ids) < walkChunk; k, _ = c.Next() {
			ids = append(ids, idFromTimeIDKey(k))
			last = k
		}
		if last != nil {
			seek = after(last)
		}
		if stop, err := t.visit(ids, fn); stop || err != nil {
			return err
		}
		if len(ids) < walkChunk {
			return nil
		}
	}
}

// visit calls fn for the requests ids, in order, and reports whether fn
// ended the walk (triage.ErrStop, which is no error, or an error).
func (t *tx) visit(ids []int64, fn func(*triage.Request) error) (stop bool, err error) {
	for _, id := range ids {
		r, err := t.Request(id)
		if err != nil {
			return true, fmt.Errorf("walk requests: %w", err)
		}
		if err := fn(r); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return true, nil
			}
			return true, err
		}
	}
	return false, nil
}

// reindexRequests rebuilds every request index from the requests bucket.
func reindexRequests(t *tx) error {
	for _, name := range [][]byte{bucketReqTime, bucketReqTicket, bucketReqMessage, bucketReqOpen, bucketReqUser} {
		if err := t.b.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return fmt.Errorf("clear %s index: %w", name, err)
		}
		if _, err := t.b.CreateBucket(name); err != nil {
			return fmt.Errorf("create %s index: %w", name, err)
		}
	}
	return t.bucket(bucketRequests).ForEach(func(k, v []byte) error {
		var r indexed
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("decode request %d: %w", decodeID(k), err)
		}
		r.ID = decodeID(k)
		return t.moveIndexes(nil, r.entries(), r.ID)
	})
}
