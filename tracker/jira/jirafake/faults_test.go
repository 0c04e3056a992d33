package jirafake

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	for _, tc := range []struct {
		status int
		ctype  string
	}{
		{500, "application/json"},
		{502, "text/html"},
		{503, "text/html"},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			s, _ := newFake(t)
			s.FailNext(2, tc.status)
			for i := range 2 {
				r := do(t, s, "GET", "/rest/api/2/myself", nil)
				if r.status != tc.status || !strings.HasPrefix(r.header.Get("Content-Type"), tc.ctype) {
					t.Errorf("request %d: %d %s", i, r.status, r.header.Get("Content-Type"))
				}
				if tc.status == 500 {
					r.jiraErr(t)
				}
			}
			if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
				t.Errorf("third request: %d", r.status)
			}
		})
	}
}

func TestFailNextDoesNotCreate(t *testing.T) {
	s, _ := newFake(t)
	s.FailNext(1, 500)
	r := do(t, s, "POST", "/rest/api/2/issue", map[string]any{"fields": map[string]any{
		"project": map[string]any{"key": "OPS"}, "summary": "x", "issuetype": map[string]any{"name": "Task"}}})
	if r.status != 500 || len(s.Issues()) != 0 {
		t.Errorf("status %d, %d issues", r.status, len(s.Issues()))
	}
}

// pattern runs n requests and returns their status codes.
func pattern(t *testing.T, s *Server, n int) []int {
	t.Helper()
	var out []int
	for range n {
		out = append(out, do(t, s, "GET", "/rest/api/2/myself", nil).status)
	}
	return out
}

func TestFailRateIsDeterministic(t *testing.T) {
	a, _ := newFake(t)
	b, _ := newFake(t)
	a.FailRate(0.3, 7)
	b.FailRate(0.3, 7)
	pa, pb := pattern(t, a, 40), pattern(t, b, 40)
	if !reflect.DeepEqual(pa, pb) {
		t.Errorf("same seed, different failures:\n%v\n%v", pa, pb)
	}
	counts := map[int]int{}
	for _, st := range pa {
		counts[st]++
	}
	if counts[500] == 0 || counts[200] == 0 || len(counts) != 2 {
		t.Errorf("statuses %v, want both 200 and 500 only", counts)
	}
	a.FailRate(0, 0)
	for _, st := range pattern(t, a, 10) {
		if st != 200 {
			t.Errorf("after FailRate(0): %d", st)
		}
	}
}

func TestSetDown(t *testing.T) {
	s, _ := newFake(t)
	s.SetDown(true)
	for _, path := range []string{"/rest/api/2/myself", "/rest/api/2/issue/OPS-1", "/nowhere"} {
		if r := do(t, s, "GET", path, nil); r.status != http.StatusServiceUnavailable {
			t.Errorf("%s while down: %d", path, r.status)
		}
	}
	s.SetDown(false)
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("after SetDown(false): %d", r.status)
	}
}

func TestRateLimitNext(t *testing.T) {
	s, _ := newFake(t)
	s.RateLimitNext(1, 1500*time.Millisecond)
	r := do(t, s, "GET", "/rest/api/2/myself", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Errorf("%d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	r.jiraErr(t)
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("second request: %d", r.status)
	}
}

func TestHangNextHoldsUntilTheClientGivesUp(t *testing.T) {
	s, _ := newFake(t)
	s.HangNext(1)
	// The client gives up once the fake holds the request: a fixed 50 ms
	// timeout could end it before it arrived, on a loaded machine, and
	// leave HangNext armed for the next request.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for len(s.Requests()) == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/rest/api/2/myself", nil)
	req.SetBasicAuth(User, Token)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("hung request answered %d", res.StatusCode)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the client's cancellation", err)
	}
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("next request: %d", r.status)
	}
}

// A request still hung when the test ends must not keep the fake's
// Cleanup waiting: closing the server lets it go.
func TestHangNextReleasedWhenTheTestEnds(t *testing.T) {
	done := make(chan error, 1)
	t.Run("fake", func(t *testing.T) {
		s := New(t)
		s.HangNext(1)
		go func() {
			req, _ := http.NewRequest("GET", s.URL()+"/rest/api/2/myself", nil)
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				res.Body.Close()
			}
			done <- err
		}()
		for len(s.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
	})
	if err := <-done; err == nil {
		t.Error("the hung request got an answer")
	}
}

func TestDropAfterCreate(t *testing.T) {
	s, _ := newFake(t)
	s.DropAfterCreate(1)
	body := `{"fields":{"project":{"key":"OPS"},"summary":"dropped","issuetype":{"name":"Task"},"labels":["sg-9"]}}`
	req, _ := http.NewRequest("POST", s.URL()+"/rest/api/2/issue", strings.NewReader(body))
	req.SetBasicAuth(User, Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		t.Fatalf("client got an answer: %d", res.StatusCode)
	}
	is, ok := s.Issue("OPS-1")
	if !ok || is.Summary != "dropped" || !reflect.DeepEqual(is.Labels, []string{"sg-9"}) {
		t.Errorf("the issue should exist: %+v %v", is, ok)
	}
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Status != 0 || string(reqs[0].Body) != body {
		t.Errorf("requests %+v", reqs)
	}
	// Only successful creates are dropped, and only n of them.
	if r := do(t, s, "POST", "/rest/api/2/issue", body); r.status != http.StatusCreated || r.obj(t)["key"] != "OPS-2" {
		t.Errorf("next create: %d %s", r.status, r.body)
	}
}

func TestDropAfterCreateSkipsFailedCreates(t *testing.T) {
	s, _ := newFake(t)
	s.DropAfterCreate(1)
	if r := do(t, s, "POST", "/rest/api/2/issue", `{"fields":{}}`); r.status != http.StatusBadRequest {
		t.Errorf("invalid create: %d", r.status)
	}
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("other request: %d", r.status)
	}
	req, _ := http.NewRequest("POST", s.URL()+"/rest/api/2/issue",
		strings.NewReader(`{"fields":{"project":{"key":"OPS"},"summary":"x","issuetype":{"name":"Task"}}}`))
	req.SetBasicAuth(User, Token)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Errorf("the first valid create should be dropped, got %d", res.StatusCode)
	}
}

func TestRequestsAreRecorded(t *testing.T) {
	s, _ := newFake(t)
	do(t, s, "GET", "/rest/api/2/myself?expand=groups", nil)
	do(t, s, "PUT", "/rest/api/2/issue/OPS-7/assignee", `{"accountId":null}`)
	want := []Request{
		{Method: "GET", Path: "/rest/api/2/myself", RawQuery: "expand=groups", Body: []byte{}, Status: 200},
		{Method: "PUT", Path: "/rest/api/2/issue/OPS-7/assignee", Body: []byte(`{"accountId":null}`), Status: 404},
	}
	if got := s.Requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// A slow request takes effect after its wait whether or not the client
// still listens: a create the client gave up on is made all the same.
func TestSlowRateCreatesAfterTheClientGaveUp(t *testing.T) {
	s, _ := newFake(t)
	s.SlowRate(1, 200*time.Millisecond, 3)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(s.Requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	body := `{"fields":{"project":{"key":"OPS"},"summary":"slow","issuetype":{"name":"Task"},"labels":["sg-9"]}}`
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"/rest/api/2/issue", strings.NewReader(body))
	req.SetBasicAuth(User, Token)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("the slow create answered %d before the client gave up", res.StatusCode)
	}
	for deadline := time.Now().Add(10 * time.Second); len(s.Issues()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the create the client gave up on was never made")
		}
	}
	s.SlowRate(0, 0, 0)
	if r := do(t, s, "GET", "/rest/api/2/myself", nil); r.status != http.StatusOK {
		t.Errorf("after SlowRate(0): %d", r.status)
	}
}
