package replay

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/sprintguard/sprintguard/internal/jsonwrite"
)

// jsonFlushAt is how much of the document WriteJSON holds before writing it.
const jsonFlushAt = 64 << 10

// WriteJSON prints one JSON document for scripts: what json.Encoder with
// two-space indentation prints of jsonDoc, byte for byte, but written as it
// is made. The decision rows are most of it (14 MB at 100k messages), and
// encoding the document whole held it twice in memory, compact and
// indented, at the end of the replay.
func (r *Result) WriteJSON(w io.Writer) error {
	j := &jsonOut{w: w}
	j.b = append(j.b, "{\n"...)
	j.member(1, "messages", r.Messages, true)
	j.member(1, "requests", r.Requests(), true)
	j.member(1, "skipped", r.Skipped, true)
	problems := make([]string, 0, len(r.Problems))
	for _, p := range r.Problems {
		problems = append(problems, p.String())
	}
	j.member(1, "problems", problems, true)
	j.key(1, "teams")
	j.array(1, len(r.Teams), func(i int) { j.team(r.Teams[i]) })
	if len(r.Labels) > 0 { // omitempty
		j.b = append(j.b, ",\n"...)
		j.member(1, "labels", r.Labels, false)
		j.b = append(j.b, "}\n"...)
	} else {
		j.b = append(j.b, "\n}\n"...)
	}
	return j.flush()
}

// jsonOut appends the document to b and writes it out in pieces; the
// first error is kept and ends the writing.
type jsonOut struct {
	w   io.Writer
	b   []byte
	err error
}

// indent is two spaces per level, as json.Encoder's SetIndent("", "  ").
func indent(level int) string { return strings.Repeat("  ", level) }

// key starts a member of an object at level.
func (j *jsonOut) key(level int, name string) {
	j.b = append(j.b, indent(level)...)
	j.b = jsonwrite.String(j.b, name)
	j.b = append(j.b, ": "...)
}

// member appends a member whose value encoding/json writes, indented for
// its level, and a comma when more follow.
func (j *jsonOut) member(level int, name string, v any, more bool) {
	j.key(level, name)
	val, err := json.MarshalIndent(v, indent(level), "  ")
	if err != nil && j.err == nil {
		j.err = err
	}
	j.b = append(j.b, val...)
	if more {
		j.b = append(j.b, ',')
	}
	j.b = append(j.b, '\n')
}

// array appends n elements, made by each, as the value of a member at
// level: "[]" when there are none, as encoding/json writes an empty one.
func (j *jsonOut) array(level, n int, each func(i int)) {
	if n == 0 {
		j.b = append(j.b, "[]"...)
		return
	}
	j.b = append(j.b, "[\n"...)
	for i := range n {
		each(i)
		if i < n-1 {
			j.b = append(j.b, ',')
		}
		j.b = append(j.b, '\n')
		if len(j.b) >= jsonFlushAt {
			j.flush()
		}
	}
	j.b = append(j.b, indent(level)...)
	j.b = append(j.b, ']')
}

// team appends t's object at level 2, its decision rows written by hand.
func (j *jsonOut) team(t *TeamResult) {
	jt := teamJSON(t)
	j.b = append(j.b, "    {\n"...)
	j.member(3, "team", jt.Team, true)
	j.member(3, "requests", jt.Requests, true)
	j.member(3, "by_urgency", jt.ByUrgency, true)
	j.member(3, "by_category", jt.ByCategory, true)
	j.member(3, "sprints", jt.Sprints, true)
	j.key(3, "decisions")
	j.array(3, len(t.Decisions), func(i int) {
		d := &t.Decisions[i]
		j.b = append(j.b, "        {\n"...)
		for _, f := range [...]struct{ name, val string }{
			{"channel", d.Channel}, {"user", d.User}, {"ts", d.TS},
			{"urgency", d.Urgency.String()}, {"category", d.Category}, {"rule", d.Rule},
		} {
			j.key(5, f.name)
			j.b = jsonwrite.String(j.b, f.val)
			if f.name != "rule" {
				j.b = append(j.b, ',')
			}
			j.b = append(j.b, '\n')
		}
		j.b = append(j.b, "        }"...)
	})
	j.b = append(j.b, "\n    }"...)
}

// flush writes what b holds: b is the only buffer, so that the writer
// gets pieces of about jsonFlushAt.
func (j *jsonOut) flush() error {
	if j.err == nil {
		_, j.err = j.w.Write(j.b)
	}
	j.b = j.b[:0]
	return j.err
}
