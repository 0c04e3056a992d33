package learn

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sprintguard/sprintguard/internal/plural"
	"github.com/sprintguard/sprintguard/internal/typo"
)

// labelRecord is one record of a labels file, JSON or CSV, as written:
// ReadLabels and ReadMessageLabels each check the keys they need. Its
// tags are jsonRecord's fast path: plain strings decode several times
// faster than a type of their own that takes numbers too.
type labelRecord struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Text      string `json:"text"`
	Summary   string `json:"summary"`
	Details   string `json:"details"`
	Type      string `json:"type"`
	Impact    string `json:"impact"`
	Channel   string `json:"channel"`
	Urgency   string `json:"urgency"`
	Interrupt string `json:"interrupt"`
	Category  string `json:"category"`
	Split     string `json:"split"`
	// TS, TimeSpent and Action are the keys of a label beside a Slack
	// export (see ReadMessageLabels).
	TS        string `json:"ts"`
	TimeSpent string `json:"time_spent"`
	Action    string `json:"action"`
}

// labelKeys are the keys a labels file may use, for CSV headers and errors.
var labelKeys = []string{"id", "url", "text", "summary", "details", "type", "impact", "channel", "ts",
	"urgency", "interrupt", "category", "split", "time_spent", "action"}

// labelAliases maps the column names that teams' exports use to labelKeys:
// Jira's Priority and Description, GitHub's title and body.
var labelAliases = map[string]string{
	"priority": "urgency", "description": "details", "body": "details", "title": "summary",
}

// BOM is the byte order mark that spreadsheets and some editors write
// first in a UTF-8 file.
const BOM = "\ufeff"

// labelKey returns the key that a JSON key or CSV column name stands for,
// matched without case and with spaces or hyphens taken for underscores
// ("Time Spent" is time_spent), or the name so normalised when it is none.
func labelKey(name string) string {
	k := strings.ToLower(strings.TrimSpace(name))
	k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
	if a, ok := labelAliases[k]; ok {
		return a
	}
	return k
}

// set stores value under key (a labelKey) and ignores any other key: a
// team's export carries more (an assignee, a status). The first of two
// names for one key that has a value wins, so that urgency beside
// priority, or summary beside title, is the one read.
func (rec *labelRecord) set(key, value string) {
	var f *string
	switch key {
	case "id":
		f = &rec.ID
	case "url":
		f = &rec.URL
	case "text":
		f = &rec.Text
	case "summary":
		f = &rec.Summary
	case "details":
		f = &rec.Details
	case "type":
		f = &rec.Type
	case "impact":
		f = &rec.Impact
	case "channel":
		f = &rec.Channel
	case "ts":
		f = &rec.TS
	case "urgency":
		f = &rec.Urgency
	case "interrupt":
		f = &rec.Interrupt
	case "category":
		f = &rec.Category
	case "split":
		f = &rec.Split
	case "time_spent":
		f = &rec.TimeSpent
	case "action":
		f = &rec.Action
	default:
		return
	}
	if strings.TrimSpace(*f) == "" {
		*f = value
	}
}

// unknownKey returns an error for a key or column (what) named k that is
// not one of labelKeys but is a typo of one, and nil for any other name.
// A short name counts as a typo only one edit away: "team" and "time", two
// from "text" and "type", are keys an export has of its own.
func unknownKey(what, k string) error {
	key := labelKey(k)
	if slices.Contains(labelKeys, key) || len(key) < 3 {
		return nil
	}
	if s := typo.Closest(key, labelKeys); s != "" && (len(key) >= 7 || typo.Distance(key, s) <= 1) {
		return fmt.Errorf("unknown %s %q; did you mean %q?", what, k, s)
	}
	return nil
}

// maxLabelErrors bounds the errors reported for one file: a file in the
// wrong format would otherwise print one per line.
const maxLabelErrors = 20

// labelErrors collects a labels file's errors, up to maxLabelErrors, and
// counts the rest.
type labelErrors struct {
	errs []error
	more int
}

func (e *labelErrors) add(err error) {
	if len(e.errs) < maxLabelErrors {
		e.errs = append(e.errs, err)
		return
	}
	e.more++
}

// err joins the errors, ending with "and N more problems" when some were
// left out, or returns nil when there were none.
func (e *labelErrors) err() error {
	if e.more > 0 {
		return errors.Join(append(e.errs, fmt.Errorf("and %d more %s", e.more, plural.Noun(float64(e.more), "problem")))...)
	}
	return errors.Join(e.errs...)
}

// utf8Text returns a labels file as UTF-8 without a byte order mark. A
// UTF-16 file with its mark (Excel's "Unicode Text") is decoded; one
// without it, or a file that is not UTF-8 (Windows-1252, Latin-1), is an
// error naming the file, and the line for the latter, since its labels
// would otherwise be scored with mangled text.
func utf8Text(file string, data []byte) ([]byte, error) {
	if order := UTF16Order(data); order != nil {
		return decodeUTF16(data[2:], order), nil
	}
	data = bytes.TrimPrefix(data, []byte(BOM))
	if utf8.Valid(data) {
		if bytes.IndexByte(data, 0) >= 0 {
			return nil, fmt.Errorf("%s is UTF-16 (or another encoding with NUL bytes); save it as UTF-8", file)
		}
		return data, nil
	}
	// Only a file that is not UTF-8 gets here: the usual file is
	// validated once, as a whole.
	for n, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return nil, fmt.Errorf("%s:%d: not UTF-8 text (Windows-1252 or Latin-1, as some spreadsheets save CSV); save it as UTF-8 (in Excel: CSV UTF-8)", file, n+1)
		}
	}
	return data, nil // not reached: some line is invalid
}

// UTF16Order returns the byte order of UTF-16 text that data starts with
// the byte order mark of, or nil when it starts with none. It is safe to
// call concurrently.
func UTF16Order(data []byte) binary.ByteOrder {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return binary.BigEndian
	}
	return nil
}

// decodeUTF16 decodes UTF-16 text without its byte order mark; an odd
// last byte is dropped.
func decodeUTF16(b []byte, order binary.ByteOrder) []byte {
	units := make([]uint16, len(b)/2)
	for i := range units {
		units[i] = order.Uint16(b[2*i:])
	}
	return []byte(string(utf16.Decode(units)))
}

// readLabelFile reads the records of a labels file in any shape a team
// brings one: JSON Lines, a JSON array or pretty-printed objects, or CSV
// (or tab- or semicolon-separated text) with a header row, in UTF-8 or
// UTF-16. It calls add with each record and its line, or with the line's
// error; an error it returns is about the file as a whole and names it.
// Lines starting with '#' before or between JSON lines are comments.
func readLabelFile(file string, data []byte, add func(int, labelRecord, error)) error {
	data, err := utf8Text(file, data)
	if err != nil {
		return err
	}
	switch first, jsonl := jsonShape(data); first {
	case 0:
		return nil
	case '[':
		readJSONArray(data, add)
		return nil
	case '{':
		if jsonl {
			readJSONL(data, add)
			return nil
		}
		readJSONObjects(data, add)
		return nil
	}
	if err := readCSV(data, add); err != nil {
		return fmt.Errorf("%s:%w", file, err)
	}
	return nil
}

// jsonShape returns the first byte of the first line that is neither blank
// nor a comment (0 for none), and whether every such line is one JSON
// object, as in JSON Lines.
func jsonShape(data []byte) (first byte, jsonl bool) {
	jsonl = true
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if first == 0 {
			first = line[0]
		}
		if line[0] != '{' {
			jsonl = false
		}
	}
	return first, jsonl
}

func readJSONL(data []byte, add func(int, labelRecord, error)) {
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		rec, err := jsonRecord(line)
		add(n+1, rec, err)
	}
}

// readJSONArray reads a JSON array of objects, each at the line where it
// starts. A syntax error ends the file, since the objects after it cannot
// be told apart; it is added as its line's error, after the records
// before it.
func readJSONArray(data []byte, add func(int, labelRecord, error)) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// start is where the value being read starts: the offset the decoder
	// gives is where the last one ended, before the comma and the space.
	start := 0
	skip := func() {
		start = int(dec.InputOffset())
		for start < len(data) && strings.IndexByte(", \t\r\n", data[start]) >= 0 {
			start++
		}
	}
	// line is the line of offset counted, each value's start: counted
	// from the last one, since counting from the top for every value was
	// quadratic in the file.
	line, counted := 1, 0
	lineAt := func(offset int) int {
		offset = min(offset, len(data))
		line += bytes.Count(data[counted:offset], []byte("\n"))
		counted = offset
		return line
	}
	syntax := func(err error) {
		add(lineAt(start), labelRecord{}, notJSON(err))
	}
	if _, err := dec.Token(); err != nil {
		syntax(err)
		return
	}
	for dec.More() {
		skip()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			syntax(err)
			return
		}
		rec, err := jsonRecord(raw)
		add(lineAt(start), rec, err)
	}
	skip()
	if _, err := dec.Token(); err != nil {
		syntax(err)
		return
	}
	skip()
	if dec.More() {
		syntax(errors.New("more after the array"))
	}
}

// notJSON is the error of a record that is not JSON at all.
func notJSON(err error) error {
	if strings.Contains(err.Error(), `'\n' in string literal`) {
		// An export that wrote a message's line breaks as they are.
		return fmt.Errorf("not JSON: %v (a line break inside a string: write it as \\n)", err)
	}
	return fmt.Errorf("not JSON: %v (write one object per line, or a JSON array of objects)", err)
}

// readJSONObjects reads JSON objects one after another, each on a line of
// its own or over several lines as an editor pretty-prints them, each at
// the line where it starts; a line starting with '#' between them is a
// comment. Every bad record is added as its line's error and the reading
// goes on at the next line: a raw newline inside a string, which breaks a
// JSON Lines record in two, hides no other line's error. When some record
// does span lines, the lines after a broken one up to the next line
// starting with '{' are its rest, not errors of their own.
func readJSONObjects(data []byte, add func(int, labelRecord, error)) {
	type entry struct {
		line int
		rec  labelRecord
		err  error
		// rest says the line does not start with '{' and follows a
		// record that is not JSON: it may be that record's rest.
		rest bool
	}
	var entries []entry
	spans, broken := false, false
	line, off := 1, 0
	for off < len(data) {
		end := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			end = off + i
		}
		text := bytes.TrimSpace(data[off:end])
		next := min(end+1, len(data))
		switch {
		case len(text) == 0 || text[0] == '#':
		case text[0] != '{':
			_, err := jsonRecord(text)
			entries = append(entries, entry{line: line, err: err, rest: broken})
		case json.Valid(text):
			broken = false
			rec, err := jsonRecord(text)
			entries = append(entries, entry{line: line, rec: rec, err: err})
		default:
			// The object goes on past its line, or is broken.
			start := off + bytes.Index(data[off:end], text)
			dec := json.NewDecoder(bytes.NewReader(data[start:]))
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				broken = true
				entries = append(entries, entry{line: line, err: notJSON(err)})
				break
			}
			broken = false
			stop := start + int(dec.InputOffset())
			rec, err := jsonRecord(raw)
			entries = append(entries, entry{line: line, rec: rec, err: err})
			if bytes.IndexByte(data[start:stop], '\n') >= 0 {
				spans = true
			}
			// Go on after the object: what follows it on its last line
			// (a comma, another object) is read as a line of its own.
			for stop < len(data) && (data[stop] == ',' || data[stop] == ' ' || data[stop] == '\t' || data[stop] == '\r') {
				stop++
			}
			line += bytes.Count(data[off:stop], []byte("\n"))
			off = stop
			if off < len(data) && data[off] == '\n' {
				off++
				line++
			}
			continue
		}
		line++
		off = next
	}
	for _, e := range entries {
		if spans && e.rest {
			continue
		}
		add(e.line, e.rec, e.err)
	}
}

// jsonRecord reads one JSON object. A string, number, boolean or null
// value is taken as its text; a key that is a typo of a known one is an
// error, since its label would otherwise be lost without a word.
func jsonRecord(raw []byte) (labelRecord, error) {
	// The usual record, of known keys and string values only, is decoded
	// once into a struct: going through a map first took twice as long
	// over 100k. Any other (a number, a boolean, a key of another name)
	// takes the map.
	var rec labelRecord
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if dec.Decode(&rec) == nil && !dec.More() {
		return rec, nil
	}
	rec = labelRecord{}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil || keys == nil {
		if err == nil {
			err = errors.New("null")
		}
		return rec, fmt.Errorf("not a labelled request: %v (write one JSON object per line with keys %s)", jsonProblem(err), strings.Join(labelKeys, ", "))
	}
	var problems []string
	for k, v := range keys {
		key := labelKey(k)
		if !slices.Contains(labelKeys, key) {
			if err := unknownKey("key", k); err != nil {
				problems = append(problems, err.Error())
			}
			continue
		}
		s, err := jsonText(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", k, err))
			continue
		}
		rec.set(key, s)
	}
	if len(problems) > 0 {
		slices.Sort(problems) // map order would change from run to run
		return rec, errors.New(strings.Join(problems, "; "))
	}
	return rec, nil
}

// jsonProblem words a JSON error without naming Go types: "cannot
// unmarshal array into Go value of type map[string]json.RawMessage" is a
// value that is not an object.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "a JSON " + te.Value + ", not an object"
	}
	return err.Error()
}

// jsonText is a JSON value as text: a string as is, null as "", a number
// or a boolean as written.
func jsonText(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", nil
	case v[0] == '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case v[0] == '{' || v[0] == '[':
		return "", errors.New("want a string or a number, not an object or a list")
	}
	return string(v), nil
}

// readCSV reads records; an error it returns is about the file as a whole
// and starts with the line, for the caller to prefix with the file name.
func readCSV(data []byte, add func(int, labelRecord, error)) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("1: cannot read the CSV header: %v", err)
	}
	keys := make([]string, len(header))
	known := false
	for i, h := range header {
		if err := unknownKey("column", h); err != nil {
			return fmt.Errorf("1: %v (the columns are %s)", err, strings.Join(labelKeys, ", "))
		}
		keys[i] = labelKey(h)
		known = known || slices.Contains(labelKeys, keys[i])
	}
	if !known {
		return fmt.Errorf("1: the header names none of the columns %s (split at %q: write the file with ',', ';' or tabs between the columns)", strings.Join(labelKeys, ","), r.Comma)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			// FieldPos is only defined for a record read without error.
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			add(line, labelRecord{}, fmt.Errorf("not CSV: %v", err))
			return nil // the reader cannot go on after a quoting error
		}
		line, _ := r.FieldPos(0)
		if !slices.ContainsFunc(row, func(f string) bool { return strings.TrimSpace(f) != "" }) {
			continue // a spreadsheet's empty row, a blank line
		}
		if len(row) != len(header) {
			add(line, labelRecord{}, fmt.Errorf("has %s, the header has %d", plural.Count(len(row), "field"), len(header)))
			continue
		}
		var rec labelRecord
		for i, v := range row {
			rec.set(keys[i], v)
		}
		add(line, rec, nil)
	}
}

// delimiter returns the CSV delimiter of data from its header line: the
// one of ',', ';' and tab that splits it into the most columns a labels
// file has, ',' on a tie. A spreadsheet in a locale whose decimal mark is
// a comma saves CSV with ';', and one copied from a table has tabs.
func delimiter(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	best, most := ',', -1
	for _, d := range []rune{',', ';', '\t'} {
		n := 0
		for _, h := range strings.Split(string(header), string(d)) {
			if slices.Contains(labelKeys, labelKey(strings.Trim(strings.TrimSpace(h), `"`))) {
				n++
			}
		}
		if n > most {
			best, most = d, n
		}
	}
	return best
}
