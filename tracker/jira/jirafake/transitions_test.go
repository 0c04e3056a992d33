package jirafake

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

type transitionsBody struct {
	Transitions []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		To   struct {
			Name           string `json:"name"`
			StatusCategory struct {
				Key  string `json:"key"`
				Name string `json:"name"`
			} `json:"statusCategory"`
		} `json:"to"`
	} `json:"transitions"`
}

// offered returns "id name->to(category)" for each transition offered now.
func offered(t *testing.T, s *Server, key string) []string {
	t.Helper()
	r := do(t, s, "GET", "/rest/api/2/issue/"+key+"/transitions?expand=transitions.fields", nil)
	if r.status != http.StatusOK {
		t.Fatalf("transitions: %d %s", r.status, r.body)
	}
	var b transitionsBody
	r.decode(t, &b)
	out := []string{}
	for _, tr := range b.Transitions {
		out = append(out, tr.ID+" "+tr.Name+"->"+tr.To.Name+"("+tr.To.StatusCategory.Key+")")
	}
	return out
}

func transition(t *testing.T, s *Server, key, id string) resp {
	t.Helper()
	return do(t, s, "POST", "/rest/api/2/issue/"+key+"/transitions", map[string]any{"transition": map[string]any{"id": id}})
}

func TestDefaultWorkflowTransitionsPerStatus(t *testing.T) {
	for _, tc := range []struct {
		status string
		want   []string
	}{
		{"To Do", []string{"11 Start Progress->In Progress(indeterminate)", "21 Done->Done(done)"}},
		{"In Progress", []string{"21 Done->Done(done)", "41 Stop Progress->To Do(new)"}},
		{"Done", []string{"31 Reopen->To Do(new)"}},
	} {
		t.Run(tc.status, func(t *testing.T) {
			s, _ := newFake(t)
			key := create(t, s, "x")
			s.SetStatus(key, tc.status)
			if got := offered(t, s, key); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("offered %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDoTransition(t *testing.T) {
	s, c := newFake(t)
	key := create(t, s, "x")
	c.advance(time.Minute)

	r := transition(t, s, key, "31")
	if r.status != http.StatusBadRequest || string(r.body) != `{"errorMessages":["Transition id '31' is not valid for this issue."],"errors":{}}` {
		t.Errorf("Reopen from To Do: %d %s", r.status, r.body)
	}
	if r := transition(t, s, key, "21"); r.status != http.StatusNoContent {
		t.Fatalf("Done: %d %s", r.status, r.body)
	}
	is, _ := s.Issue(key)
	if is.Status != "Done" || is.Resolution != "Done" || !is.Updated.Equal(t0.Add(time.Minute)) {
		t.Errorf("after Done: %+v", is)
	}
	got := do(t, s, "GET", "/rest/api/2/issue/"+key, nil).obj(t)
	if get(got, "fields", "resolution", "name") != "Done" || get(got, "fields", "status", "statusCategory", "key") != "done" {
		t.Errorf("fields after Done: %v", got["fields"])
	}
	// A numeric id is accepted too.
	if r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/transitions", `{"transition":{"id":31}}`); r.status != http.StatusNoContent {
		t.Fatalf("Reopen: %d %s", r.status, r.body)
	}
	if is, _ := s.Issue(key); is.Status != "To Do" || is.Resolution != "" {
		t.Errorf("after Reopen: %+v", is)
	}

	for _, tc := range []struct {
		name string
		body string
	}{
		{"no transition", `{}`},
		{"fields not on a screen", `{"transition":{"id":"11"},"fields":{"resolution":{"name":"Done"}}}`},
		{"misspelled key", `{"transitions":{"id":"11"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/transitions", tc.body)
			if r.status != http.StatusBadRequest {
				t.Errorf("status %d: %s", r.status, r.body)
			}
			r.jiraErr(t)
			if is, _ := s.Issue(key); is.Status != "To Do" {
				t.Errorf("status moved to %s", is.Status)
			}
		})
	}
}

func TestTransitionWithComment(t *testing.T) {
	s, _ := newFake(t)
	key := create(t, s, "x")
	r := do(t, s, "POST", "/rest/api/2/issue/"+key+"/transitions",
		`{"transition":{"id":"11"},"update":{"comment":[{"add":{"body":"on it"}}]}}`)
	if r.status != http.StatusNoContent {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if is, _ := s.Issue(key); is.Status != "In Progress" || !reflect.DeepEqual(is.Comments, []string{"on it"}) {
		t.Errorf("%+v", is)
	}
}

func customWorkflow() Workflow {
	return Workflow{
		Initial: "Triage",
		Statuses: []Status{
			{Name: "Triage", Category: "new"}, {Name: "Doing", Category: "indeterminate"},
			{Name: "Shipped", Category: "done"}, {Name: "Won't do", Category: "done"},
		},
		Transitions: []Transition{
			{ID: "101", Name: "Pick up", From: []string{"Triage"}, To: "Doing"},
			{ID: "102", Name: "Ship it", From: []string{"Doing"}, To: "Shipped"},
			{ID: "103", Name: "Decline", To: "Won't do"},
			{ID: "104", Name: "Back to triage", From: []string{"Doing", "Shipped", "Won't do"}, To: "Triage"},
		},
	}
}

func TestCustomWorkflow(t *testing.T) {
	s, _ := newFake(t)
	s.SetWorkflow(customWorkflow())
	key := create(t, s, "x")
	if is, _ := s.Issue(key); is.Status != "Triage" {
		t.Fatalf("new issue in %q, want Triage", is.Status)
	}
	for _, tc := range []struct {
		status string
		want   []string
	}{
		{"Triage", []string{"101 Pick up->Doing(indeterminate)", "103 Decline->Won't do(done)"}},
		{"Doing", []string{"102 Ship it->Shipped(done)", "103 Decline->Won't do(done)", "104 Back to triage->Triage(new)"}},
		{"Shipped", []string{"103 Decline->Won't do(done)", "104 Back to triage->Triage(new)"}},
		// The global Decline is not offered into the status the issue is in.
		{"Won't do", []string{"104 Back to triage->Triage(new)"}},
	} {
		t.Run(tc.status, func(t *testing.T) {
			s.SetStatus(key, tc.status)
			if got := offered(t, s, key); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("offered %q, want %q", got, tc.want)
			}
		})
	}
	s.SetStatus(key, "Triage")
	for _, id := range []string{"101", "102"} {
		if r := transition(t, s, key, id); r.status != http.StatusNoContent {
			t.Fatalf("transition %s: %d %s", id, r.status, r.body)
		}
	}
	if is, _ := s.Issue(key); is.Status != "Shipped" || is.Resolution != "Done" {
		t.Errorf("after Pick up, Ship it: %+v", is)
	}
	if r := transition(t, s, key, "11"); r.status != http.StatusBadRequest {
		t.Errorf("default workflow's id in the custom one: %d", r.status)
	}
}

func TestPersonChangesBumpUpdated(t *testing.T) {
	s, c := newFake(t)
	s.AddUser("acc-bo", "bo@acme.com", "Bo")
	key := create(t, s, "x")
	c.advance(time.Minute)
	s.SetStatus(key, "Done")
	is, _ := s.Issue(key)
	if is.Resolution != "Done" || !is.Updated.Equal(t0.Add(time.Minute)) {
		t.Errorf("SetStatus Done: %+v", is)
	}
	c.advance(time.Minute)
	s.SetAssignee(key, "acc-bo")
	s.SetStatus(key, "In Progress")
	is, _ = s.Issue(key)
	if is.Resolution != "" || is.Assignee != "acc-bo" || !is.Updated.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("SetAssignee, SetStatus In Progress: %+v", is)
	}
}
