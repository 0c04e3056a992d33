package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// bucketReqPosts holds the Slack posts AddPosts recorded beside their
// request (id seq -> JSON post) until the request's next PutRequest folds
// them into it. Schema 8 creates it, so that an older sprintguard, which
// would drop the posts, refuses a file that has it (see migrateToV8).
var bucketReqPosts = []byte("req_posts")

// AddPosts keeps posts beside request id: a post's outbox job used to
// decode the whole request, add the post and encode it again, which was
// a sixth of the outbox's CPU.
func (t *tx) AddPosts(id int64, posts ...triage.Post) error {
	if t.bucket(bucketRequests).Get(idKey(id)) == nil {
		return fmt.Errorf("add posts to request %d: %w", id, triage.ErrNotFound)
	}
	if len(posts) == 0 {
		return nil
	}
	b, err := t.b.CreateBucketIfNotExists(bucketReqPosts)
	if err != nil {
		return fmt.Errorf("add posts to request %d: %w", id, err)
	}
	for _, p := range posts {
		data := encodePost(p)
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("add posts to request %d: %w", id, err)
		}
		if err := b.Put(append(idKey(id), u64(seq)...), data); err != nil {
			return fmt.Errorf("add posts to request %d: %w", id, err)
		}
	}
	return nil
}

// addedPosts adds to r the posts kept beside it, in the order they were
// added. With fold, it also deletes them, for r is about to be written
// whole with them (PutRequest).
func (t *tx) addedPosts(r *triage.Request, fold bool) error {
	b := t.bucket(bucketReqPosts)
	if b == nil {
		return nil
	}
	prefix := idKey(r.ID)
	var keys [][]byte
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		p, err := decodePost(v)
		if err != nil {
			return fmt.Errorf("decode post %x of request %d: %w", k, r.ID, err)
		}
		r.AddPost(p)
		if fold {
			keys = append(keys, bytes.Clone(k))
		}
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("fold posts into request %d: %w", r.ID, err)
		}
	}
	return nil
}

// postFormat is the first byte of a binary post; posts kept by earlier
// versions are JSON, which starts with '{', and still decode. Every read
// of a request decodes its posts kept beside it, which in JSON was 2% of
// serve's CPU while a burst drained.
const postFormat = 1

// errShortPost reports a binary post cut short.
var errShortPost = errors.New("post value cut short")

// encodePost returns the format byte, then Kind, Channel and TS, each as
// a length and its bytes.
func encodePost(p triage.Post) []byte {
	b := make([]byte, 0, 4+len(p.Kind)+len(p.Channel)+len(p.TS))
	b = append(b, postFormat)
	b = appendField(b, p.Kind)
	b = appendField(b, p.Channel)
	return appendField(b, p.TS)
}

// decodePost reads a post in either format; v belongs to bbolt, so the
// strings are copied out of it.
func decodePost(v []byte) (triage.Post, error) {
	var p triage.Post
	if len(v) > 0 && v[0] == '{' {
		err := json.Unmarshal(v, &p)
		return p, err
	}
	if len(v) == 0 || v[0] != postFormat {
		return p, errors.New("post value of unknown format")
	}
	r := reader{b: v[1:], short: errShortPost}
	str := func() string { return string(r.bytes(int(r.uvarint()))) }
	p.Kind, p.Channel, p.TS = str(), str(), str()
	if r.err == nil && len(r.b) > 0 {
		return triage.Post{}, errors.New("post value too long")
	}
	return p, r.err
}
