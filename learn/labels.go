package learn

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/typo"
)

// labelRecord is one labelled request as written in a labels file, JSONL or
// CSV (whose header names the same keys).
type labelRecord struct {
	ID        string         `json:"id"`
	URL       string         `json:"url"`
	Text      string         `json:"text"`
	Summary   string         `json:"summary"`
	Details   string         `json:"details"`
	Type      string         `json:"type"`
	Impact    string         `json:"impact"`
	Channel   string         `json:"channel"`
	Urgency   string         `json:"urgency"`
	Interrupt interruptLabel `json:"interrupt"`
	Category  string         `json:"category"`
	Split     string         `json:"split"`
}

// interruptLabel is a labels file's interrupt: a string ("yes", "no"), or
// the JSON true, false, 1 or 0 that a file written by a program tends to
// hold, kept as written for example to judge.
type interruptLabel string

// UnmarshalJSON takes a string, a boolean, a number or null.
func (f *interruptLabel) UnmarshalJSON(data []byte) error {
	var s string
	switch data := string(data); {
	case data == "null":
	case data == "true" || data == "false" || data == "0" || data == "1":
		s = data
	default:
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			return fmt.Errorf("interrupt must be yes or no (or true or false), got %s", data)
		}
	}
	*f = interruptLabel(s)
	return nil
}

// labelKeys are the keys a labels file may use, for CSV headers and errors.
var labelKeys = []string{"id", "url", "text", "summary", "details", "type", "impact", "channel", "urgency", "interrupt", "category", "split"}

// BOM is the byte order mark that spreadsheets and some editors write
// first in a UTF-8 file.
const BOM = "\ufeff"

// ruleCategory returns the rules' own spelling of category, which a
// labels file may write in another case or with spaces around it, and
// whether the rules assign it. With categories nil every category is
// known, as written.
func ruleCategory(category string, categories []string) (string, bool) {
	category = strings.TrimSpace(category)
	if categories == nil || slices.Contains(categories, category) {
		return category, true
	}
	for _, c := range categories {
		if strings.EqualFold(c, category) {
			return c, true
		}
	}
	return category, false
}

// maxLabelErrors bounds the errors reported for one file: a file in the
// wrong format would otherwise print one per line.
const maxLabelErrors = 20

// ReadLabels parses a labels file: JSON Lines (one object per line) when its
// first non-blank byte is '{', CSV with a header row otherwise. Every record
// needs text (or summary), urgency (P1..P4) and category; interrupt, when
// given, must agree with urgency; and when categories is not nil, the
// category must be one of them (the categories the rules assign), in
// every split, since the file is one set of labels for those rules. Every
// problem is reported, all of a line's on its line, as "FILE:LINE: what is
// wrong; what else is wrong", and then no example is returned. Keys (or CSV
// columns) other than labelKeys are ignored, unless one is a typo of one of
// them, which is an error. It is safe to call concurrently.
func ReadLabels(file string, data []byte, categories []string) ([]Example, error) {
	data = bytes.TrimPrefix(data, []byte(BOM))
	// An Example is large: growing the slice by appending copied each
	// one several times over 100k lines.
	out := make([]Example, 0, bytes.Count(data, []byte("\n"))+1)
	var errs []error
	// An id given twice means a bad export, as a message labelled twice
	// does in ReadMessageLabels: either label may be the wrong one.
	firstAt := map[string]int{}
	add := func(line int, rec labelRecord, err error) {
		if err == nil {
			var ex Example
			if ex, err = rec.example(file, line, categories); err == nil {
				id := strings.TrimSpace(rec.ID)
				first, dup := firstAt[id]
				if id == "" || !dup {
					if id != "" {
						firstAt[id] = line
					}
					out = append(out, ex)
					return
				}
				err = fmt.Errorf("id %q is labelled twice (first at %s:%d); keep one of the two", id, file, first)
			}
		}
		if len(errs) < maxLabelErrors {
			errs = append(errs, fmt.Errorf("%s:%d: %w", file, line, err))
		}
	}
	empty := fmt.Errorf("%s: no labelled requests; write one JSON object per line, or CSV with a header row (%s)", file, strings.Join(labelKeys, ","))
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, empty
	case trimmed[0] == '{':
		readJSONL(data, add)
	default:
		if err := readCSV(data, add); err != nil {
			return nil, fmt.Errorf("%s:%w", file, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, empty // a CSV header and no rows
	}
	return out, nil
}

func readJSONL(data []byte, add func(int, labelRecord, error)) {
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, err := decodeRecord(line)
		if err != nil {
			err = fmt.Errorf("not a labelled request: %v (write one object per line with keys %s)", err, strings.Join(labelKeys, ", "))
		}
		add(n+1, rec, err)
	}
}

// decodeRecord decodes one JSON line. Keys it does not know are ignored,
// since a team's export or another corpus may carry more (an assignee, a
// title), unless one is a near miss of a key it knows: "urgncy" is a typo
// whose label would otherwise be lost without a word.
func decodeRecord(line []byte) (labelRecord, error) {
	var rec labelRecord
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	err := dec.Decode(&rec)
	if err == nil && dec.More() {
		return rec, errors.New("more than one JSON value on the line")
	}
	if err == nil || !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return rec, err
	}
	// Only a line with a key it does not know gets here: the usual line
	// is decoded once.
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(line, &keys); err != nil {
		return rec, err
	}
	for k := range keys {
		if err := unknownKey("key", k); err != nil {
			return rec, err
		}
	}
	rec = labelRecord{}
	return rec, json.Unmarshal(line, &rec)
}

// unknownKey returns an error for a key or column (what) named k that is
// not one of labelKeys but is a typo of one, and nil for any other name.
// A short name counts as a typo only one edit away: "team" and "time", two
// from "text" and "type", are keys an export has of its own.
func unknownKey(what, k string) error {
	if slices.Contains(labelKeys, strings.ToLower(k)) {
		return nil
	}
	if s := typo.Closest(k, labelKeys); s != "" && (len(k) >= 7 || typo.Distance(strings.ToLower(k), s) <= 1) {
		return fmt.Errorf("unknown %s %q; did you mean %q?", what, k, s)
	}
	return nil
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
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if err := unknownKey("column", h); err != nil {
			return fmt.Errorf("1: %v (the columns are %s)", err, strings.Join(labelKeys, ", "))
		}
		cols[h] = i // a column of another name is not read
	}
	if !slices.ContainsFunc(labelKeys, func(k string) bool { _, ok := cols[k]; return ok }) {
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
			add(line, labelRecord{}, fmt.Errorf("has %d fields, the header has %d", len(row), len(header)))
			continue
		}
		get := func(k string) string {
			if i, ok := cols[k]; ok {
				return row[i]
			}
			return ""
		}
		add(line, labelRecord{
			ID: get("id"), URL: get("url"), Text: get("text"), Summary: get("summary"), Details: get("details"),
			Type: get("type"), Impact: get("impact"), Channel: get("channel"),
			Urgency: get("urgency"), Interrupt: interruptLabel(get("interrupt")), Category: get("category"), Split: get("split"),
		}, nil)
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
			if slices.Contains(labelKeys, strings.ToLower(strings.Trim(strings.TrimSpace(h), `"`))) {
				n++
			}
		}
		if n > most {
			best, most = d, n
		}
	}
	return best
}

// example checks a record and turns it into an Example. Its error lists
// every problem of the record, so that one pass over the file finds them.
func (rec labelRecord) example(file string, line int, categories []string) (Example, error) {
	var problems []string
	summary := rec.Summary
	if summary == "" {
		summary = rec.Text
	}
	if strings.TrimSpace(summary+rec.Details) == "" {
		problems = append(problems, "no text; give the request as text (or summary and details)")
	}
	var u classifier.Urgency
	urgent := true // whether u is known, for the interrupt check
	if strings.TrimSpace(rec.Urgency) == "" {
		// Labelled for the category only (which is required below).
		urgent = false
	} else if v, err := classifier.ParseUrgency(strings.TrimSpace(rec.Urgency)); err != nil {
		problems, urgent = append(problems, "urgency: "+err.Error()), false
	} else {
		u = v
	}
	category, known := ruleCategory(rec.Category, categories)
	switch {
	case category == "":
		problems = append(problems, "no category; write the category people chose, e.g. incident")
	case !known:
		problems = append(problems, fmt.Sprintf("category %q is not one the rules assign (%s); fix the label, or add a rule with category: %s",
			category, strings.Join(categories, ", "), category))
	}
	switch strings.ToLower(strings.TrimSpace(string(rec.Interrupt))) {
	case "":
	case "yes", "true", "1":
		if urgent && !Interrupts(u) {
			problems = append(problems, fmt.Sprintf("interrupt is %q but urgency %s does not interrupt; only P1 and P2 do", rec.Interrupt, u))
		}
	case "no", "false", "0":
		if urgent && Interrupts(u) {
			problems = append(problems, fmt.Sprintf("interrupt is %q but urgency %s interrupts; P3 and P4 do not", rec.Interrupt, u))
		}
	default:
		problems = append(problems, fmt.Sprintf("interrupt %q is not yes or no", rec.Interrupt))
	}
	if len(problems) > 0 {
		return Example{}, errors.New(strings.Join(problems, "; "))
	}
	id := rec.ID
	if id == "" {
		id = fmt.Sprintf("%s:%d", file, line)
	}
	ch := strings.TrimPrefix(rec.Channel, "#")
	return Example{
		ID: id,
		Input: classifier.Input{Summary: summary, Details: rec.Details, Type: rec.Type, Impact: rec.Impact,
			Channel: ch, ChannelName: ch},
		Urgency: u, Category: category, Split: strings.TrimSpace(rec.Split),
		File: file, Line: line,
	}, nil
}
