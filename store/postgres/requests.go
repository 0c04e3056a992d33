package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/triage"
)

// NextRequestID allocates the next request id from the requests counter,
// in this transaction: a rolled-back intake gives its id back.
func (t *tx) NextRequestID() (int64, error) {
	var n int64
	err := t.q.QueryRow(t.ctx, "UPDATE counters SET n = n + 1 WHERE name = 'requests' RETURNING n").Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("allocate request id: %w", err)
	}
	return n, nil
}

// Request returns the request with id, or an error wrapping triage.ErrNotFound.
func (t *tx) Request(id int64) (*triage.Request, error) {
	var data []byte
	err := t.q.QueryRow(t.ctx, "SELECT data FROM requests WHERE id = $1", id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("request %d: %w", id, err)
	}
	return decodeRequest(id, data)
}

func decodeRequest(id int64, data []byte) (*triage.Request, error) {
	r := new(triage.Request)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("decode request %d: %w", id, err)
	}
	return r, nil
}

// PutRequest saves r and its index columns in one round trip. The ticket
// and message entries move to r, and the ones r no longer has are dropped
// when they still name r.
func (t *tx) PutRequest(r *triage.Request) error {
	if r == nil || r.ID <= 0 {
		return fmt.Errorf("put request: the request has no id (allocate one with NextRequestID)")
	}
	if err := errors.Join(checkText("team", r.Team), checkText("channel", r.Channel), checkText("user", r.User),
		checkText("ts", r.TS), checkText("ticket", r.Ticket.Key)); err != nil {
		return fmt.Errorf("put request %d: %w", r.ID, err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("put request %d: encode: %w", r.ID, err)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO requests (id, team, usr, open, created_ns, data) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET team = $2, usr = $3, open = $4, created_ns = $5, data = $6`,
		r.ID, r.Team, r.User, !r.Status.Closed(), nanos(r.CreatedAt), data)
	b.Queue("DELETE FROM request_tickets WHERE request_id = $1 AND ticket <> $2", r.ID, r.Ticket.Key)
	if r.Ticket.Key != "" {
		b.Queue(`INSERT INTO request_tickets (ticket, request_id) VALUES ($1, $2)
			ON CONFLICT (ticket) DO UPDATE SET request_id = $2`, r.Ticket.Key, r.ID)
	}
	hasMsg := r.Channel != "" && r.TS != ""
	b.Queue("DELETE FROM request_messages WHERE request_id = $1 AND NOT (channel = $2 AND ts = $3 AND $4)",
		r.ID, r.Channel, r.TS, hasMsg)
	if hasMsg {
		b.Queue(`INSERT INTO request_messages (channel, ts, request_id) VALUES ($1, $2, $3)
			ON CONFLICT (channel, ts) DO UPDATE SET request_id = $3`, r.Channel, r.TS, r.ID)
	}
	if err := t.q.SendBatch(t.ctx, b).Close(); err != nil {
		return fmt.Errorf("put request %d: %w", r.ID, err)
	}
	return nil
}

// RequestByTicket looks the request up by its ticket key.
func (t *tx) RequestByTicket(key string) (*triage.Request, error) {
	return t.requestBy(fmt.Sprintf("request for ticket %s", key),
		"SELECT r.id, r.data FROM request_tickets i JOIN requests r ON r.id = i.request_id WHERE i.ticket = $1", key)
}

// RequestByMessage looks the request up by the Slack message it came from.
func (t *tx) RequestByMessage(channel, ts string) (*triage.Request, error) {
	return t.requestBy(fmt.Sprintf("request for message %s/%s", channel, ts),
		"SELECT r.id, r.data FROM request_messages i JOIN requests r ON r.id = i.request_id WHERE i.channel = $1 AND i.ts = $2",
		channel, ts)
}

func (t *tx) requestBy(what, query string, args ...any) (*triage.Request, error) {
	var id int64
	var data []byte
	err := t.q.QueryRow(t.ctx, query, args...).Scan(&id, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", what, triage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return decodeRequest(id, data)
}

// Requests walks the team's (or every team's) requests created in
// [from, to) in (created, id) order, a range scan of the time index.
func (t *tx) Requests(team string, from, to time.Time, fn func(*triage.Request) error) error {
	if !from.Before(to) {
		return nil
	}
	if team == "" {
		return t.walk(`SELECT id, created_ns, data FROM requests WHERE (created_ns, id) > ($1, $2) AND created_ns < $4
			ORDER BY created_ns, id LIMIT $3`, nanos(from), fn, nanos(to))
	}
	return t.walk(`SELECT id, created_ns, data FROM requests WHERE team = $5 AND (created_ns, id) > ($1, $2) AND created_ns < $4
		ORDER BY created_ns, id LIMIT $3`, nanos(from), fn, nanos(to), team)
}

// RequestsBy walks user's requests to team created in [from, to).
func (t *tx) RequestsBy(team, user string, from, to time.Time, fn func(*triage.Request) error) error {
	if !from.Before(to) || user == "" {
		return nil
	}
	return t.walk(`SELECT id, created_ns, data FROM requests WHERE team = $5 AND usr = $6 AND usr <> ''
		AND (created_ns, id) > ($1, $2) AND created_ns < $4 ORDER BY created_ns, id LIMIT $3`, nanos(from), fn, nanos(to), team, user)
}

// OpenRequests walks the open index; an empty team means every team.
func (t *tx) OpenRequests(team string, fn func(*triage.Request) error) error {
	if team == "" {
		return t.walk(`SELECT id, created_ns, data FROM requests WHERE open AND (created_ns, id) > ($1, $2)
			ORDER BY created_ns, id LIMIT $3`, math.MinInt64, fn)
	}
	return t.walk(`SELECT id, created_ns, data FROM requests WHERE open AND team = $4 AND (created_ns, id) > ($1, $2)
		ORDER BY created_ns, id LIMIT $3`, math.MinInt64, fn, team)
}

// walk pages through query in (created_ns, id) order, walkChunk rows at a
// time, and calls fn for each request as walkPages does. query gets the
// page's exclusive start as ($1, $2), the page size as $3, and args from
// $4 on. The first page starts after (from, 0): ids are above 0, so
// requests created at from are in it.
func (t *tx) walk(query string, from int64, fn func(*triage.Request) error, args ...any) error {
	lastNs, lastID := from, int64(0)
	next := func() ([]*triage.Request, error) {
		rows, err := t.q.Query(t.ctx, query, append([]any{lastNs, lastID, walkChunk}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("walk requests: %w", err)
		}
		page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*triage.Request, error) {
			var data []byte
			if err := row.Scan(&lastID, &lastNs, &data); err != nil {
				return nil, err
			}
			return decodeRequest(lastID, data)
		})
		if err != nil {
			return nil, fmt.Errorf("walk requests: %w", err)
		}
		return page, nil
	}
	return walkPages(next, fn)
}
