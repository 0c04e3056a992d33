package slackexport

import (
	"bytes"
	"fmt"
)

// Problem is a malformed file or element of an export that was reported and
// skipped; the rest of the export is still read. Line and Column are 1-based
// and count bytes, like the Go compiler's positions; both are 0 when the
// problem concerns a whole file that could not be opened.
type Problem struct {
	File   string // path inside the export, e.g. "general/2026-09-01.json"
	Line   int
	Column int
	Msg    string
}

// String formats the problem as "file:line:column: message", the form
// editors and CI annotations understand.
func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Column, p.Msg)
}

// position converts a byte offset in data into a 1-based line and column.
// Offsets past the end are clamped so a truncated file still gets a
// position on its last line.
func position(data []byte, offset int64) (line, column int) {
	off := int(max(0, min(offset, int64(len(data)))))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	column = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, column
}
