package slackexport

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/fstest"
)

// FuzzWalkDayFile feeds arbitrary bytes as one channel's day file. Walk must
// not panic, every problem must point inside the file, every message must
// carry a valid timestamp, and a file without problems must be a JSON array
// whose every element became a message.
func FuzzWalkDayFile(f *testing.F) {
	f.Add([]byte(`[{"type": "message", "user": "U1", "text": "hi", "ts": "1788249900.000100"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "general/2026-09-01.json"
		fsys := fstest.MapFS{
			"channels.json": {Data: []byte(`[{"id": "C0GENERAL", "name": "general"}]`)},
			"users.json":    {Data: []byte(`[{"id": "U1", "name": "alice"}]`)},
			file:            {Data: data},
		}
		e, err := OpenFS(fsys)
		if err != nil {
			t.Fatalf("OpenFS: %v", err)
		}
		var msgs []Message
		problems, err := e.Walk(func(m Message) error {
			msgs = append(msgs, m)
			return nil
		})
		if err != nil {
			t.Fatalf("Walk: %v", err)
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, p := range problems {
			if p.File != file || p.Line < 1 || p.Line > lines || p.Column < 1 || p.Msg == "" {
				t.Errorf("problem out of the file: %+v (file has %d lines)", p, lines)
			}
		}
		for _, m := range msgs {
			ts, err := ParseTS(m.TS)
			if err != nil || !ts.Equal(m.Time) || m.Channel != "C0GENERAL" || m.File != file {
				t.Errorf("bad message: %+v", m)
			}
		}
		if len(problems) == 0 {
			var elems []json.RawMessage
			if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &elems); err != nil {
				t.Fatalf("no problem reported for a file that is not a JSON array: %v", err)
			}
			if len(elems) != len(msgs) {
				t.Fatalf("no problem reported, but %d of %d elements became messages", len(msgs), len(elems))
			}
		}
	})
}
