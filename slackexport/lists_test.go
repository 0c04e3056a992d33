package slackexport

import (
	"io"
	"testing"
	"testing/fstest"
)

// TestPrivateChannelsAreRead: private channels (groups.json) are walked
// like public ones, group DMs (mpims.json) and DMs (dms.json) are not, and
// a file at the root of an export inside one top folder opens by its name.
func TestPrivateChannelsAreRead(t *testing.T) {
	day := func(text string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`[{"type":"message","user":"U1","text":"` + text + `","ts":"1788249600.000100"}]`)}
	}
	fsys := fstest.MapFS{
		"x/channels.json":                    {Data: []byte(`[{"id":"C1","name":"general"}]`)},
		"x/groups.json":                      {Data: []byte(`[{"id":"G1","name":"platform-private"}]`)},
		"x/mpims.json":                       {Data: []byte(`[{"id":"G2","name":"mpdm-a--b-1"}]`)},
		"x/dms.json":                         {Data: []byte(`[{"id":"D1","members":["U1","U2"]}]`)},
		"x/users.json":                       {Data: []byte(`[]`)},
		"x/labels.jsonl":                     {Data: []byte("{}\n")},
		"x/general/2026-09-01.json":          day("public"),
		"x/platform-private/2026-09-01.json": day("private"),
		"x/mpdm-a--b-1/2026-09-01.json":      day("group"),
		"x/D1/2026-09-01.json":               day("direct"),
	}
	e, err := OpenFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	if _, err := e.Walk(func(m Message) error { got[m.ChannelName] = m.Text; return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"general": "public", "platform-private": "private", "mpdm-a--b-1": "", "D1": ""}
	for ch, text := range want {
		if got[ch] != text {
			t.Errorf("channel %s: read %q, want %q (all: %v)", ch, got[ch], text, got)
		}
	}
	if e.Folder("G1") != "platform-private" || e.Folder("nowhere") != "" {
		t.Errorf("Folder(G1) = %q, Folder(nowhere) = %q", e.Folder("G1"), e.Folder("nowhere"))
	}
	f, err := e.OpenFile("labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); string(b) != "{}\n" {
		t.Errorf("labels.jsonl read %q", b)
	}
}
