package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Limits of a view object.
const (
	maxTitle           = 24
	maxPrivateMetadata = 3000
	maxCallbackID      = 255
)

// view is a modal or Home tab as Slack keeps it: the fields the app sent,
// plus the ones Slack adds (id, hash, state...).
type view struct {
	id         string
	hash       string
	externalID string
	fields     map[string]json.RawMessage
}

func (v *view) json() json.RawMessage { return mustJSON(v.fields) }

type viewFields struct {
	Type            string          `json:"type"`
	Title           *textObject     `json:"title"`
	Submit          *textObject     `json:"submit"`
	Close           *textObject     `json:"close"`
	Blocks          json.RawMessage `json:"blocks"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
	ExternalID      string          `json:"external_id"`
}

// checkView validates the view a views.* call sent, against Slack's limits
// for its type, and returns its fields.
func checkView(r *request, wantType string) (map[string]json.RawMessage, viewFields, error) {
	var fields map[string]json.RawMessage
	var v viewFields
	raw := r.raw("view")
	if len(raw) == 0 || json.Unmarshal(raw, &fields) != nil || json.Unmarshal(raw, &v) != nil {
		return nil, v, fail("invalid_arguments", "[ERROR] missing required field: view [json-pointer:/view]")
	}
	var msgs []string
	bad := func(format, path string, args ...any) {
		msgs = append(msgs, fmt.Sprintf("[ERROR] "+format+" [json-pointer:/view%s]", append(args, path)...))
	}
	if v.Type != wantType {
		bad("must be %q", "/type", wantType)
	}
	if wantType == "modal" {
		if v.Title == nil {
			bad("missing required field: title", "")
		}
		for path, t := range map[string]*textObject{"/title": v.Title, "/submit": v.Submit, "/close": v.Close} {
			if t != nil && t.Type != "plain_text" {
				bad("must be a plain_text object", path)
			}
			if t != nil && utf8.RuneCountInString(t.Text) > maxTitle {
				bad("must be less than %d characters", path+"/text", maxTitle+1)
			}
		}
	}
	if utf8.RuneCountInString(v.PrivateMetadata) > maxPrivateMetadata {
		bad("must be less than %d characters", "/private_metadata", maxPrivateMetadata+1)
	}
	if utf8.RuneCountInString(v.CallbackID) > maxCallbackID {
		bad("must be less than %d characters", "/callback_id", maxCallbackID+1)
	}
	if len(v.Blocks) == 0 || string(v.Blocks) == "null" {
		bad("missing required field: blocks", "")
	} else {
		if _, errs := checkBlocks(v.Blocks, maxViewBlocks, "/view/blocks"); errs != nil {
			msgs = append(msgs, errs...)
		}
		var blocks []block
		if json.Unmarshal(v.Blocks, &blocks) == nil && hasInputBlock(blocks) && v.Submit == nil && wantType == "modal" {
			bad("submit is required when an input block is present", "/submit")
		}
	}
	if len(msgs) > 0 {
		return nil, v, fail("invalid_arguments", msgs...)
	}
	return fields, v, nil
}

// storeViewLocked gives a view the fields Slack adds and keeps it.
func (s *Server) storeViewLocked(v *view, fields map[string]json.RawMessage, f viewFields) {
	if v.id == "" {
		v.id = s.nextIDLocked("V")
		s.views[v.id] = v
	}
	s.seq++
	v.hash = fmt.Sprintf("%d.%08x", firstTS/1_000_000, s.seq)
	// A view keeps its external_id when an update does not name one.
	switch {
	case f.ExternalID == "":
		f.ExternalID = v.externalID
	case f.ExternalID != v.externalID:
		delete(s.external, v.externalID)
	}
	if f.ExternalID != "" {
		s.external[f.ExternalID] = v.id
		fields["external_id"] = mustJSON(f.ExternalID)
	}
	v.externalID = f.ExternalID
	for k, def := range map[string]string{"private_metadata": `""`, "callback_id": `""`, "external_id": `""`} {
		if _, ok := fields[k]; !ok {
			fields[k] = json.RawMessage(def)
		}
	}
	fields["id"] = mustJSON(v.id)
	fields["team_id"] = mustJSON(TeamID)
	fields["hash"] = mustJSON(v.hash)
	fields["state"] = json.RawMessage(`{"values":{}}`)
	fields["root_view_id"] = mustJSON(v.id)
	fields["previous_view_id"] = json.RawMessage("null")
	fields["app_id"] = mustJSON(AppID)
	fields["app_installed_team_id"] = mustJSON(TeamID)
	fields["bot_id"] = mustJSON(BotID)
	v.fields = fields
}

// openView serves views.open and views.push; a trigger_id opens one view
// only, as Slack exchanges it on first use.
func (s *Server) openView(r *request) (obj, error) {
	trigger := r.get("trigger_id")
	switch {
	case trigger == "":
		return nil, fail("invalid_trigger_id")
	case s.triggers[trigger]:
		return nil, fail("exchanged_trigger_id")
	}
	fields, f, err := checkView(r, "modal")
	if err != nil {
		return nil, err
	}
	if _, dup := s.external[f.ExternalID]; dup && f.ExternalID != "" {
		return nil, fail("duplicate_external_id")
	}
	s.triggers[trigger] = true
	v := &view{}
	s.storeViewLocked(v, fields, f)
	return obj{"view": v.json()}, nil
}

func (s *Server) pushView(r *request) (obj, error) { return s.openView(r) }

func (s *Server) updateView(r *request) (obj, error) {
	id := r.get("view_id")
	if id == "" {
		id = s.external[r.get("external_id")]
	}
	if id == "" && r.get("external_id") == "" {
		return nil, fail("invalid_arguments", "[ERROR] either view_id or external_id is required")
	}
	v := s.views[id]
	if v == nil {
		return nil, fail("not_found")
	}
	if h := r.get("hash"); h != "" && h != v.hash {
		return nil, fail("hash_conflict")
	}
	fields, f, err := checkView(r, "modal")
	if err != nil {
		return nil, err
	}
	if other, dup := s.external[f.ExternalID]; dup && f.ExternalID != "" && other != v.id {
		return nil, fail("duplicate_external_id")
	}
	s.storeViewLocked(v, fields, f)
	return obj{"view": v.json()}, nil
}

// publishView keeps the last Home tab published for each user.
func (s *Server) publishView(r *request) (obj, error) {
	user := r.get("user_id")
	if user == "" {
		return nil, fail("invalid_arguments", "[ERROR] missing required field: user_id")
	}
	v := s.views[s.home[user]]
	if h := r.get("hash"); h != "" && v != nil && h != v.hash {
		return nil, fail("hash_conflict")
	}
	fields, f, err := checkView(r, "home")
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = &view{}
	}
	s.storeViewLocked(v, fields, f)
	s.home[user] = v.id
	return obj{"view": v.json()}, nil
}

// View returns a modal or Home tab as Slack keeps it now, by view id.
func (s *Server) View(id string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.views[id]; v != nil {
		return v.json(), true
	}
	return nil, false
}

// HomeView returns the last Home tab published for a user.
func (s *Server) HomeView(user string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.views[s.home[user]]; v != nil {
		return v.json(), true
	}
	return nil, false
}
