package slackexport

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzOpenFS feeds arbitrary bytes as channels.json and users.json, next to
// a valid day file in the folder general/. OpenFS must not fail (both files
// exist), every problem must point inside its file, channels must have
// unique ids and usable folder names, users must be filed under their own
// id, files without problems must have become one channel or user per
// element, and Walk must read the day file once for every channel whose
// folder it is.
func FuzzOpenFS(f *testing.F) {
	channels, err := os.ReadFile("../examples/slack-export/channels.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(channels, []byte(`[{"id": "U0PLAT001", "name": "alice.martin", "real_name": "Alice Martin", "profile": {"display_name": "alice"}},
 {"id": "USLACKBOT", "name": "slackbot", "is_bot": false}, {"id": "B01", "is_bot": true, "profile": {"bot_id": "B01"}}]`))
	const day = "general/2026-09-01.json"
	dayFile := []byte(`[{"type": "message", "user": "U0PLAT001", "text": "hi", "ts": "1788249900.000100"}]`)
	f.Fuzz(func(t *testing.T, channels, users []byte) {
		defer guardHang(channels, users)()
		fsys := fstest.MapFS{
			"channels.json": {Data: channels},
			"users.json":    {Data: users},
			day:             {Data: dayFile},
		}
		e, err := OpenFS(fsys)
		if err != nil {
			t.Fatalf("OpenFS: %v", err)
		}
		files := map[string][]byte{"channels.json": channels, "users.json": users}
		for _, p := range e.Problems {
			data, placed := files[p.File]
			switch {
			case p.File == "" || p.Msg == "":
				t.Errorf("problem without a file or a message: %+v", p)
			case placed && (p.Line < 1 || p.Line > bytes.Count(data, []byte{'\n'})+1 || p.Column < 1):
				t.Errorf("problem out of its file: %+v", p)
			}
		}
		inGeneral := map[string]bool{} // ids of the channels whose folder is general/
		for i, c := range e.Channels {
			if got, ok := e.Channel(c.ID); !ok || got.ID != c.ID || got.Name != c.Name {
				t.Errorf("Channel(%q) = %+v, %v; want channels[%d] %+v", c.ID, got, ok, i, c)
			}
			if c.ID == "" || !fs.ValidPath(c.Name) || c.Name == "." || strings.Contains(c.Name, "/") {
				t.Errorf("channel %d kept with an unusable id or name: %+v", i, c)
			}
			if c.Name == "general" || c.ID == "general" {
				inGeneral[c.ID] = true
			}
		}
		for id, u := range e.Users {
			if id == "" || u.ID != id {
				t.Errorf("user %+v filed under %q", u, id)
			}
		}
		if problemsIn(e.Problems, "channels.json") == 0 {
			if n := elements(t, "channels.json", channels); n != len(e.Channels) {
				t.Errorf("no problem in channels.json, but %d of its %d elements became channels", len(e.Channels), n)
			}
		}
		if problemsIn(e.Problems, "users.json") == 0 {
			if n := elements(t, "users.json", users); n != len(e.Users) {
				t.Errorf("no problem in users.json, but %d of its %d elements became users", len(e.Users), n)
			}
		}

		var got []string
		if _, err := e.Walk(func(m Message) error {
			got = append(got, m.Channel)
			return nil
		}); err != nil {
			t.Fatalf("Walk: %v", err)
		}
		if len(got) != len(inGeneral) {
			t.Fatalf("Walk read %s for channels %q, want once for each of %v", day, got, inGeneral)
		}
		for _, id := range got {
			if !inGeneral[id] {
				t.Fatalf("Walk read %s for channel %q, whose folder it is not", day, id)
			}
		}
	})
}

func problemsIn(problems []Problem, file string) int {
	n := 0
	for _, p := range problems {
		if p.File == file {
			n++
		}
	}
	return n
}

// elements counts the elements of the JSON array data; a file that is not
// one must have had a problem reported.
func elements(t *testing.T, file string, data []byte) int {
	t.Helper()
	var elems []json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &elems); err != nil {
		t.Fatalf("no problem reported for %s, which is not a JSON array: %v", file, err)
	}
	return len(elems)
}

// hangLimit is how long one fuzzed call may run before it counts as hung:
// far beyond any real input, which takes milliseconds.
const hangLimit = 10 * time.Second

// guardHang crashes the fuzz worker when the call it guards runs past
// hangLimit, so that the fuzzer records the input, since Go's fuzzer
// would otherwise wait on a hung worker for the whole -timeout. Outside
// fuzzing it does nothing, so that ordinary test runs never depend on time.
// Call the returned function when the call returns.
func guardHang(input ...[]byte) (stop func()) {
	if f := flag.Lookup("test.fuzz"); f == nil || f.Value.String() == "" {
		return func() {}
	}
	timer := time.AfterFunc(hangLimit, func() {
		panic(fmt.Sprintf("still running after %v on input %q", hangLimit, input))
	})
	return func() { timer.Stop() }
}
