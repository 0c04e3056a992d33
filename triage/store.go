package triage

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/sprintguard/sprintguard/oncall"
	"github.com/sprintguard/sprintguard/sprint"
)

// Store runs transactions over the persistent state. Side effects are outbox
// jobs written in the same transaction as the state change that caused them,
// so a crash never separates the two. Implementations must be safe for
// concurrent use; Update calls are serialised.
//
// The contract leaves every implementation free to batch: to commit the
// Updates of concurrent callers together, with one sync, as the bbolt
// driver does with internal/groupcommit. Each caller still gets its own
// result, and one whose fn fails leaves nothing, because the batch is run
// again without it.
type Store interface {
	// Update runs fn in one read-write transaction, committed when fn
	// returns nil and rolled back otherwise, and returns once the commit
	// is durable. A driver may run fn more than once: a batch is run again
	// without a function that failed, and a driver shared by replicas
	// (PostgreSQL) runs fn again after losing a race to another replica.
	// So fn must start from scratch each time, keep no effects of an
	// earlier run outside the store, and not start another transaction.
	Update(fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
}

// Tx is the view of the state inside one transaction. A Tx is only valid
// inside the function it was passed to; writes panic or fail in a View.
type Tx interface {
	// NextRequestID allocates the next request id (1, 2, ...).
	NextRequestID() (int64, error)
	// Request returns ErrNotFound when there is no request with that id.
	Request(id int64) (*Request, error)
	// PutRequest saves r and its indexes (time, ticket, message, status).
	PutRequest(r *Request) error
	// AddPosts records Slack messages posted about request id without
	// rewriting the request, which a post's outbox job would otherwise
	// decode and encode whole: Request returns them in Posts from then
	// on, after the posts it had, skipping a post whose channel and ts it
	// has already (as Request.AddPost does). It fails with ErrNotFound
	// when there is no request id.
	AddPosts(id int64, posts ...Post) error
	// PutSimilar records what the similar-request lookup found for request
	// id without rewriting the request, as AddPosts does for posts:
	// Request returns similar in Similar, with SimilarDone set, from then
	// on, replacing what it had. It fails with ErrNotFound when there is
	// no request id.
	PutSimilar(id int64, similar []Similar) error
	// RequestByTicket returns ErrNotFound when no request has that ticket.
	RequestByTicket(key string) (*Request, error)
	// RequestByMessage returns ErrNotFound when no request came from that
	// Slack message.
	RequestByMessage(channel, ts string) (*Request, error)
	// Requests calls fn for the team's requests created in [from, to), in
	// creation order; an empty team means every team. fn returning
	// ErrStop ends the walk without error.
	Requests(team string, from, to time.Time, fn func(*Request) error) error
	// RequestsBy calls fn for user's requests to team created in
	// [from, to), oldest first, as Requests does.
	RequestsBy(team, user string, from, to time.Time, fn func(*Request) error) error
	// OpenRequests calls fn for the team's requests whose status is not
	// closed, oldest first.
	OpenRequests(team string, fn func(*Request) error) error

	// Claim records key as handled until expires. It returns the value a
	// claim live at now stored and false, or value and true when the key
	// is new (or its earlier claim expired by now).
	Claim(key, value string, now, expires time.Time) (stored string, fresh bool, err error)
	// Settle is Claim, except that a live claim with an empty value (a
	// placeholder, such as the one an accepted delivery leaves before it
	// is processed) is filled: its value is set to value, its expiry
	// kept, and Settle reports value and true.
	Settle(key, value string, now, expires time.Time) (stored string, fresh bool, err error)
	// Claimed returns the value of a claim on key live at now, and whether
	// there is one.
	Claimed(key string, now time.Time) (value string, ok bool, err error)

	// Ledger returns ErrNotFound when the team has no ledger for sprint n.
	Ledger(team string, n int) (*sprint.Ledger, error)
	PutLedger(l *sprint.Ledger) error

	// Overrides returns the team's on-call overrides that end after since.
	Overrides(team string, since time.Time) ([]oncall.Override, error)
	PutOverride(o oncall.Override) error
	DeleteOverride(team, id string) error

	// Schedule returns the last good on-call schedule fetched for team, or
	// ErrNotFound.
	Schedule(team string) (*oncall.Timeline, error)
	// PutSchedule keeps tl as its team's last good schedule.
	PutSchedule(tl *oncall.Timeline) error

	// AddNote saves a handoff note.
	AddNote(n Note) error
	// Notes returns the team's handoff notes written at or after since,
	// oldest first.
	Notes(team string, since time.Time) ([]Note, error)

	// AddLabel saves what an on-call action said about a request.
	AddLabel(l Label) error
	// Labels calls fn for the team's labels in the order they were given;
	// an empty team means every team. fn returning ErrStop ends the walk.
	Labels(team string, fn func(Label) error) error

	// LastRun returns the due time the scheduled job name last ran for,
	// and whether it ever ran.
	LastRun(name string) (time.Time, bool, error)
	// SetLastRun records that the scheduled job name ran for due.
	SetLastRun(name string, due time.Time) error

	// Enqueue adds a job unless a job with the same Key is queued or was
	// completed recently; it reports whether it was added.
	Enqueue(j *Job) (bool, error)
	// DueJobs returns up to limit queued jobs whose NextAt is not after now,
	// oldest first. A store shared by replicas leaves out a job while
	// another job of its request is held by another replica under a live
	// lease, so that a request's jobs run one at a time across replicas as
	// Run runs them within one; a store one process owns has no other
	// replica to wait for.
	DueJobs(now time.Time, limit int) ([]*Job, error)
	// PutJob saves a job's new attempt count, NextAt and error.
	PutJob(j *Job) error
	// RenewLease extends the lease of a job this process holds, running,
	// to a whole lease from now, so that no other replica takes it while
	// its handler runs. It fails with ErrNotFound when the job is no
	// longer queued or another replica has taken it (the lease ran out).
	// A store that one process owns has no leases to run out: there it
	// only checks that the job is queued.
	RenewLease(j *Job) error
	// CompleteJob removes a finished job, keeping its key as done.
	CompleteJob(j *Job) error
	// BuryJob moves a job that failed permanently to the dead letters.
	BuryJob(j *Job) error
}

// RequestPeeker is a Tx that can walk RequestsBy's requests without
// copying each: store/memory, whose copies were most of what the
// duplicate check at intake cost a replay. fn must neither change nor
// keep what it is given.
type RequestPeeker interface {
	PeekRequestsBy(team, user string, from, to time.Time, fn func(*Request) error) error
}

// ErrStop ends a walk early without error.
var ErrStop = Errorf(ECONFLICT, "stop")

// Note is a handoff note an engineer leaves for the next on-call.
type Note struct {
	Team string    `json:"team"`
	User string    `json:"user"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Job is one side effect waiting in the outbox.
type Job struct {
	ID        uint64          `json:"id"`
	Kind      string          `json:"kind"`
	Key       string          `json:"key"`
	RequestID int64           `json:"request_id,omitempty"`
	Team      string          `json:"team,omitempty"`
	Payload   json.RawMessage `json:"payload,omitempty"`
	Attempts  int             `json:"attempts"`
	CreatedAt time.Time       `json:"created_at"`
	NextAt    time.Time       `json:"next_at"`
	LastError string          `json:"last_error,omitempty"`
	// Leased is set, in a committed transaction, before a worker runs the
	// job, and cleared when a failed run is recorded: a queued job found
	// leased at a start was in flight when the process stopped.
	Leased bool `json:"leased,omitempty"`
}

// Job kinds that triage enqueues. The tracker kinds are handled by triage's
// own worker handlers; the notify kinds by the Slack side.
const (
	JobCreateTicket = "ticket.create"
	JobUpdateTicket = "ticket.update"
	JobNotify       = "notify"
)

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
