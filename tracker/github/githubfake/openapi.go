package githubfake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/sprintguard/sprintguard/internal/reference"
)

// DescriptionEnv names the variable that may point at GitHub's REST API
// description (api.github.com.json of github/rest-api-description);
// without it, the team's reference copy is found by internal/reference.
const DescriptionEnv = "SPRINTGUARD_GITHUB_OPENAPI"

var (
	loadOnce sync.Once
	router   routers.Router
	loadErr  error
)

// load reads the description once per test binary: it takes seconds.
func load() (routers.Router, error) {
	loadOnce.Do(func() {
		path := os.Getenv(DescriptionEnv)
		if path == "" {
			if path, loadErr = reference.Path("github/api.github.com.json"); loadErr != nil {
				return
			}
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			loadErr = fmt.Errorf("load %s: %w", path, err)
			return
		}
		router, loadErr = gorillamux.NewRouter(doc)
	})
	return router, loadErr
}

// OpenAPI returns a check for Server.Validate that holds each request and
// answer to GitHub's published description. When the description is not
// on this machine it logs so and returns nil, so that the tests still run
// (without the shape check) outside the team's environment.
func OpenAPI(t testing.TB) func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error {
	t.Helper()
	rt, err := load()
	if err != nil {
		if (errors.Is(err, reference.ErrMissing) || os.IsNotExist(unwrapAll(err))) && !reference.Required() {
			t.Logf("githubfake: no OpenAPI description (%v); exchanges are not checked", err)
			return nil
		}
		t.Fatalf("githubfake: %v", err)
	}
	return func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error {
		// The description's server is https://api.github.com.
		req := r.Clone(context.Background())
		req.URL.Scheme, req.URL.Host, req.Host = "https", "api.github.com", "api.github.com"
		req.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := rt.FindRoute(req)
		if err != nil {
			return fmt.Errorf("no such operation: %w", err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("request: %w", err)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
		out.SetBodyBytes(resp)
		if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
			return fmt.Errorf("answer %d: %w", status, err)
		}
		return nil
	}
}

func unwrapAll(err error) error {
	for {
		type unwrapper interface{ Unwrap() error }
		u, ok := err.(unwrapper)
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}

// Sampled checks the first first exchanges of each operation with check,
// and one in every after that: a long test keeps its speed (validation is
// slow, the more so under the race detector) and still has every kind of
// exchange checked.
func Sampled(check func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error, first, every int) func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error {
	if check == nil {
		return nil
	}
	var mu sync.Mutex
	seen := map[string]int{}
	return func(r *http.Request, body []byte, status int, header http.Header, resp []byte) error {
		op := r.Method + " " + strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return 'N'
			}
			return c
		}, r.URL.Path)
		mu.Lock()
		seen[op]++
		k := seen[op]
		mu.Unlock()
		if k <= first || k%every == 0 {
			return check(r, body, status, header, resp)
		}
		return nil
	}
}
