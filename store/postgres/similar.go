package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/sprintguard/sprintguard/triage"
)

// putSimilar sets a request's similar requests in the server, as addPosts
// adds its posts: the request is not sent to this process, decoded and
// encoded again for one list. An empty list is left out, as the request's
// own encoding leaves it out.
const putSimilar = `UPDATE requests SET data = ((data::jsonb - 'similar') ||
	CASE WHEN jsonb_array_length($2::jsonb) > 0 THEN jsonb_build_object('similar', $2::jsonb) ELSE '{}'::jsonb END ||
	'{"similar_done": true}'::jsonb)::json
	WHERE id = $1`

// PutSimilar sets request id's similar requests with one statement.
func (t *tx) PutSimilar(id int64, similar []triage.Similar) error {
	if similar == nil {
		similar = []triage.Similar{}
	}
	data, err := json.Marshal(similar)
	if err != nil {
		return fmt.Errorf("put similar requests of request %d: encode: %w", id, err)
	}
	tag, err := t.q.Exec(t.ctx, putSimilar, id, data)
	if err != nil {
		return fmt.Errorf("put similar requests of request %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("put similar requests of request %d: %w", id, triage.ErrNotFound)
	}
	return nil
}
