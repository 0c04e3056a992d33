package memory_test

import (
	"testing"

	"github.com/sprintguard/sprintguard/triage"
)

// TestAddPostsAgreesWithBolt adds posts, one twice, then reads and
// rewrites the request: the in-memory store must keep the posts as
// store.DB does.
func TestAddPostsAgreesWithBolt(t *testing.T) {
	b := newBoth(t)
	reply := triage.Post{Kind: triage.PostReply, Channel: "C1", TS: "1.1"}
	dm := triage.Post{Kind: triage.PostOnCall, Channel: "D1", TS: "2.1"}
	b.same("put", func(tx triage.Tx) (any, error) {
		r := req(1, "platform", "U1", t0)
		r.Posts = []triage.Post{reply}
		return nil, tx.PutRequest(r)
	})
	steps := []struct {
		name string
		fn   func(tx triage.Tx) (any, error)
	}{
		{"add", func(tx triage.Tx) (any, error) { return nil, tx.AddPosts(1, dm, reply) }},
		{"add again", func(tx triage.Tx) (any, error) { return nil, tx.AddPosts(1, dm) }},
		{"no such request", func(tx triage.Tx) (any, error) { return nil, tx.AddPosts(2, dm) }},
		{"read", func(tx triage.Tx) (any, error) {
			r, err := tx.Request(1)
			if err != nil {
				return nil, err
			}
			return r.Posts, nil
		}},
		{"rewrite and read", func(tx triage.Tx) (any, error) {
			r, err := rewrite(tx, 1)
			if err != nil {
				return nil, err
			}
			return r.Posts, nil
		}},
	}
	for _, s := range steps {
		b.same(s.name, s.fn)
	}
	b.same("posts", func(tx triage.Tx) (any, error) {
		r, err := tx.Request(1)
		if err != nil {
			return nil, err
		}
		if len(r.Posts) != 2 {
			t.Errorf("posts %+v, want the reply and the DM", r.Posts)
		}
		return nil, nil
	})
}

// rewrite saves request id whole again, acknowledged, as a button press
// does, and returns it as read back.
func rewrite(tx triage.Tx, id int64) (*triage.Request, error) {
	r, err := tx.Request(id)
	if err != nil {
		return nil, err
	}
	r.Status = triage.StatusAcknowledged
	if err := tx.PutRequest(r); err != nil {
		return nil, err
	}
	return tx.Request(id)
}
