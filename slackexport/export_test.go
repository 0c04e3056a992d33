package slackexport

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/sprintguard/sprintguard/internal/ziptest"
)

func TestOpenLayouts(t *testing.T) {
	const fixture = "testdata/export"
	tests := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"directory", func(*testing.T) string { return fixture }},
		{"zip with files at the root", func(t *testing.T) string { return ziptest.Dir(t, fixture, "", nil) }},
		{"zip with one top-level folder", func(t *testing.T) string {
			return ziptest.Dir(t, fixture, "Acme Slack export Sep 1 2026 - Sep 2 2026", map[string]string{
				"__MACOSX/Acme Slack export Sep 1 2026 - Sep 2 2026/._channels.json": "resource fork",
				".DS_Store": "finder",
			})
		}},
		{"directory holding one export folder", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.CopyFS(filepath.Join(dir, "acme-export"), os.DirFS(fixture)); err != nil {
				t.Fatal(err)
			}
			return dir
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Open(tt.path(t))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer func() {
				if err := e.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			var names []string
			for _, c := range e.Channels {
				names = append(names, c.Name)
			}
			if want := []string{"general", "platform-help", "deploys", "random"}; !slices.Equal(names, want) {
				t.Errorf("channels = %v, want %v", names, want)
			}
			if len(e.Users) != 8 {
				t.Errorf("len(Users) = %d, want 8", len(e.Users))
			}
			var got []string
			problems, err := e.Walk(func(m Message) error {
				got = append(got, m.ChannelName+" "+m.TS)
				return nil
			})
			if err != nil || len(problems) != 0 {
				t.Fatalf("Walk = %v, %v; want no problems", problems, err)
			}
			if len(got) != 13 {
				t.Errorf("walked %d messages, want 13: %v", len(got), got)
			}
			if want := []string{"2026-08-31", "2026-09-01", "2026-09-02"}; !slices.Equal(e.Dates(), want) {
				t.Errorf("Dates = %v, want %v", e.Dates(), want)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	notZip := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(notZip, []byte("PK? no, plain text"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    func(t *testing.T) string
		notExp  bool // want ErrNotExport
		missing bool // want fs.ErrNotExist
	}{
		{"missing path", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, false, true},
		{"file that is not a zip", func(*testing.T) string { return notZip }, false, false},
		{"empty directory", func(t *testing.T) string { return t.TempDir() }, true, false},
		{"zip without channels.json", func(t *testing.T) string {
			return ziptest.Dir(t, "testdata/export/general", "general", nil)
		}, true, false},
		{"zip with two top-level folders", func(t *testing.T) string {
			return ziptest.Dir(t, "testdata/export", "a", map[string]string{"b/channels.json": "[]"})
		}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Open(tt.path(t))
			if err == nil {
				e.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if got := errors.Is(err, ErrNotExport); got != tt.notExp {
				t.Errorf("errors.Is(%v, ErrNotExport) = %v, want %v", err, got, tt.notExp)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.missing {
				t.Errorf("errors.Is(%v, fs.ErrNotExist) = %v, want %v", err, got, tt.missing)
			}
		})
	}
}

func TestChannelsAndUsers(t *testing.T) {
	e, err := Open("testdata/export")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ph, ok := e.Channel("C0PLATHELP")
	if !ok {
		t.Fatal("Channel(C0PLATHELP) not found")
	}
	if ph.Name != "platform-help" || ph.Purpose != "Ask the platform team & friends" ||
		len(ph.Members) != 5 || ph.Created.Unix() != 1735689600 || ph.Created.Location().String() != "UTC" {
		t.Errorf("platform-help = %+v", ph)
	}
	if g, _ := e.Channel("C0GENERAL"); !g.IsGeneral {
		t.Errorf("general is not marked is_general: %+v", g)
	}
	if _, ok := e.Channel("D0ABCDEF1"); ok {
		t.Error("a DM from dms.json was listed as a channel")
	}
	tests := []struct {
		id               string
		label, email, tz string
		isBot, deleted   bool
	}{
		{"U0PLAT001", "alice", "alice@acme.io", "America/Chicago", false, false},
		{"U0PLAT002", "Bilal Haddad", "bilal@acme.io", "America/Chicago", false, false},
		{"U0DATA001", "eva.lö", "eva@acme.io", "Europe/Berlin", false, false},
		{"U0OLD0001", "Zoe Former", "zoe@acme.io", "Europe/London", false, true},
		{"U0BOTPAGE", "pagerbot", "pagerbot@acme.io", "America/Los_Angeles", true, false},
		{"USLACKBOT", "Slackbot", "slackbot@acme.io", "America/Los_Angeles", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			u, ok := e.Users[tt.id]
			if !ok {
				t.Fatal("user missing")
			}
			if u.Label() != tt.label || u.Email != tt.email || u.TZ != tt.tz || u.IsBot != tt.isBot || u.Deleted != tt.deleted {
				t.Errorf("user = %+v (label %q), want label %q email %q tz %q bot %v deleted %v",
					u, u.Label(), tt.label, tt.email, tt.tz, tt.isBot, tt.deleted)
			}
		})
	}
}

func TestOpenFSMissingUsers(t *testing.T) {
	fsys := fstest.MapFS{
		"channels.json":           {Data: []byte(`[{"id": "C1", "name": "general"}]`)},
		"general/2026-09-01.json": {Data: []byte(`[{"type": "message", "user": "U1", "text": "hi", "ts": "1788249900.000100"}]`)},
	}
	e, err := OpenFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	problems, err := e.Walk(func(m Message) error {
		n++
		if !e.IsTopLevelHuman(m) {
			t.Errorf("message from an unknown user is not top-level human: %+v", m)
		}
		return nil
	})
	if err != nil || n != 1 {
		t.Fatalf("Walk = %d messages, %v; want 1, nil", n, err)
	}
	if len(problems) != 1 || problems[0].String() != "users.json: missing: names and bot flags of users are unknown" {
		t.Errorf("problems = %v, want the missing users.json reported", problems)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		name string
		user User
		want string
	}{
		{"display name first", User{ID: "U1", Name: "a", RealName: "Alice Martin", DisplayName: "alice"}, "alice"},
		{"real name when no display name", User{ID: "U1", Name: "a", RealName: "Alice Martin"}, "Alice Martin"},
		{"blank display name is ignored", User{ID: "U1", Name: "a", RealName: "Alice Martin", DisplayName: "  "}, "Alice Martin"},
		{"user name", User{ID: "U1", Name: "alice"}, "alice"},
		{"id as a last resort", User{ID: "U1"}, "U1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.user.Label(); got != tt.want {
				t.Errorf("Label() = %q, want %q", got, tt.want)
			}
		})
	}
}
