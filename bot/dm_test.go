package bot

import (
	"context"
	"testing"
)

// The DM channel with a user is asked of Slack once, not for every
// message to that user, and asked again after Slack refused a post to it
// for good (the conversation was closed or archived, say).
func TestGatewayOpensEachDMOnce(t *testing.T) {
	fake, g := newTestGateway(t)
	ctx := context.Background()
	for range 3 {
		dm, err := g.OpenDM(ctx, "U1")
		if err != nil || dm != fake.DM("U1") {
			t.Fatalf("OpenDM = %q, %v; want %q", dm, err, fake.DM("U1"))
		}
	}
	if n := len(fake.Calls("conversations.open")); n != 1 {
		t.Errorf("3 DMs to one user made %d conversations.open calls, want 1", n)
	}
	if _, err := g.OpenDM(ctx, "U2"); err != nil {
		t.Fatal(err)
	}
	fake.Fail("chat.postMessage", 1, "is_archived")
	if _, err := g.PostMessage(ctx, fake.DM("U1"), text("hello")); err == nil {
		t.Fatal("a post to an archived DM succeeded")
	}
	for _, u := range []string{"U1", "U2"} {
		if _, err := g.OpenDM(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.Calls("conversations.open")); n != 3 {
		t.Errorf("%d conversations.open calls, want 3: U1's DM asked again after the refused post, U2's kept", n)
	}
}
