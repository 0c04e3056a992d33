package jirafake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// GoneMessage is Jira Cloud's answer (410) on the removed search paths.
const GoneMessage = "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"

// Page sizes of /search/jql.
const (
	DefaultMaxResults = 50
	MaxMaxResults     = 100
)

func (c *call) searchGone() reply { return jiraError(http.StatusGone, GoneMessage) }

type searchReq struct {
	jql    string
	max    int
	token  string
	fields []string
}

func (c *call) searchGet() reply {
	q := c.r.URL.Query()
	req := searchReq{jql: q.Get("jql"), token: q.Get("nextPageToken"), fields: q["fields"]}
	if m := q.Get("maxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return jiraError(http.StatusBadRequest, fmt.Sprintf("The value '%s' is not valid for the parameter 'maxResults'.", m))
		}
		req.max = n
	}
	return c.search(req)
}

var searchBeanKeys = []string{"jql", "maxResults", "nextPageToken", "fields", "expand", "properties",
	"fieldsByKeys", "reconcileIssues"}

func (c *call) searchPost() reply {
	top, bad := decodeObject(c.body, "com.atlassian.jira.rest.v2.search.SearchAndReconcileRequestBean", searchBeanKeys...)
	if bad != nil {
		return *bad
	}
	var req searchReq
	for name, dst := range map[string]any{"jql": &req.jql, "maxResults": &req.max, "nextPageToken": &req.token, "fields": &req.fields} {
		if isNull(top[name]) {
			continue
		}
		if err := json.Unmarshal(top[name], dst); err != nil {
			return jiraError(http.StatusBadRequest, fmt.Sprintf("Can not deserialize the value of '%s'.", name))
		}
	}
	return c.search(req)
}

func (c *call) search(req searchReq) reply {
	s := c.s
	q, err := parseJQL(req.jql)
	if err != nil {
		return jqlReply(err)
	}
	match, order, err := s.compile(q, s.now())
	if err != nil {
		return jqlReply(err)
	}
	var hits []*issue
	for _, is := range s.issues {
		if match(is) {
			hits = append(hits, is)
		}
	}
	slices.SortStableFunc(hits, order)

	max := req.max
	if max <= 0 {
		max = DefaultMaxResults
	}
	max = min(max, MaxMaxResults)
	start := 0
	if req.token != "" {
		if start, err = readToken(req.token, req.jql); err != nil {
			return jiraError(http.StatusBadRequest, "The provided next page token is invalid or expired.")
		}
	}
	start = min(start, len(hits))
	end := min(start+max, len(hits))
	fs := parseFields(req.fields, false)
	list := []any{}
	for _, is := range hits[start:end] {
		list = append(list, c.issueJSON(is, fs))
	}
	body := map[string]any{"issues": list, "isLast": end >= len(hits)}
	if end < len(hits) {
		body["nextPageToken"] = makeToken(end, req.jql)
	}
	return reply{status: http.StatusOK, body: body}
}

func jqlReply(err error) reply {
	var je *jqlError
	if errors.As(err, &je) {
		return jiraError(http.StatusBadRequest, je.msg)
	}
	return jiraError(http.StatusBadRequest, err.Error())
}

// A page token is the offset of the next page, bound to its query so a
// token is refused with another JQL, as Jira's are.
func makeToken(offset int, jql string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d|%x", offset, jqlHash(jql))))
}

func readToken(tok, jql string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, fmt.Errorf("decode token: %w", err)
	}
	off, hash, ok := strings.Cut(string(raw), "|")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || n < 0 || hash != fmt.Sprintf("%x", jqlHash(jql)) {
		return 0, errors.New("token does not belong to this query")
	}
	return n, nil
}

func jqlHash(jql string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(jql))
	return h.Sum64()
}
