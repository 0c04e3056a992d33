package slackfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

const botToken = "xoxb-test-token"

func newClient(t *testing.T) (*Server, *slack.Client) {
	t.Helper()
	s := New(t)
	return s, slack.New(botToken, slack.OptionAPIURL(s.APIURL()))
}

// rawCall posts a form to a method the way any client may, and decodes the
// answer, so tests see exactly what the fake sends.
func rawCall(t *testing.T, s *Server, method string, form url.Values, header http.Header) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: decode answer: %v", method, err)
	}
	return resp.StatusCode, resp.Header, body
}

// slackError returns the Slack error code in err, "" when there is none.
func slackError(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return e.Err
	}
	return ""
}
