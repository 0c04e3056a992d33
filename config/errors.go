package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a file. Line and Column are 1-based; zero
// means the problem concerns the whole file. Error values are immutable and
// safe to use from any goroutine.
type Error struct {
	File   string
	Line   int
	Column int
	Msg    string
	Hint   string
	// Err is the underlying cause when there is one (for example the
	// *fs.PathError of a file that could not be read), so that callers can
	// use errors.Is(err, fs.ErrNotExist).
	Err error
}

// Error formats the problem as "FILE:LINE: msg (hint)", the form editors and
// CI annotations understand. The hint is shown only when there is one.
// oneLine escapes line breaks that values quoted from the file may hold, so
// that each problem stays on its own FILE:LINE: line.
var oneLine = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`)

func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	b.WriteString(oneLine.Replace(e.Msg))
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(oneLine.Replace(e.Hint))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying cause, or nil.
func (e Error) Unwrap() error { return e.Err }

// Errors is every problem found, sorted by file, then line, then column.
// It is what Load, Parse, CheckSlack and CheckTracker return on failure;
// like Error, it is a plain value that any goroutine may read.
type Errors []Error

// Error joins the problems with newlines, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns each problem, so that errors.As and errors.Is look into
// every one of them.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// sorted returns the problems in file/line/column order with exact
// duplicates removed: the same mistake reached through two paths (a rules
// file shared by two teams, a YAML alias) must be reported once.
func (es Errors) sorted() Errors {
	out := make(Errors, 0, len(es))
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		key := fmt.Sprintf("%s\x00%d\x00%d\x00%s\x00%s", e.File, e.Line, e.Column, e.Msg, e.Hint)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return out
}
