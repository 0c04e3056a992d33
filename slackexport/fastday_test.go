package slackexport

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var fastDayCases = []string{
	`[]`,
	` [ ] `,
	`[{"type":"message","user":"U1","text":"hello\nworld \"quoted\" \/ \u00e9","ts":"1767710400.000200"}]`,
	`[{"ts":"1767710400.000200","thread_ts":"1767710300.000100","reply_count":0,"subtype":"thread_broadcast"}]`,
	`[{"ts":"1","reply_count":3,"edited":{"user":"U1","ts":"2"},"reactions":[{"name":"+1","users":["U1","U2"],"count":2},{"name":"eyes","users":[]}]}]`,
	`[{"ts":"1","blocks":[{"type":"rich_text","elements":[{"text":"a]}\"b"}]}],"files":null,"is_starred":true,"n":-1.5e3}]`,
	`[{"ts":"1","user":null}]`,
	`[{"ts":"1","subtype":"file_share","text":"","files":[{"id":"F1","name":"image.png","title":"the dashboard is blank","mimetype":"image/png","size":1024},{"id":"F2","mode":"hidden_by_limit"}]}]`,
	`[{"ts":"1","files":[]}]`,
	`[{"ts":"1","files":[{"name":"a.log","name":"b.log"}]}]`,
	`[{"ts":"1","files":[{"title":"a"}],"files":[{"name":"b"}]}]`,
	`[{"ts":"1","Files":[{"title":"a"}]}]`,
	`[{"ts":"1","files":[{"Title":"a"}]}]`,
	`[{"ts":"1","files":[{"title":null}]}]`,
	`[{"ts":"1","files":[{"title":5}]}]`,
	`[{"ts":"1","files":[null]}]`,
	`[{"ts":"1","files":"image.png"}]`,
	`[{"ts":1}]`,
	`[{"TS":"1"}]`,
	`[{"ts":"1","Text":"cased"}]`,
	`[{"ts":"1","ts":"2"}]`,
	`[{"ts":"1","reply_count":1.0}]`,
	`[{"ts":"1","reply_count":99999999999999999999}]`,
	`[{"ts":"1","edited":null}]`,
	`[{"ts":"1","edited":{"user":5}}]`,
	`[{"ts":"1","edited":{"USER":5}}]`,
	`[{"ts":"1","reactions":null}]`,
	`[{"ts":"1","reactions":[{"name":"x","users":null}]}]`,
	`[{"ts":"1","reactions":["x"]}]`,
	`[{"type":"file","ts":"1"}]`,
	`[{"user":"U1"}]`,
	`[{"ts":"yesterday"}]`,
	`[{"ts":"1","thread_ts":"x"}]`,
	`[{"ts":"1"}, 7]`,
	`[{"ts":"1"} {"ts":"2"}]`,
	`[{"ts":"1" "x":1}]`,
	`[{"ts":"1","x":tru}]`,
	`[{"ts":"1","x":[1 2]}]`,
	`[{"ts":"1","x":01}]`,
	`[{"ts":"1"}`,
	`[{"ts":"1","reactions":[{"name":"x"} {"name":"y"}]}]`,
	`[{"ts":"1","edited":{"user":"U1" "ts":"2"}}]`,
	`[] []`,
	`[{"ts":"1"},]`,
	`[{"ts":"1"}] trailing`,
	"\xef\xbb\xbf[{\"ts\":\"1\"}]",
	`[{"ts":"1","text":"lone \ud83d surrogate and pair \ud83d\ude00"}]`,
	"[{\"ts\":\"1\",\"text\":\"bad \xff utf8\"}]",
	`{"ts":"1"}`,
	``,
}

func TestFastDayAgreesWithDecodeArray(t *testing.T) {
	for _, c := range fastDayCases {
		t.Run(c, func(t *testing.T) { checkFastDay(t, []byte(c)) })
	}
	// Every day file of the example export takes the fast path.
	root := filepath.Join("..", "examples", "slack-export")
	fast := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Dir(path) == root || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if checkFastDay(t, data) {
			fast++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fast == 0 {
		t.Error("no day file of the example export took the fast path")
	}
}

func FuzzFastDay(f *testing.F) {
	for _, c := range fastDayCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFastDay(t, data) })
}

// checkFastDay wants fastDay, when it takes a file, to make exactly the
// messages the careful path makes, and the careful path to find no problem.
func checkFastDay(t *testing.T, data []byte) bool {
	t.Helper()
	ch := Channel{ID: "C1", Name: "general"}
	prefix := []Message{{TS: "0"}}
	got, ok := fastDay(prefix, ch, "general/2026-01-06.json", data)
	if !ok {
		return false
	}
	want, problems := decodeDayCarefully(nil, nil, ch, "general/2026-01-06.json", data)
	if len(problems) > 0 {
		t.Fatalf("%q: fast path took a file with problems: %v", data, problems)
	}
	if !reflect.DeepEqual(got[0], prefix[0]) || !reflect.DeepEqual(got[1:], append([]Message{}, want...)) && !(len(got) == 1 && len(want) == 0) {
		t.Fatalf("%q:\nfast %#v\nslow %#v", data, got[1:], want)
	}
	return true
}
