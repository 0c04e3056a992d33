package slackfake

import (
	"net/http"
)

// afterFault is what happens to the answer of a call the fake performed:
// the connection is dropped, or the answer is held until the client gives
// up. Either way the call's effect (a posted message) stays, as when
// Slack's answer is lost on its way back.
type afterFault struct {
	times int
	hold  bool
}

// DropAfter makes the next times calls of a method that succeed take
// effect and then close the connection without an answer.
func (s *Server) DropAfter(method string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.after[method] = &afterFault{times: times}
}

// HangAfter makes the next times calls of a method that succeed take
// effect and then hold the answer until the client hangs up (a process
// killed meanwhile) or the test ends.
func (s *Server) HangAfter(method string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.after[method] = &afterFault{times: times, hold: true}
}

// afterLocked returns the fault to apply to a call answered with status,
// counting it, or nil.
func (s *Server) afterLocked(method string, status int) *afterFault {
	f := s.after[method]
	if f == nil || f.times <= 0 || status != http.StatusOK || len(s.calls) == 0 || !s.calls[len(s.calls)-1].OK {
		return nil
	}
	f.times--
	return f
}

// answer applies the fault and reports whether the answer is still to be
// written.
func (f *afterFault) answer(w http.ResponseWriter, r *http.Request, closing <-chan struct{}) bool {
	if f.hold {
		select {
		case <-r.Context().Done():
		case <-closing:
		}
		return false
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return false
		}
	}
	panic(http.ErrAbortHandler)
}
