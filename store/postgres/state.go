package postgres

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/triage"
)

// Claim records key until expires. The key is the claims table's primary
// key, so of two replicas claiming one key at once, one waits for the
// other and then sees its claim. An expired claim is replaced as if the
// key were new.
func (t *tx) Claim(key, value string, now, expires time.Time) (string, bool, error) {
	return t.claim(key, value, now, expires, `INSERT INTO claims (key, value, expires_ns) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = $2, expires_ns = $3 WHERE claims.expires_ns <= $4`)
}

// Settle is Claim that fills a live placeholder (a claim with an empty
// value), keeping its expiry.
func (t *tx) Settle(key, value string, now, expires time.Time) (string, bool, error) {
	return t.claim(key, value, now, expires, `INSERT INTO claims (key, value, expires_ns) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = $2,
			expires_ns = CASE WHEN claims.expires_ns <= $4 THEN $3 ELSE claims.expires_ns END
		WHERE claims.expires_ns <= $4 OR claims.value = ''`)
}

// claim runs upsert, which takes key's claim when it may, and reads the
// claim that stayed when it did not.
func (t *tx) claim(key, value string, now, expires time.Time, upsert string) (string, bool, error) {
	if key == "" {
		return "", false, fmt.Errorf("claim: empty key")
	}
	if err := errors.Join(checkText("claim key", key), checkText("claim value", value)); err != nil {
		return "", false, fmt.Errorf("claim: %w", err)
	}
	tag, err := t.q.Exec(t.ctx, upsert, key, value, nanos(expires), nanos(now))
	if err != nil {
		return "", false, fmt.Errorf("claim %s: %w", key, err)
	}
	if tag.RowsAffected() == 1 {
		return value, true, nil
	}
	var stored string
	if err := t.q.QueryRow(t.ctx, "SELECT value FROM claims WHERE key = $1", key).Scan(&stored); err != nil {
		return "", false, fmt.Errorf("claim %s: %w", key, err)
	}
	return stored, false, nil
}

// Claimed returns the value of a claim on key that is live at now.
func (t *tx) Claimed(key string, now time.Time) (string, bool, error) {
	var v string
	err := t.q.QueryRow(t.ctx, "SELECT value FROM claims WHERE key = $1 AND expires_ns > $2", key, nanos(now)).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read claim %s: %w", key, err)
	}
	return v, true, nil
}

// Ledger returns the team's ledger for sprint n, or an error wrapping
// triage.ErrNotFound.
func (t *tx) Ledger(team string, n int) (*sprint.Ledger, error) {
	var data []byte
	err := t.q.QueryRow(t.ctx, "SELECT data FROM ledgers WHERE team = $1 AND sprint = $2", team, n).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("ledger %s sprint %d: %w", team, n, triage.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("ledger %s sprint %d: %w", team, n, err)
	}
	l := new(sprint.Ledger)
	if err := json.Unmarshal(data, l); err != nil {
		return nil, fmt.Errorf("decode ledger %s sprint %d: %w", team, n, err)
	}
	return l, nil
}

// PutLedger saves l under its team and sprint number.
func (t *tx) PutLedger(l *sprint.Ledger) error {
	if l == nil {
		return fmt.Errorf("put ledger: nil ledger")
	}
	if err := checkText("team", l.Team); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("put ledger %s sprint %d: encode: %w", l.Team, l.Sprint, err)
	}
	if _, err := t.q.Exec(t.ctx, `INSERT INTO ledgers (team, sprint, data) VALUES ($1, $2, $3)
		ON CONFLICT (team, sprint) DO UPDATE SET data = $3`, l.Team, l.Sprint, data); err != nil {
		return fmt.Errorf("put ledger %s sprint %d: %w", l.Team, l.Sprint, err)
	}
	return nil
}

// Overrides returns the team's overrides ending after since, in creation
// order (CreatedAt, then ID), the order oncall applies them in. A team has
// few overrides; sorting here keeps the order of IDs bytewise whatever
// the database's collation.
func (t *tx) Overrides(team string, since time.Time) ([]oncall.Override, error) {
	rows, err := t.q.Query(t.ctx, "SELECT data FROM overrides WHERE team = $1", team)
	if err != nil {
		return nil, fmt.Errorf("overrides of %s: %w", team, err)
	}
	var out []oncall.Override
	for rows.Next() {
		var data []byte
		var o oncall.Override
		if err := rows.Scan(&data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overrides of %s: %w", team, err)
		}
		if err := json.Unmarshal(data, &o); err != nil {
			rows.Close()
			return nil, fmt.Errorf("decode override of %s: %w", team, err)
		}
		if o.End.After(since) {
			out = append(out, o)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overrides of %s: %w", team, err)
	}
	oncall.SortByCreation(out)
	return out, nil
}

// PutOverride saves o under (o.Team, o.ID), replacing an override with the
// same id.
func (t *tx) PutOverride(o oncall.Override) error {
	if o.ID == "" || o.Team == "" {
		return fmt.Errorf("put override: it needs an id and a team")
	}
	if err := errors.Join(checkText("team", o.Team), checkText("override id", o.ID)); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	if err := o.Validate(); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	data, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("put override %s: encode: %w", o.ID, err)
	}
	if _, err := t.q.Exec(t.ctx, `INSERT INTO overrides (team, id, data) VALUES ($1, $2, $3)
		ON CONFLICT (team, id) DO UPDATE SET data = $3`, o.Team, o.ID, data); err != nil {
		return fmt.Errorf("put override %s: %w", o.ID, err)
	}
	return nil
}

// DeleteOverride removes an override; a missing one is an error wrapping
// triage.ErrNotFound, so that a mistyped id gets an answer.
func (t *tx) DeleteOverride(team, id string) error {
	tag, err := t.q.Exec(t.ctx, "DELETE FROM overrides WHERE team = $1 AND id = $2", team, id)
	if err != nil {
		return fmt.Errorf("delete override %s of %s: %w", id, team, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("delete override %s of %s: %w", id, team, triage.ErrNotFound)
	}
	return nil
}

// Schedule returns the team's last good schedule, or triage.ErrNotFound.
func (t *tx) Schedule(team string) (*oncall.Timeline, error) {
	var data []byte
	err := t.q.QueryRow(t.ctx, "SELECT data FROM schedules WHERE team = $1", team).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, triage.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("the schedule of %s: %w", team, err)
	}
	var tl oncall.Timeline
	if err := json.Unmarshal(data, &tl); err != nil {
		return nil, fmt.Errorf("decode the schedule of %s: %w", team, err)
	}
	return &tl, nil
}

// PutSchedule keeps tl as the last good schedule of tl.Team.
func (t *tx) PutSchedule(tl *oncall.Timeline) error {
	data, err := json.Marshal(tl)
	if err != nil {
		return fmt.Errorf("encode the schedule of %s: %w", tl.Team, err)
	}
	if err := checkText("team", tl.Team); err != nil {
		return fmt.Errorf("keep the schedule of %s: %w", tl.Team, err)
	}
	if _, err := t.q.Exec(t.ctx, `INSERT INTO schedules (team, data) VALUES ($1, $2)
		ON CONFLICT (team) DO UPDATE SET data = $2`, tl.Team, data); err != nil {
		return fmt.Errorf("keep the schedule of %s: %w", tl.Team, err)
	}
	return nil
}

// AddNote saves a handoff note under its team and time.
func (t *tx) AddNote(n triage.Note) error {
	if err := checkText("team", n.Team); err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	data, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("add note: encode: %w", err)
	}
	if _, err := t.q.Exec(t.ctx, "INSERT INTO notes (team, at_ns, data) VALUES ($1, $2, $3)", n.Team, nanos(n.At), data); err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	return nil
}

// Notes returns the team's notes written at or after since, oldest first
// (notes of one instant in the order they were added).
func (t *tx) Notes(team string, since time.Time) ([]triage.Note, error) {
	rows, err := t.q.Query(t.ctx, "SELECT data FROM notes WHERE team = $1 AND at_ns >= $2 ORDER BY at_ns, seq", team, nanos(since))
	if err != nil {
		return nil, fmt.Errorf("notes of %s: %w", team, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (triage.Note, error) {
		var data []byte
		var n triage.Note
		if err := row.Scan(&data); err != nil {
			return n, err
		}
		return n, json.Unmarshal(data, &n)
	})
	if err != nil {
		return nil, fmt.Errorf("notes of %s: %w", team, err)
	}
	return out, nil
}

// AddLabel saves a label under its team, after the team's earlier labels.
func (t *tx) AddLabel(l triage.Label) error {
	if err := checkText("team", l.Team); err != nil {
		return fmt.Errorf("add label: %w", err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("add label: encode: %w", err)
	}
	if _, err := t.q.Exec(t.ctx, "INSERT INTO labels (team, data) VALUES ($1, $2)", l.Team, data); err != nil {
		return fmt.Errorf("add label: %w", err)
	}
	return nil
}

// Labels calls fn for the team's labels in the order they were added, or
// for every team's, team by team (bytewise order of the team names, as the
// bbolt driver walks them), when team is "". It reads walkChunk labels at
// a time, so fn may use the transaction.
func (t *tx) Labels(team string, fn func(triage.Label) error) error {
	lastTeam, lastSeq := "", int64(0)
	next := func() ([]triage.Label, error) {
		var rows pgx.Rows
		var err error
		if team == "" {
			rows, err = t.q.Query(t.ctx, `SELECT team, seq, data FROM labels WHERE (team COLLATE "C", seq) > ($1 COLLATE "C", $2)
				ORDER BY team COLLATE "C", seq LIMIT $3`, lastTeam, lastSeq, walkChunk)
		} else {
			rows, err = t.q.Query(t.ctx, `SELECT team, seq, data FROM labels WHERE team = $1 AND seq > $2
				ORDER BY seq LIMIT $3`, team, lastSeq, walkChunk)
		}
		if err != nil {
			return nil, fmt.Errorf("walk labels: %w", err)
		}
		page, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (triage.Label, error) {
			var data []byte
			var l triage.Label
			if err := row.Scan(&lastTeam, &lastSeq, &data); err != nil {
				return l, err
			}
			return l, json.Unmarshal(data, &l)
		})
		if err != nil {
			return nil, fmt.Errorf("walk labels: %w", err)
		}
		return page, nil
	}
	return walkPages(next, fn)
}

// LastRun returns when the scheduled job name last ran (its due time), and
// whether it ever did.
func (t *tx) LastRun(name string) (time.Time, bool, error) {
	var ns int64
	err := t.q.QueryRow(t.ctx, "SELECT due_ns FROM job_runs WHERE name = $1", name).Scan(&ns)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("last run of %s: %w", name, err)
	}
	return fromNanos(ns), true, nil
}

// SetLastRun records that the scheduled job name ran for due.
func (t *tx) SetLastRun(name string, due time.Time) error {
	if _, err := t.q.Exec(t.ctx, `INSERT INTO job_runs (name, due_ns) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET due_ns = $2`, name, nanos(due)); err != nil {
		return fmt.Errorf("record run of %s: %w", name, err)
	}
	return nil
}
