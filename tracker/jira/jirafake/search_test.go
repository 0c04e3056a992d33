package jirafake

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

type searchBody struct {
	Issues []struct {
		ID     string         `json:"id"`
		Key    string         `json:"key"`
		Fields map[string]any `json:"fields"`
	} `json:"issues"`
	IsLast        bool    `json:"isLast"`
	NextPageToken *string `json:"nextPageToken"`
}

func searchGet(t *testing.T, s *Server, params url.Values) (resp, searchBody) {
	t.Helper()
	r := do(t, s, "GET", "/rest/api/3/search/jql?"+params.Encode(), nil)
	var b searchBody
	if r.status == http.StatusOK {
		r.decode(t, &b)
	}
	return r, b
}

// keys runs a search by GET and returns the keys found, in order.
func keys(t *testing.T, s *Server, jql string) []string {
	t.Helper()
	r, b := searchGet(t, s, url.Values{"jql": {jql}, "fields": {"summary"}})
	if r.status != http.StatusOK {
		t.Fatalf("%q: %d %s", jql, r.status, r.body)
	}
	out := []string{}
	for _, is := range b.Issues {
		out = append(out, is.Key)
	}
	return out
}

func TestSearchPagesWithNextPageToken(t *testing.T) {
	s, c := newFake(t)
	for i := range 120 {
		s.AddIssue(Issue{Summary: fmt.Sprint("issue ", i), Labels: []string{"sg"}})
		c.advance(time.Second)
	}
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			var seen []string
			var sizes []int
			token := ""
			for page := 0; ; page++ {
				if page > 5 {
					t.Fatal("paging does not end")
				}
				var r resp
				var b searchBody
				if method == "GET" {
					p := url.Values{"jql": {"labels = sg ORDER BY key"}, "fields": {"summary,updated"}}
					if token != "" {
						p.Set("nextPageToken", token)
					}
					r, b = searchGet(t, s, p)
				} else {
					body := map[string]any{"jql": "labels = sg ORDER BY key", "fields": []string{"summary", "updated"}}
					if token != "" {
						body["nextPageToken"] = token
					}
					r = do(t, s, "POST", "/rest/api/2/search/jql", body)
					if r.status == http.StatusOK {
						r.decode(t, &b)
					}
				}
				if r.status != http.StatusOK {
					t.Fatalf("page %d: %d %s", page, r.status, r.body)
				}
				sizes = append(sizes, len(b.Issues))
				for _, is := range b.Issues {
					seen = append(seen, is.Key)
					if is.Fields["summary"] == nil || is.Fields["updated"] == nil || len(is.Fields) != 2 {
						t.Errorf("fields of %s: %v", is.Key, is.Fields)
					}
				}
				if b.IsLast {
					if b.NextPageToken != nil {
						t.Errorf("last page has nextPageToken %q", *b.NextPageToken)
					}
					break
				}
				if b.NextPageToken == nil || *b.NextPageToken == "" {
					t.Fatalf("page %d is not last but has no nextPageToken", page)
				}
				token = *b.NextPageToken
			}
			if !reflect.DeepEqual(sizes, []int{50, 50, 20}) {
				t.Errorf("page sizes %v, want [50 50 20]", sizes)
			}
			if len(seen) != 120 || seen[0] != "OPS-1" || seen[9] != "OPS-10" || seen[119] != "OPS-120" {
				t.Errorf("saw %d keys: first %v last %v", len(seen), seen[:min(10, len(seen))], seen[len(seen)-1])
			}
		})
	}
}

func TestSearchMaxResultsAndTokens(t *testing.T) {
	s, _ := newFake(t)
	for range 120 {
		s.AddIssue(Issue{Summary: "x"})
	}
	for _, tc := range []struct {
		max  string
		want int
	}{{"", 50}, {"10", 10}, {"500", 100}} {
		t.Run("maxResults="+tc.max, func(t *testing.T) {
			p := url.Values{"jql": {"project = OPS"}}
			if tc.max != "" {
				p.Set("maxResults", tc.max)
			}
			_, b := searchGet(t, s, p)
			if len(b.Issues) != tc.want {
				t.Errorf("%d issues, want %d", len(b.Issues), tc.want)
			}
		})
	}
	_, b := searchGet(t, s, url.Values{"jql": {"project = OPS"}})
	t.Run("token of another query", func(t *testing.T) {
		r, _ := searchGet(t, s, url.Values{"jql": {"project = OPS ORDER BY key"}, "nextPageToken": {*b.NextPageToken}})
		if r.status != http.StatusBadRequest {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("garbage token", func(t *testing.T) {
		r, _ := searchGet(t, s, url.Values{"jql": {"project = OPS"}, "nextPageToken": {"%%%"}})
		if r.status != http.StatusBadRequest {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
	t.Run("ids only by default", func(t *testing.T) {
		is := b.Issues[0]
		if is.ID == "" || is.Key != "" || is.Fields != nil {
			t.Errorf("default search issue %+v, want the id alone", is)
		}
	})
}

func TestSearchFilters(t *testing.T) {
	s, c := newFake(t)
	s.AddProject("WEB")
	s.AddIssue(Issue{Summary: "a", Labels: []string{"sg", "sg-1"}})                        // OPS-1 at 10:00
	c.advance(10 * time.Minute)                                                            //
	s.AddIssue(Issue{Summary: "b", Labels: []string{"sg", "sg-2"}, Status: "In Progress"}) // OPS-2 at 10:10
	c.advance(10 * time.Minute)                                                            //
	s.AddIssue(Issue{Summary: "c", Status: "Done"})                                        // OPS-3 at 10:20
	s.AddIssue(Issue{Project: "WEB", Summary: "d", Labels: []string{"sg"}})                // WEB-1 at 10:20
	c.advance(10 * time.Minute)                                                            // now 10:30

	for _, tc := range []struct {
		jql  string
		want []string
	}{
		{"labels = sg ORDER BY key", []string{"OPS-1", "OPS-2", "WEB-1"}},
		{`labels = "sg-2"`, []string{"OPS-2"}},
		{"labels in (sg-1, 'sg-2') ORDER BY key ASC", []string{"OPS-1", "OPS-2"}},
		{"labels != sg-1 ORDER BY key", []string{"OPS-2", "WEB-1"}},
		{"labels is EMPTY", []string{"OPS-3"}},
		{"project = OPS AND labels = sg ORDER BY key DESC", []string{"OPS-2", "OPS-1"}},
		{"project = web", []string{"WEB-1"}},
		{"project in (OPS, WEB) and key = OPS-3", []string{"OPS-3"}},
		{"issuekey in (OPS-1, WEB-1) ORDER BY key", []string{"OPS-1", "WEB-1"}},
		{`status = "In Progress"`, []string{"OPS-2"}},
		{"status = done", []string{"OPS-3"}},
		{"statusCategory = Done", []string{"OPS-3"}},
		{"statusCategory != new ORDER BY key", []string{"OPS-2", "OPS-3"}},
		{`statusCategory = "In Progress"`, []string{"OPS-2"}},
		{"statusCategory = indeterminate", []string{"OPS-2"}},
		{"updated >= -15m ORDER BY key", []string{"OPS-3", "WEB-1"}},
		{"updated >= -1h ORDER BY updated ASC, key ASC", []string{"OPS-1", "OPS-2", "OPS-3", "WEB-1"}},
		{"updated >= -1h ORDER BY updated DESC, key", []string{"OPS-3", "WEB-1", "OPS-2", "OPS-1"}},
		{`updated >= "2026/11/23 10:10" ORDER BY key`, []string{"OPS-2", "OPS-3", "WEB-1"}},
		{`updated > "2026-11-23 10:10" ORDER BY key`, []string{"OPS-3", "WEB-1"}},
		{`updated < "2026/11/23 10:10"`, []string{"OPS-1"}},
		{`created >= "2026/11/23" AND project = WEB`, []string{"WEB-1"}},
		{`updated >= "2026/11/24"`, []string{}},
	} {
		t.Run(tc.jql, func(t *testing.T) {
			if got := keys(t, s, tc.jql); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// Jira compares dates at the minute: an issue updated at 10:00:30 is not
// "updated > 10:00".
func TestSearchDatesAreMinuteGrained(t *testing.T) {
	s, c := newFake(t)
	c.advance(30 * time.Second)
	s.AddIssue(Issue{Summary: "a"})
	if got := keys(t, s, `updated > "2026/11/23 10:00"`); len(got) != 0 {
		t.Errorf("> 10:00 found %v", got)
	}
	if got := keys(t, s, `updated = "2026/11/23 10:00"`); len(got) != 1 {
		t.Errorf("= 10:00 found %v", got)
	}
}

func TestSearchSeesChangesMadeInJira(t *testing.T) {
	s, c := newFake(t)
	key := create(t, s, "x", "sg")
	c.advance(time.Hour)
	if got := keys(t, s, "labels = sg AND updated >= -15m"); len(got) != 0 {
		t.Fatalf("nothing changed yet, found %v", got)
	}
	s.SetStatus(key, "Done")
	if got := keys(t, s, "labels = sg AND updated >= -15m AND statusCategory = Done"); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("after SetStatus found %v", got)
	}
}

func TestOldSearchIsGone(t *testing.T) {
	s, _ := newFake(t)
	want := `{"errorMessages":["The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"],"errors":{}}`
	for _, path := range []string{"/rest/api/2/search", "/rest/api/3/search"} {
		for _, method := range []string{"GET", "POST"} {
			t.Run(method+" "+path, func(t *testing.T) {
				var body any
				if method == "POST" {
					body = map[string]any{"jql": "project = OPS"}
				}
				r := do(t, s, method, path+"?jql=project%3DOPS", body)
				if r.status != http.StatusGone || string(r.body) != want {
					t.Errorf("%d %s", r.status, r.body)
				}
			})
		}
	}
}

func TestSearchPostIsStrict(t *testing.T) {
	s, _ := newFake(t)
	for _, body := range []string{`{"query":"project = OPS"}`, `{"jql":"project = OPS","maxResults":"ten"}`, `{"jql":"project = OPS","fields":"summary"}`} {
		r := do(t, s, "POST", "/rest/api/3/search/jql", body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "errorMessages") {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}
