package slackfake

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func modal(title, callback, meta string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject("plain_text", title, false, false),
		Submit:          slack.NewTextBlockObject("plain_text", "Send", false, false),
		CallbackID:      callback,
		PrivateMetadata: meta,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("summary", slack.NewTextBlockObject("plain_text", "Summary", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "summary")),
		}},
	}
}

func TestOpenView(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	resp, err := api.OpenViewContext(ctx, "111.222.abc", modal("New request", "request", `{"channel":"C1"}`))
	if err != nil {
		t.Fatal(err)
	}
	v := resp.View
	if !strings.HasPrefix(v.ID, "V") || v.Hash == "" || v.Type != slack.VTModal || v.CallbackID != "request" ||
		v.PrivateMetadata != `{"channel":"C1"}` || len(v.Blocks.BlockSet) != 1 || v.Title.Text != "New request" || v.TeamID != TeamID {
		t.Errorf("view = %+v", v)
	}
	if kept, ok := s.View(v.ID); !ok || !strings.Contains(string(kept), `"callback_id":"request"`) {
		t.Errorf("View(%s) = %s, %v", v.ID, kept, ok)
	}

	noSubmit := modal("New request", "request", "")
	noSubmit.Submit = nil
	tests := []struct {
		name, trigger string
		view          slack.ModalViewRequest
		wantErr       string
	}{
		{"trigger used twice", "111.222.abc", modal("Again", "request", ""), "exchanged_trigger_id"},
		{"title too long", "t2", modal(strings.Repeat("x", maxTitle+1), "request", ""), "invalid_arguments"},
		{"metadata too long", "t3", modal("Request", "request", strings.Repeat("x", maxPrivateMetadata+1)), "invalid_arguments"},
		{"inputs without submit", "t4", noSubmit, "invalid_arguments"},
		{"home view in a modal", "t5", slack.ModalViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}, "invalid_arguments"},
		{"fine", "t6", modal("Request", "request", ""), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.OpenViewContext(ctx, tt.trigger, tt.view)
			if got := slackError(err); got != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestUpdateViewHash(t *testing.T) {
	_, api := newClient(t)
	ctx := context.Background()
	opened := modal("Request", "request", "")
	opened.ExternalID = "req-1"
	resp, err := api.OpenViewContext(ctx, "t1", opened)
	if err != nil {
		t.Fatal(err)
	}
	id, hash := resp.View.ID, resp.View.Hash

	updated, err := api.UpdateViewContext(ctx, modal("Resolve", "resolve", ""), "", hash, id)
	if err != nil {
		t.Fatalf("update with the current hash: %v", err)
	}
	if updated.View.ID != id || updated.View.Hash == hash || updated.View.CallbackID != "resolve" {
		t.Errorf("updated view = %+v", updated.View)
	}
	tests := []struct {
		name, externalID, hash, viewID, wantErr string
	}{
		{"stale hash", "", hash, id, "hash_conflict"},
		{"no hash", "", "", id, ""},
		{"unknown view", "", "", "V404", "not_found"},
		{"by external id", "req-1", "", "", ""},
		{"by unknown external id", "req-404", "", "", "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.UpdateViewContext(ctx, modal("Resolve", "resolve", ""), tt.externalID, tt.hash, tt.viewID)
			if got := slackError(err); got != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
	t.Run("renamed external id", func(t *testing.T) {
		renamed := modal("Resolve", "resolve", "")
		renamed.ExternalID = "req-2"
		if _, err := api.UpdateViewContext(ctx, renamed, "req-1", "", ""); err != nil {
			t.Fatal(err)
		}
		resp, err := api.UpdateViewContext(ctx, modal("Resolve", "resolve", ""), "req-2", "", "")
		if err != nil || resp.View.ID != id || resp.View.ExternalID != "req-2" {
			t.Errorf("update by the new external_id = %+v, %v", resp, err)
		}
		if _, err := api.UpdateViewContext(ctx, modal("Resolve", "resolve", ""), "req-1", "", ""); slackError(err) != "not_found" {
			t.Errorf("update by the old external_id: %v", err)
		}
	})
}

func TestPublishView(t *testing.T) {
	s, api := newClient(t)
	ctx := context.Background()
	home := func(text string) slack.HomeTabViewRequest {
		return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", text, false, false), nil, nil),
		}}}
	}
	for _, text := range []string{"first", "second"} {
		if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home(text)}); err != nil {
			t.Fatal(err)
		}
	}
	raw, ok := s.HomeView("U1")
	var v slack.View
	if !ok || json.Unmarshal(raw, &v) != nil || v.Type != slack.VTHomeTab {
		t.Fatalf("HomeView = %s, %v", raw, ok)
	}
	if !strings.Contains(string(raw), "second") || strings.Contains(string(raw), "first") {
		t.Errorf("HomeView keeps %s, want the last one", raw)
	}
	if _, ok := s.HomeView("U2"); ok {
		t.Error("U2 has a Home tab nobody published")
	}
	stale := "1.0"
	_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home("third"), Hash: &stale})
	if slackError(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
}
