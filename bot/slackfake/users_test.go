package slackfake

import (
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// shapePaths reads the user fields Slack's published shape has.
func shapePaths(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("testdata/users.info.paths")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			out[line] = true
		}
	}
	return out
}

// paths lists the JSON paths of every field in v.
func paths(prefix string, v map[string]any) []string {
	var out []string
	for k, x := range v {
		p := strings.TrimPrefix(prefix+"."+k, ".")
		out = append(out, p)
		if m, ok := x.(map[string]any); ok {
			out = append(out, paths(p, m)...)
		}
	}
	sort.Strings(out)
	return out
}

// users.info and users.lookupByEmail answer with a user in Slack's shape:
// no field Slack lacks, and the names sprintguard reads always present.
func TestUserInfoHasSlacksShape(t *testing.T) {
	s := New(t)
	s.AddUser(slack.User{ID: "U0ANA", Name: "ana", RealName: "Ana Lima",
		Profile: slack.UserProfile{RealName: "Ana Lima", DisplayName: "ana.l", Email: "ana@example.com", FirstName: "Ana", LastName: "Lima"}})
	s.AddUser(slack.User{ID: "U0BEN", Name: "ben"})
	allowed := shapePaths(t)
	required := []string{"id", "team_id", "name", "deleted", "real_name", "tz", "tz_offset", "profile",
		"profile.real_name", "profile.display_name", "profile.display_name_normalized", "profile.team", "is_bot", "updated"}
	calls := []struct {
		name, method string
		form         url.Values
	}{
		{"a person", "users.info", url.Values{"user": {"U0ANA"}}},
		{"a person without a profile", "users.info", url.Values{"user": {"U0BEN"}}},
		{"the bot", "users.info", url.Values{"user": {BotUserID}}},
		{"by email", "users.lookupByEmail", url.Values{"email": {"ana@example.com"}}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			c.form.Set("token", botToken)
			_, _, body := rawCall(t, s, c.method, c.form, nil)
			user, ok := body["user"].(map[string]any)
			if body["ok"] != true || !ok {
				t.Fatalf("%s answered %v", c.method, body)
			}
			got := paths("", user)
			for _, p := range got {
				if !allowed[p] {
					t.Errorf("user field %s is not in Slack's shape", p)
				}
			}
			for _, p := range required {
				if !slices.Contains(got, p) {
					t.Errorf("user field %s missing", p)
				}
			}
		})
	}
	_, api := s, slack.New(botToken, slack.OptionAPIURL(s.APIURL()))
	u, err := api.GetUserInfo("U0ANA")
	if err != nil || u.Profile.DisplayName != "ana.l" || u.RealName != "Ana Lima" || u.Profile.Email != "ana@example.com" {
		t.Fatalf("slack-go decodes %+v, %v", u, err)
	}
}
