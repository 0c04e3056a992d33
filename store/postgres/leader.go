package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// leaderLock is the advisory lock key whose holder runs the scheduled
// duties ("sgleader" as bytes).
const leaderLock int64 = 0x73676c6561646572

// ElectorOptions tune an Elector. The zero value gives the production
// timings. A dead leader's lock is free as soon as its connection drops,
// and a stalled leader's once the server ends its quiet session after
// ServerIdle; a follower takes it within Retry and leads one lease
// (Check+Timeout) later. So leadership moves within Retry+lease (9 s) of
// a leader's death and ServerIdle+Retry+lease (21 s) of its stall.
type ElectorOptions struct {
	// Retry is how often a follower tries to take the lock (default 3s).
	Retry time.Duration
	// Check is how often the leader checks its lock connection (default 3s).
	Check time.Duration
	// Timeout bounds a check; a leader whose check fails or takes longer
	// steps down at once (default 3s).
	Timeout time.Duration
	// ServerIdle is the lock session's idle_session_timeout: the server
	// ends the session of a leader that stopped checking (a frozen process,
	// a vanished host) and so frees the lock. It is at least (and by
	// default) 2×(Check+Timeout), so that a stalled leader's lease has run
	// out long before another replica can take the lock.
	ServerIdle time.Duration
	// Now is the clock Leading measures the lease with (default time.Now).
	Now func() time.Time
	// OnChange, if set, is called from Run's goroutine when this process
	// becomes leader or stops being it, with the reason.
	OnChange func(leading bool, why string)
}

// Elector makes one replica the leader through a session-level advisory
// lock (pg_try_advisory_lock) held on a dedicated connection: PostgreSQL
// releases a session's locks when the session ends, so a killed leader's
// lock is free as soon as its connection drops. Leading is safe for
// concurrent use; Run is called once.
type Elector struct {
	db  *DB
	key int64
	opt ElectorOptions

	mu       sync.Mutex
	leading  bool
	verified time.Time // when the lock was last known held
}

// NewElector returns an elector over db's database; Run starts it.
func NewElector(db *DB, opt ElectorOptions) *Elector {
	return newElector(db, leaderLock, opt)
}

func newElector(db *DB, key int64, opt ElectorOptions) *Elector {
	if opt.Retry <= 0 {
		opt.Retry = 3 * time.Second
	}
	if opt.Check <= 0 {
		opt.Check = 3 * time.Second
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 3 * time.Second
	}
	if lease := opt.Check + opt.Timeout; opt.ServerIdle < 2*lease {
		opt.ServerIdle = 2 * lease
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Elector{db: db, key: key, opt: opt}
}

// Leading reports whether this process holds the lock now. A leader that
// has not confirmed its lock for Check+Timeout (its process stalled, say)
// does not count as leading until it confirms again, since the server may
// have ended its session meanwhile.
func (e *Elector) Leading() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading && e.opt.Now().Sub(e.verified) <= e.lease()
}

// lease is how long a confirmed lock counts as held without another check.
func (e *Elector) lease() time.Duration { return e.opt.Check + e.opt.Timeout }

// Run contends for leadership until ctx ends, then releases the lock if it
// holds it, so that another replica takes over without waiting.
func (e *Elector) Run(ctx context.Context) error {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			e.release(conn)
		}
	}()
	for ctx.Err() == nil {
		if conn == nil {
			c, err := e.connect(ctx)
			if err != nil {
				e.set(false, "no connection for the leader lock: "+err.Error())
				e.wait(ctx, e.opt.Retry)
				continue
			}
			conn = c
		}
		got, err := e.try(ctx, conn)
		if err != nil {
			e.set(false, "leader lock connection failed: "+err.Error())
			e.drop(conn)
			conn = nil
			e.wait(ctx, e.opt.Retry)
			continue
		}
		if !got {
			e.wait(ctx, e.opt.Retry)
			continue
		}
		// The previous leader may not have noticed yet that its session
		// ended; after one lease it no longer counts itself as leading.
		e.wait(ctx, e.lease())
		why := e.check(ctx, conn)
		if why == "" {
			e.set(true, "took the leader lock")
			why = e.hold(ctx, conn)
		}
		if ctx.Err() != nil {
			return nil
		}
		e.set(false, why)
		e.drop(conn)
		conn = nil
	}
	return nil
}

// connect takes a connection out of the pool for the lock alone, and asks
// the server to end its session if it goes quiet for ServerIdle.
func (e *Elector) connect(ctx context.Context) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opt.Timeout)
	defer cancel()
	pc, err := e.db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	conn := pc.Hijack()
	idle := fmt.Sprintf("SET idle_session_timeout = %d", e.opt.ServerIdle.Milliseconds())
	if _, err := conn.Exec(ctx, idle); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

func (e *Elector) try(ctx context.Context, conn *pgx.Conn) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, e.opt.Timeout)
	defer cancel()
	var got bool
	err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", e.key).Scan(&got)
	return got, err
}

// hold checks the lock connection every Check until a check fails, takes
// longer than Timeout, or ctx ends, and says why it stopped.
func (e *Elector) hold(ctx context.Context, conn *pgx.Conn) string {
	t := time.NewTicker(e.opt.Check)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return "shutting down"
		case <-t.C:
		}
		if why := e.check(ctx, conn); why != "" {
			return why
		}
		e.mu.Lock()
		e.verified = e.opt.Now()
		e.mu.Unlock()
	}
}

// check confirms that conn's session still holds the lock, and says what
// is wrong when it does not.
func (e *Elector) check(ctx context.Context, conn *pgx.Conn) string {
	ctx, cancel := context.WithTimeout(ctx, e.opt.Timeout)
	defer cancel()
	var held bool
	// A bigint advisory key shows in pg_locks as its high and low halves,
	// with objsubid 1.
	err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND pid = pg_backend_pid() AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 1)`,
		int64(uint32(uint64(e.key)>>32)), int64(uint32(e.key))).Scan(&held)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("the leader lock connection did not answer within %v", e.opt.Timeout)
	case err != nil:
		return "the leader lock connection failed: " + err.Error()
	case !held:
		return "the leader lock is no longer held"
	}
	return ""
}

func (e *Elector) set(leading bool, why string) {
	e.mu.Lock()
	changed := e.leading != leading
	e.leading = leading
	if leading {
		e.verified = e.opt.Now()
	}
	e.mu.Unlock()
	if changed && e.opt.OnChange != nil {
		e.opt.OnChange(leading, why)
	}
}

// release unlocks and closes conn at shutdown.
func (e *Elector) release(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), e.opt.Timeout)
	defer cancel()
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", e.key)
	e.set(false, "shutting down")
	_ = conn.Close(ctx)
}

// drop closes a connection that failed; closing ends its session, and
// with it any lock the server still thinks it holds.
func (e *Elector) drop(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), e.opt.Timeout)
	defer cancel()
	_ = conn.Close(ctx)
}

func (e *Elector) wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
