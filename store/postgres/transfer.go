package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
	"github.com/sprintguard/sprintguard/store/transfer"
	"github.com/sprintguard/sprintguard/tracker/local"
	"github.com/sprintguard/sprintguard/triage"
)

var _ transfer.Target = (*DB)(nil)

// Export calls fn for every record of kind, read on one snapshot
// (REPEATABLE READ), in the driver-neutral form of package transfer.
// Leases (which replica holds a job or a delivery) are not exported: a
// copy is taken while no replica runs.
func (db *DB) Export(ctx context.Context, kind string, fn func(transfer.Record) error) error {
	q, ok := exportQueries[kind]
	if !ok {
		return fmt.Errorf("export %s: unknown kind", kind)
	}
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(ptx pgx.Tx) error {
		rows, err := ptx.Query(ctx, q.sql)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			key, v, err := q.scan(rows)
			if err != nil {
				return err
			}
			if err := fn(transfer.Record{Key: key, Value: v}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, err)
	}
	return nil
}

type exportQuery struct {
	sql  string
	scan func(pgx.Rows) (string, json.RawMessage, error)
}

// keyData scans (key, json data) as T re-encoded.
func keyData[T any](rows pgx.Rows) (string, json.RawMessage, error) {
	var key string
	var data []byte
	if err := rows.Scan(&key, &data); err != nil {
		return "", nil, err
	}
	v, err := transfer.Normalize[T](data, nil)
	if err != nil {
		return "", nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return key, v, nil
}

func encode(key string, v any) (string, json.RawMessage, error) {
	data, err := json.Marshal(v)
	return key, data, err
}

// idJob scans (id, json data) as a job whose id is the column's.
func idJob(rows pgx.Rows) (string, json.RawMessage, error) {
	var id uint64
	var data []byte
	if err := rows.Scan(&id, &data); err != nil {
		return "", nil, err
	}
	v, err := transfer.Normalize(data, func(j *triage.Job) { j.ID = id })
	if err != nil {
		return "", nil, fmt.Errorf("decode job %d: %w", id, err)
	}
	return strconv.FormatUint(id, 10), v, nil
}

// seqSources names where each sequence lives: a counters row or a
// table's identity column.
var seqSources = map[string]struct{ counter, table, column string }{
	transfer.SeqRequests: {counter: "requests"},
	transfer.SeqTickets:  {counter: "tickets"},
	transfer.SeqJobs:     {table: "jobs", column: "id"},
	transfer.SeqInbox:    {table: "inbox", column: "seq"},
	transfer.SeqNotes:    {table: "notes", column: "seq"},
	transfer.SeqLabels:   {table: "labels", column: "seq"},
}

var exportQueries = map[string]exportQuery{
	transfer.Requests: {"SELECT id::text, data FROM requests", keyData[triage.Request]},
	transfer.Claims: {"SELECT key, value, expires_ns FROM claims", func(rows pgx.Rows) (string, json.RawMessage, error) {
		var key, value string
		var exp int64
		if err := rows.Scan(&key, &value, &exp); err != nil {
			return "", nil, err
		}
		return encode(key, transfer.Claim{Value: value, Expires: fromNanos(exp)})
	}},
	transfer.Ledgers:   {"SELECT team || '/' || sprint, data FROM ledgers", keyData[sprint.Ledger]},
	transfer.Overrides: {"SELECT team || '/' || id, data FROM overrides", keyData[oncall.Override]},
	transfer.Schedules: {"SELECT team, data FROM schedules", keyData[oncall.Timeline]},
	transfer.Notes:     {"SELECT seq::text, data FROM notes", keyData[triage.Note]},
	transfer.Labels:    {"SELECT seq::text, data FROM labels", keyData[triage.Label]},
	transfer.LastRuns: {"SELECT name, due_ns FROM job_runs", func(rows pgx.Rows) (string, json.RawMessage, error) {
		var name string
		var due int64
		if err := rows.Scan(&name, &due); err != nil {
			return "", nil, err
		}
		return encode(name, transfer.LastRun{Due: fromNanos(due)})
	}},
	transfer.Jobs:     {"SELECT id, data FROM jobs", idJob},
	transfer.DeadJobs: {"SELECT id, data FROM dead_jobs", idJob},
	transfer.DoneKeys: {"SELECT key, until_ns FROM job_keys_done", func(rows pgx.Rows) (string, json.RawMessage, error) {
		var key string
		var until int64
		if err := rows.Scan(&key, &until); err != nil {
			return "", nil, err
		}
		return encode(key, transfer.DoneKey{Until: fromNanos(until)})
	}},
	transfer.Inbox: {"SELECT seq, kind, key, body, received_ns FROM inbox", func(rows pgx.Rows) (string, json.RawMessage, error) {
		d := new(triage.Delivery)
		var received int64
		if err := rows.Scan(&d.Seq, &d.Kind, &d.Key, &d.Body, &received); err != nil {
			return "", nil, err
		}
		d.Received = fromNanos(received)
		return encode(strconv.FormatUint(d.Seq, 10), d)
	}},
	transfer.Tickets: {"SELECT key, n, data FROM tickets", func(rows pgx.Rows) (string, json.RawMessage, error) {
		var key string
		var n int64
		var data []byte
		if err := rows.Scan(&key, &n, &data); err != nil {
			return "", nil, err
		}
		tk, err := transfer.Normalize[local.Ticket](data, nil)
		if err != nil {
			return "", nil, fmt.Errorf("decode ticket %s: %w", key, err)
		}
		return encode(key, transfer.Ticket{N: n, Ticket: tk})
	}},
	transfer.TicketKeys: {"SELECT idem, key FROM tickets WHERE idem IS NOT NULL", func(rows pgx.Rows) (string, json.RawMessage, error) {
		var idem, key string
		if err := rows.Scan(&idem, &key); err != nil {
			return "", nil, err
		}
		return encode(idem, transfer.TicketKey{Ticket: key})
	}},
	transfer.Sequences: {sequencesSQL(), func(rows pgx.Rows) (string, json.RawMessage, error) {
		var name string
		var last int64
		if err := rows.Scan(&name, &last); err != nil {
			return "", nil, err
		}
		return encode(name, transfer.Sequence{Last: uint64(last)})
	}},
}

// sequencesSQL reads every sequence as (name, last number handed out).
func sequencesSQL() string {
	var parts []string
	for name, s := range seqSources {
		if s.counter != "" {
			parts = append(parts, fmt.Sprintf("SELECT '%s', n FROM counters WHERE name = '%s'", name, s.counter))
			continue
		}
		parts = append(parts, fmt.Sprintf("SELECT '%s', coalesce(pg_sequence_last_value(pg_get_serial_sequence('%s', '%s')::regclass), 0)",
			name, s.table, s.column))
	}
	return strings.Join(parts, " UNION ALL ")
}

// Import writes recs of kind in one transaction, each replacing the record
// with the same key; requests, ledgers, overrides and schedules go through
// the store's own writes, so their index columns are the ones the bot
// keeps. Imported jobs and deliveries are leased to nobody, so the first
// replica to start takes them. Sequences only ever rise.
func (db *DB) Import(ctx context.Context, kind string, recs []transfer.Record) error {
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, func(ptx pgx.Tx) error {
		t := &tx{db: db, ctx: ctx, q: ptx, write: true}
		for _, r := range recs {
			if err := t.importRecord(kind, r); err != nil {
				return fmt.Errorf("%s %s: %w", kind, r.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	return nil
}

func (t *tx) importRecord(kind string, r transfer.Record) error {
	exec := func(sql string, args ...any) error {
		_, err := t.q.Exec(t.ctx, sql, args...)
		return err
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
		return exec(`INSERT INTO claims (key, value, expires_ns) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = $2, expires_ns = $3`, r.Key, c.Value, nanos(c.Expires))
	case transfer.Notes:
		var n triage.Note
		if err := json.Unmarshal(r.Value, &n); err != nil {
			return err
		}
		return exec(`INSERT INTO notes (seq, team, at_ns, data) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4)
			ON CONFLICT (seq) DO UPDATE SET team = $2, at_ns = $3, data = $4`, r.Key, n.Team, nanos(n.At), r.Value)
	case transfer.Labels:
		var l triage.Label
		if err := json.Unmarshal(r.Value, &l); err != nil {
			return err
		}
		return exec(`INSERT INTO labels (seq, team, data) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3)
			ON CONFLICT (seq) DO UPDATE SET team = $2, data = $3`, r.Key, l.Team, r.Value)
	case transfer.Jobs:
		j := new(triage.Job)
		if err := json.Unmarshal(r.Value, j); err != nil {
			return err
		}
		return exec(`INSERT INTO jobs (id, key, next_ns, data) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO UPDATE SET key = $2, next_ns = $3, data = $4, claimed_by = NULL, lease_ns = NULL`,
			j.ID, j.Key, nanos(j.NextAt), r.Value)
	case transfer.DeadJobs:
		j := new(triage.Job)
		if err := json.Unmarshal(r.Value, j); err != nil {
			return err
		}
		return exec(`INSERT INTO dead_jobs (id, key, data) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET key = $2, data = $3`, j.ID, j.Key, r.Value)
	case transfer.DoneKeys:
		var d transfer.DoneKey
		if err := json.Unmarshal(r.Value, &d); err != nil {
			return err
		}
		return exec(`INSERT INTO job_keys_done (key, until_ns) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET until_ns = $2`, r.Key, nanos(d.Until))
	case transfer.Inbox:
		d := new(triage.Delivery)
		if err := json.Unmarshal(r.Value, d); err != nil {
			return err
		}
		body := d.Body
		if body == nil {
			body = []byte{}
		}
		// Leased to nobody and expired: the first replica's sweep takes it.
		return exec(`INSERT INTO inbox (seq, kind, key, body, received_ns, claimed_by, lease_ns)
			OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, '', 0)
			ON CONFLICT (seq) DO UPDATE SET kind = $2, key = $3, body = $4, received_ns = $5`,
			d.Seq, d.Kind, d.Key, body, nanos(d.Received))
	case transfer.Tickets:
		var tk transfer.Ticket
		if err := json.Unmarshal(r.Value, &tk); err != nil {
			return err
		}
		return exec(`INSERT INTO tickets (key, n, data) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET n = $2, data = $3`, r.Key, tk.N, []byte(tk.Ticket))
	case transfer.TicketKeys:
		var tk transfer.TicketKey
		if err := json.Unmarshal(r.Value, &tk); err != nil {
			return err
		}
		tag, err := t.q.Exec(t.ctx, "UPDATE tickets SET idem = $1 WHERE key = $2", r.Key, tk.Ticket)
		if err == nil && tag.RowsAffected() == 0 {
			err = fmt.Errorf("no ticket %s to keep the key for (copy tickets first)", tk.Ticket)
		}
		return err
	case transfer.Sequences:
		var s transfer.Sequence
		if err := json.Unmarshal(r.Value, &s); err != nil {
			return err
		}
		src, ok := seqSources[r.Key]
		switch {
		case !ok:
			return fmt.Errorf("unknown sequence")
		case s.Last == 0:
			return nil
		case src.counter != "":
			return exec("UPDATE counters SET n = greatest(n, $2) WHERE name = $1", src.counter, int64(s.Last))
		}
		return exec(`SELECT setval(seq, greatest($3, coalesce(pg_sequence_last_value(seq), 0)))
			FROM (SELECT pg_get_serial_sequence($1, $2)::regclass AS seq) s`, src.table, src.column, int64(s.Last))
	}
	return fmt.Errorf("unknown kind %q", kind)
}
