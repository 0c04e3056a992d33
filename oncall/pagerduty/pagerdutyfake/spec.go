package pagerdutyfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/sprintguard/sprintguard/internal/reference"
)

// specs are PagerDuty's published OpenAPI descriptions, loaded once.
// missing says the files were not found, as opposed to not loading.
var specs struct {
	once         sync.Once
	rest, events routers.Router
	err          error
	missing      bool
}

// referenceDir finds shared/reference/pagerduty: the descriptions are
// read in place, never copied into the project.
func referenceDir() (string, error) {
	p, err := reference.Path("pagerduty/rest-openapiv3.json")
	if err != nil {
		return "", err
	}
	return filepath.Dir(p), nil
}

// loadSpecs loads both descriptions. The REST one $refs a request body
// from two responses, which kin-openapi refuses: those refs are inlined as
// responses first.
func loadSpecs() (rest, events routers.Router, err error) {
	specs.once.Do(func() {
		dir, err := referenceDir()
		if err != nil {
			specs.err, specs.missing = err, true
			return
		}
		load := func(name, base string, fix func(map[string]any)) (routers.Router, error) {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if fix != nil {
				fix(doc)
			}
			// Route by path alone: the fake serves on its own host. The
			// Events API's paths hang below /v2.
			doc["servers"] = []any{map[string]any{"url": base}}
			raw, _ = json.Marshal(doc)
			loader := openapi3.NewLoader()
			t, err := loader.LoadFromData(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			// PagerDuty's file has examples and defaults that do not match
			// their own schemas (a string default on an integer); the
			// shapes, which the check is about, are valid.
			if err := t.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation()); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			return gorillamux.NewRouter(t)
		}
		specs.rest, specs.err = load("rest-openapiv3.json", "/", inlineRequestBodyRefs)
		if specs.err == nil {
			specs.events, specs.err = load("events-v2-openapiv3.json", "/v2", nil)
		}
	})
	return specs.rest, specs.events, specs.err
}

// inlineRequestBodyRefs replaces each response that $refs a request body
// with that body's content, as a response.
func inlineRequestBodyRefs(doc map[string]any) {
	comps, _ := doc["components"].(map[string]any)
	bodies, _ := comps["requestBodies"].(map[string]any)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if rs, ok := x["responses"].(map[string]any); ok {
				for code, r := range rs {
					m, _ := r.(map[string]any)
					ref, _ := m["$ref"].(string)
					const prefix = "#/components/requestBodies/"
					if len(ref) > len(prefix) && ref[:len(prefix)] == prefix {
						body, _ := bodies[ref[len(prefix):]].(map[string]any)
						resp := map[string]any{"description": "inlined from " + ref, "content": body["content"]}
						rs[code] = resp
					}
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc["paths"])
}

// check validates one exchange against router's description and returns
// what is wrong, or "".
func check(router routers.Router, req *http.Request, body []byte, rec *httptest.ResponseRecorder) string {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(r)
	if err != nil {
		return fmt.Sprintf("%s %s: no such operation: %v", req.Method, req.URL.Path, err)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return fmt.Sprintf("%s %s: request does not match the description: %v", req.Method, req.URL.Path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Sprintf("%s %s: response %d does not match the description: %v", req.Method, req.URL.Path, rec.Code, err)
	}
	return ""
}
