package memory

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sprintguard/sprintguard/triage"
)

// stored is a request, the store's own copy that nobody changes (a write
// replaces it), and the fields its index entries were made from.
type stored struct {
	r   *triage.Request
	idx indexFields
}

type indexFields struct {
	team, user, channel, ts, ticket string
	created                         time.Time
}

func fieldsOf(r *triage.Request) indexFields {
	return indexFields{team: r.Team, user: r.User, channel: r.Channel, ts: r.TS, ticket: r.Ticket.Key, created: r.CreatedAt}
}

// stamp is one entry of a time index, ordered by (at, id).
type stamp struct {
	at time.Time
	id int64
}

func (a stamp) compare(b stamp) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id))
}

type userKey struct{ team, user string }

type msgKey struct{ channel, ts string }

// insert adds e to the sorted list, and says whether it was not there;
// appending is the common case, as requests are made in time order.
func insert(list []stamp, e stamp) ([]stamp, bool) {
	if n := len(list); n == 0 || list[n-1].compare(e) < 0 {
		return append(list, e), true
	}
	i, found := slices.BinarySearchFunc(list, e, stamp.compare)
	if found {
		return list, false
	}
	return slices.Insert(list, i, e), true
}

// remove drops e from the sorted list, and says whether it was there.
func remove(list []stamp, e stamp) ([]stamp, bool) {
	if i, found := slices.BinarySearchFunc(list, e, stamp.compare); found {
		return slices.Delete(list, i, i+1), true
	}
	return list, false
}

// NextRequestID allocates the next request id (1, 2, ...).
func (t *tx) NextRequestID() (int64, error) {
	if err := t.writable("allocate request id"); err != nil {
		return 0, err
	}
	t.s.lastID++
	return t.s.lastID, nil
}

// Request returns a copy of request id.
func (t *tx) Request(id int64) (*triage.Request, error) {
	if st, ok := t.s.requests.m[id]; ok {
		return st.r.Clone(), nil
	}
	if t.s.gone.has(id) {
		return nil, evictedErr(fmt.Sprintf("request %d", id))
	}
	return nil, fmt.Errorf("request %d: %w", id, triage.ErrNotFound)
}

// PutRequest keeps r itself, which the caller must not change after (see
// SharesWrites), and moves its index entries when the fields they are
// made from changed.
func (t *tx) PutRequest(r *triage.Request) error {
	if err := t.writable("put request"); err != nil {
		return err
	}
	if r == nil || r.ID <= 0 {
		return fmt.Errorf("put request: the request has no id (allocate one with NextRequestID)")
	}
	// The durable stores cannot key or hold a NUL in these: refusing it
	// here too keeps a replay failing where --db fails.
	for _, name := range []string{r.Team, r.Channel, r.User} {
		if strings.IndexByte(name, 0) >= 0 {
			return fmt.Errorf("put request %d: %q contains a NUL byte", r.ID, name)
		}
	}
	t.s.put(r)
	return nil
}

// put keeps r, which is the store's own from then on.
func (s *Store) put(r *triage.Request) {
	cur := fieldsOf(r)
	st, ok := s.requests.m[r.ID]
	if !ok {
		s.lastID = max(s.lastID, r.ID)
	} else if st.idx != cur {
		s.unindex(r.ID, st.idx)
	}
	if !ok || st.idx != cur {
		s.index(r.ID, cur)
	}
	s.requests.set(r.ID, stored{r, cur})
}

// AddPosts adds posts to a copy of the stored request, which replaces it.
func (t *tx) AddPosts(id int64, posts ...triage.Post) error {
	if err := t.writable("add posts"); err != nil {
		return err
	}
	r, err := t.Request(id)
	if err != nil {
		return fmt.Errorf("add posts: %w", err)
	}
	for _, p := range posts {
		r.AddPost(p)
	}
	t.s.put(r)
	return nil
}

// PutSimilar sets the similar requests of a copy of the stored request,
// which replaces it, as AddPosts adds its posts.
func (t *tx) PutSimilar(id int64, similar []triage.Similar) error {
	if err := t.writable("put similar requests"); err != nil {
		return err
	}
	r, err := t.Request(id)
	if err != nil {
		return fmt.Errorf("put similar requests: %w", err)
	}
	r.Similar, r.SimilarDone = slices.Clone(similar), true
	t.s.put(r)
	return nil
}

func (s *Store) index(id int64, f indexFields) {
	e := stamp{f.created, id}
	s.byTime.add(f.team, e)
	s.byTime.add("", e)
	if f.user != "" {
		s.byUser.add(userKey{f.team, f.user}, e)
	}
	if f.ticket != "" {
		s.byTicket.set(f.ticket, id)
	}
	if f.channel != "" && f.ts != "" {
		s.byMsg.set(msgKey{f.channel, f.ts}, id)
	}
}

// unindex drops id's entries; the unique ones (ticket, message) only while
// they still point at id.
func (s *Store) unindex(id int64, f indexFields) {
	e := stamp{f.created, id}
	s.byTime.remove(f.team, e)
	s.byTime.remove("", e)
	if f.user != "" {
		s.byUser.remove(userKey{f.team, f.user}, e)
	}
	if f.ticket != "" && s.byTicket.m[f.ticket] == id {
		s.byTicket.del(f.ticket)
	}
	if k := (msgKey{f.channel, f.ts}); f.channel != "" && f.ts != "" && s.byMsg.m[k] == id {
		s.byMsg.del(k)
	}
}

// RequestByTicket looks the request up by its ticket key.
func (t *tx) RequestByTicket(key string) (*triage.Request, error) {
	if id, ok := t.s.byTicket.m[key]; ok {
		return t.Request(id)
	}
	if t.s.gone.any[""] {
		return nil, evictedErr("request for ticket " + key)
	}
	return nil, fmt.Errorf("request for ticket %s: %w", key, triage.ErrNotFound)
}

// RequestByMessage looks the request up by the Slack message it came
// from; it does not find one Evict dropped (see Evict).
func (t *tx) RequestByMessage(channel, ts string) (*triage.Request, error) {
	if id, ok := t.s.byMsg.m[msgKey{channel, ts}]; ok {
		return t.Request(id)
	}
	// Intake asks this of every new message, which is usually not found:
	// the error says so without formatting anything until it is read.
	return nil, noMessage{channel, ts}
}

// noMessage is RequestByMessage's triage.ErrNotFound.
type noMessage struct{ channel, ts string }

func (e noMessage) Error() string {
	return fmt.Sprintf("request for message %s/%s: %v", e.channel, e.ts, triage.ErrNotFound)
}

func (e noMessage) Unwrap() error { return triage.ErrNotFound }

// Requests calls fn for the team's requests created in [from, to), oldest
// first; an empty team means every team.
func (t *tx) Requests(team string, from, to time.Time, fn func(*triage.Request) error) error {
	if h, ok := t.s.gone.horizon[team]; reaches(h, ok, from) && from.Before(to) {
		return evictedErr(fmt.Sprintf("requests of %q from %s", team, from))
	}
	return t.walk(t.s.byTime.lists[team], from, to, func(*triage.Request) bool { return true }, cloned(fn))
}

// cloned calls fn with a copy of each request it is given.
func cloned(fn func(*triage.Request) error) func(*triage.Request) error {
	return func(r *triage.Request) error { return fn(r.Clone()) }
}

// RequestsBy calls fn for user's requests to team created in [from, to).
func (t *tx) RequestsBy(team, user string, from, to time.Time, fn func(*triage.Request) error) error {
	return t.requestsBy(team, user, from, to, cloned(fn))
}

// PeekRequestsBy is RequestsBy handing fn the store's own requests, not
// copies (triage.RequestPeeker): fn must neither change nor keep them.
func (t *tx) PeekRequestsBy(team, user string, from, to time.Time, fn func(*triage.Request) error) error {
	return t.requestsBy(team, user, from, to, fn)
}

func (t *tx) requestsBy(team, user string, from, to time.Time, fn func(*triage.Request) error) error {
	k := userKey{team, user}
	if h, ok := t.s.gone.userHorizon[k]; reaches(h, ok, from) && from.Before(to) {
		return evictedErr(fmt.Sprintf("requests of %s to %q from %s", user, team, from))
	}
	return t.walk(t.s.byUser.lists[k], from, to, func(*triage.Request) bool { return true }, fn)
}

// OpenRequests calls fn for the team's requests not closed, oldest first.
// It reads the team's whole time index: only the scheduled escalation
// calls it, and a replay never does.
func (t *tx) OpenRequests(team string, fn func(*triage.Request) error) error {
	if t.s.gone.any[team] {
		return evictedErr(fmt.Sprintf("open requests of %q", team))
	}
	list := t.s.byTime.lists[team]
	if len(list) == 0 {
		return nil
	}
	return t.walk(list, list[0].at, list[len(list)-1].at.Add(1), func(r *triage.Request) bool { return !r.Status.Closed() }, cloned(fn))
}

// walk calls fn for each request of list in [from, to) that keep holds,
// the store's own: fn copies what it hands out. It copies the ids first,
// so that fn may write to the store.
func (t *tx) walk(list []stamp, from, to time.Time, keep func(*triage.Request) bool, fn func(*triage.Request) error) error {
	if !from.Before(to) {
		return nil
	}
	lo, _ := slices.BinarySearchFunc(list, stamp{at: from}, stamp.compare)
	hi, _ := slices.BinarySearchFunc(list, stamp{at: to}, stamp.compare)
	if lo >= hi {
		return nil
	}
	ids := make([]int64, 0, hi-lo)
	for _, e := range list[lo:hi] {
		ids = append(ids, e.id)
	}
	for _, id := range ids {
		st, ok := t.s.requests.m[id]
		if !ok || !keep(st.r) {
			continue
		}
		if err := fn(st.r); err != nil {
			if errors.Is(err, triage.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}
