package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ErrSessionFailed is returned by every call on a Session after an Update
// failed and rolled back the session's uncommitted work.
var ErrSessionFailed = errors.New("the store session failed earlier and was rolled back")

// Session runs every Update and View in one long write transaction, which
// it commits after every `every` updates and on Flush. A replay makes
// hundreds of thousands of small changes in simulated time; committing
// each one would cost more than the changes themselves.
//
// A Session is for one goroutine that has the store to itself: it is not
// safe for concurrent use, and a View sees the uncommitted writes of the
// session. A failed Update rolls back everything since the last commit, and
// every later call fails with ErrSessionFailed, so no half-applied state is
// ever committed.
type Session struct {
	engine
	db    *DB
	tx    *bolt.Tx
	n     int
	every int
	err   error
}

// Session starts a session over db. Close (or Flush) it before using db
// directly again.
func (db *DB) Session(every int) *Session {
	if every <= 0 {
		every = 1000
	}
	s := &Session{db: db, every: every}
	s.engine = engine{path: db.path, opt: db.opt, update: s.runUpdate, view: s.runView, cache: &requestCache{}, claims: db.claims, moved: db.moved}
	return s
}

func (s *Session) begin() (*bolt.Tx, error) {
	if s.err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSessionFailed, s.err)
	}
	if s.tx == nil {
		tx, err := s.db.bolt.Begin(true)
		if err != nil {
			return nil, err
		}
		s.tx = tx
	}
	return s.tx, nil
}

func (s *Session) runUpdate(fn func(*bolt.Tx) error) error {
	tx, err := s.begin()
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		s.err = err
		s.tx = nil
		s.cache.reset()
		_ = tx.Rollback()
		return err
	}
	if s.n++; s.n >= s.every {
		return s.Flush()
	}
	return nil
}

func (s *Session) runView(fn func(*bolt.Tx) error) error {
	tx, err := s.begin()
	if err != nil {
		return err
	}
	return fn(tx)
}

// Flush commits what the session has written so far.
func (s *Session) Flush() error {
	if s.err != nil {
		return fmt.Errorf("%w: %v", ErrSessionFailed, s.err)
	}
	if s.tx == nil {
		return nil
	}
	tx := s.tx
	s.tx, s.n = nil, 0
	if err := tx.Commit(); err != nil {
		s.err = err
		return fmt.Errorf("commit store session %s: %w", s.path, err)
	}
	return nil
}

// Close commits the session's work, or rolls it back if the session failed.
func (s *Session) Close() error {
	if s.err != nil {
		if s.tx != nil {
			_ = s.tx.Rollback()
			s.tx = nil
		}
		return fmt.Errorf("%w: %v", ErrSessionFailed, s.err)
	}
	return s.Flush()
}
