package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// addPosts appends to a request's posts the ones its channel and ts do
// not name yet, in the server: the request is not sent to this process,
// decoded and encoded again for the few bytes a post adds.
const addPosts = `UPDATE requests SET data = jsonb_set(data::jsonb, '{posts}',
	COALESCE(CASE WHEN jsonb_typeof(data::jsonb->'posts') = 'array' THEN data::jsonb->'posts' END, '[]'::jsonb) ||
	COALESCE((SELECT jsonb_agg(p.v ORDER BY p.n) FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS p(v, n)
		WHERE NOT EXISTS (SELECT 1 FROM json_array_elements(CASE WHEN json_typeof(data->'posts') = 'array' THEN data->'posts' END) AS q(v)
			WHERE q.v->>'channel' = p.v->>'channel' AND q.v->>'ts' = p.v->>'ts')), '[]'::jsonb))::json
	WHERE id = $1`

// AddPosts adds posts to request id's stored posts with one statement.
func (t *tx) AddPosts(id int64, posts ...triage.Post) error {
	// The statement compares the new posts with the stored ones only.
	var add triage.Request
	for _, p := range posts {
		add.AddPost(p)
	}
	if add.Posts == nil {
		add.Posts = []triage.Post{}
	}
	data, err := json.Marshal(add.Posts)
	if err != nil {
		return fmt.Errorf("add posts to request %d: encode: %w", id, err)
	}
	tag, err := t.q.Exec(t.ctx, addPosts, id, data)
	if err != nil {
		return fmt.Errorf("add posts to request %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("add posts to request %d: %w", id, triage.ErrNotFound)
	}
	return nil
}
