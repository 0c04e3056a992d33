package pagerdutyfake

import (
	"github.com/sprintguard/sprintguard/internal/reference"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCheckCatchesWrongShapes shows that the description check can fail:
// a response or an event PagerDuty would not send is reported.
func TestCheckCatchesWrongShapes(t *testing.T) {
	rest, events, err := loadSpecs()
	if err != nil && specs.missing && !reference.Required() {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, target, body, resp string
		code                             int
		router                           string
	}{
		{"oncalls is not a list", "GET", "/oncalls?since=2026-11-23T09:00:00Z", "", `{"oncalls": {"user": 1}, "limit": 25, "offset": 0, "more": false}`, 200, "rest"},
		{"unknown event action", "POST", "/v2/enqueue", `{"routing_key":"0123456789abcdef0123456789abcdef","event_action":"explode"}`, `{"status":"success"}`, 202, "events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/json")
			rec.WriteHeader(tt.code)
			rec.WriteString(tt.resp)
			router := rest
			if tt.router == "events" {
				router = events
			}
			if problem := check(router, req, []byte(tt.body), rec); problem == "" {
				t.Error("check passed a shape the description forbids")
			}
		})
	}
}
