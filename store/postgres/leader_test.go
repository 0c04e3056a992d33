package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sprintguard/sprintguard/internal/pgtest"
	"github.com/sprintguard/sprintguard/internal/testclock"
)

// fast are elector timings short enough for tests: a lease of 220ms.
var fast = ElectorOptions{Retry: 20 * time.Millisecond, Check: 20 * time.Millisecond, Timeout: 200 * time.Millisecond}

// replica opens its own pool on url, as another process would.
func replica(t *testing.T, url string) *DB {
	t.Helper()
	db, err := Open(context.Background(), url, Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// elect runs e until the returned stop is called or the test ends.
func elect(t *testing.T, e *Elector) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.Run(ctx) }()
	stop = sync.OnceFunc(func() { cancel(); wg.Wait() })
	t.Cleanup(stop)
	return stop
}

// waitLeader polls until exactly one of es leads, failing the test if two
// ever lead at once or none leads within limit. It returns the leader.
func waitLeader(t *testing.T, limit time.Duration, es ...*Elector) *Elector {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var leaders []*Elector
		for _, e := range es {
			if e.Leading() {
				leaders = append(leaders, e)
			}
		}
		if len(leaders) > 1 {
			t.Fatalf("%d electors lead at once", len(leaders))
		}
		if len(leaders) == 1 {
			return leaders[0]
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("no leader within %v", limit)
	return nil
}

// bound is how soon leadership must move after the leader's connection
// drops: a follower's next try, then one lease. Tests allow ten times it,
// for a loaded machine.
func bound(o ElectorOptions) time.Duration { return 10 * (o.Retry + o.Check + o.Timeout) }

// terminateLockHolder ends, from another session, the session holding the
// leader lock, as a leader's death or a network cut would.
func terminateLockHolder(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objid = $1::bigint::oid`, int64(leaderLock&0xffffffff)).Scan(&n)
	if err != nil || n != 1 {
		t.Fatalf("terminated %d lock holders (%v), want 1", n, err)
	}
}

// TestElectorFailover runs two replicas' electors: one leads, the other
// takes over within the bound when the leader's connection is killed, and
// again when the new leader shuts down; never do both lead at once.
func TestElectorFailover(t *testing.T) {
	url := pgtest.DB(t)
	a, b := NewElector(replica(t, url), fast), NewElector(replica(t, url), fast)
	stopA, stopB := elect(t, a), elect(t, b)
	first := waitLeader(t, bound(fast)+time.Second, a, b)
	other := map[*Elector]*Elector{a: b, b: a}[first]
	// Stable: the follower keeps trying and keeps failing.
	for range 10 {
		waitLeader(t, bound(fast), a, b)
		if !first.Leading() {
			t.Fatal("leadership moved while the leader was healthy")
		}
		time.Sleep(fast.Retry)
	}

	terminateLockHolder(t, url)
	if got := waitLeader(t, bound(fast), a, b); got != other {
		// The old leader may win the race back only after the other
		// failed to take the free lock, which cannot happen in one try.
		t.Logf("the killed leader took the lock back")
	}
	if first.Leading() && other.Leading() {
		t.Fatal("two leaders")
	}

	// A leader that shuts down unlocks: the other leads at its next try.
	now := waitLeader(t, bound(fast), a, b)
	map[*Elector]func(){a: stopA, b: stopB}[now]()
	if now.Leading() {
		t.Fatal("a stopped elector still leads")
	}
	if got := waitLeader(t, bound(fast), a, b); got == now {
		t.Fatal("the stopped elector leads")
	}
}

// TestElectorStalledLeader holds the lock from a session that then goes
// quiet, as a frozen leader process would: the server ends that session
// after ServerIdle and another replica leads.
func TestElectorStalledLeader(t *testing.T) {
	url := pgtest.DB(t)
	opt := ElectorOptions{Retry: 20 * time.Millisecond, Check: 50 * time.Millisecond, Timeout: 50 * time.Millisecond}
	frozen := NewElector(replica(t, url), opt)
	ctx := context.Background()
	conn, err := frozen.connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if got, err := frozen.try(ctx, conn); err != nil || !got {
		t.Fatalf("frozen leader took the lock: %v, %v", got, err)
	}
	b := NewElector(replica(t, url), opt)
	elect(t, b)
	time.Sleep(b.opt.ServerIdle / 4)
	if b.Leading() {
		t.Fatal("a follower leads while the lock's session is alive")
	}
	waitLeader(t, b.opt.ServerIdle+bound(opt), b)
	if why := frozen.check(ctx, conn); why == "" {
		t.Fatal("the frozen leader's session still holds the lock")
	}
}

// TestElectorLease checks that a leader that has not confirmed its lock
// for a lease (its process stalled, here its clock jumped) does not count
// as leading until a check confirms it again.
func TestElectorLease(t *testing.T) {
	clock := testclock.New(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	opt := fast
	opt.Now = clock.Now
	e := NewElector(nil, opt)
	if e.Leading() {
		t.Fatal("a new elector leads")
	}
	e.set(true, "took the lock")
	clock.Add(e.lease())
	if !e.Leading() {
		t.Fatal("the leader stepped down within its lease")
	}
	clock.Add(time.Nanosecond)
	if e.Leading() {
		t.Fatal("a leader past its lease without a check still leads")
	}
}
