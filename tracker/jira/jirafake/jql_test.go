package jirafake

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestJQLErrors(t *testing.T) {
	s, _ := newFake(t)
	create(t, s, "x")
	for _, tc := range []struct {
		jql  string
		want string // the whole message, or its start when it ends in "..."
	}{
		{"", "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."},
		{"ORDER BY key", "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."},
		{"labels", "Error in the JQL Query: Expecting operator before the end of the query. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 7)"},
		{"labels sg", "Error in the JQL Query: Expecting operator but got 'sg'. ..."},
		{"labels =", "Error in the JQL Query: Expecting either a value, list or function before the end of the query. (line 1, character 9)"},
		{"labels = AND", "Error in the JQL Query: Expecting either a value, list or function but got 'AND'. You must surround 'AND' in quotation marks to use it as a value. (line 1, character 10)"},
		{`labels = "sg`, "Error in the JQL Query: The quoted string 'sg' has not been completed. (line 1, character 10)"},
		{"labels = a b", "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'b'. (line 1, character 12)"},
		{"labels = a OR labels = b", "Error in the JQL Query: jirafake supports only AND ..."},
		{"labels in (a, b", "Error in the JQL Query: Expecting ')' before the end of the query. ..."},
		{"(labels = a)", "Error in the JQL Query: jirafake does not support '(' ..."},
		{"labels = a ORDER key", "Error in the JQL Query: Expecting 'by' but got 'key'. (line 1, character 18)"},
		{"labels ~ a", "The operator '~' is not supported by the 'labels' field."},
		{"labels = (a, b)", "The operator '=' does not support a list of values for the field 'labels'."},
		{"bogus = 1", "Field 'bogus' does not exist or you do not have permission to view it."},
		{"assignee = currentUser()", "Error in the JQL Query: jirafake does not support the field 'assignee'."},
		{"labels in openSprints()", "Error in the JQL Query: jirafake does not support the function 'openSprints'."},
		{"project = NOPE", "The value 'NOPE' does not exist for the field 'project'."},
		{`status = "Blocked"`, "The value 'Blocked' does not exist for the field 'status'."},
		{"statusCategory = Finished", "The value 'Finished' does not exist for the field 'statusCategory'."},
		{"key = OPS-99", "An issue with key 'OPS-99' does not exist for field 'key'."},
		{"key = 12", "The issue key '12' for field 'key' is invalid."},
		{"updated >= yesterday", "Date value 'yesterday' for field 'updated' is invalid. ..."},
		{"updated in (-1d)", "The operator 'in' is not supported by the 'updated' field."},
		{"project = OPS ORDER BY status", "Error in the JQL Query: jirafake cannot order by 'status'."},
		{"project = OPS ORDER BY nope", "Field 'nope' does not exist or you do not have permission to view it."},
	} {
		t.Run(tc.jql, func(t *testing.T) {
			r, _ := searchGet(t, s, url.Values{"jql": {tc.jql}})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			e := r.jiraErr(t)
			if len(e.ErrorMessages) != 1 {
				t.Fatalf("errorMessages %q", e.ErrorMessages)
			}
			got := e.ErrorMessages[0]
			if prefix, ok := strings.CutSuffix(tc.want, "..."); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("got %q, want it to start %q", got, prefix)
				}
			} else if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestParseJQL(t *testing.T) {
	q, err := parseJQL(`project = OPS and labels IN ("sg-1", sg2) AND updated >= -15m AND status NOT IN ('Done') order by updated desc, key`)
	if err != nil {
		t.Fatal(err)
	}
	want := &query{
		clauses: []clause{
			{field: "project", fpos: 1, op: "=", values: []value{{text: "OPS", pos: 11}}},
			{field: "labels", fpos: 19, op: "IN", list: true, values: []value{{text: "sg-1", pos: 30}, {text: "sg2", pos: 38}}},
			{field: "updated", fpos: 47, op: ">=", values: []value{{text: "-15m", pos: 58}}},
			{field: "status", fpos: 67, op: "NOT IN", list: true, values: []value{{text: "Done", pos: 82}}},
		},
		order: []orderBy{{field: "updated", pos: 99, desc: true, dir: true}, {field: "key", pos: 113}},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("got  %+v\nwant %+v", q, want)
	}
}
