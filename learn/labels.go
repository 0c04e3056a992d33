package learn

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/internal/typo"
)

// ruleCategory returns the rules' own spelling of category, which a
// labels file may write in another case, with spaces or hyphens for the
// underscores, or with spaces around it ("Infra Change" is infra_change),
// and whether the rules assign it. With categories nil every category is
// known, as written.
func ruleCategory(category string, categories []string) (string, bool) {
	category = strings.TrimSpace(category)
	if categories == nil || slices.Contains(categories, category) {
		return category, true
	}
	norm := categoryKey(category)
	for _, c := range categories {
		if categoryKey(c) == norm {
			return c, true
		}
	}
	return category, false
}

// categoryKey is a category name without case and separators, for
// matching names that teams write in their own style.
func categoryKey(c string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '.', '/':
			return -1
		}
		return unicode.ToLower(r)
	}, c)
}

// unknownCategory says a category is none the rules assign and how to
// fix it: the rule to add is named by the category in the rules' style
// (lower case, underscores), never by the label's spelling.
func unknownCategory(category string, categories []string) string {
	name := strings.ToLower(strings.Join(strings.FieldsFunc(category, func(r rune) bool { return r == ' ' || r == '-' }), "_"))
	hint := "fix the label, or add a rule with category: " + name
	if s := typo.Closest(name, categories); s != "" {
		hint = fmt.Sprintf("did you mean %s? Or add a rule with category: %s", s, name)
	}
	return fmt.Sprintf("category %q is not one the rules assign (%s); %s", category, strings.Join(categories, ", "), hint)
}

// labelUrgency reads an urgency as teams label it: P1..P4 or the words
// ParseUrgency takes, Jira's priority names (Highest P1, High P2, Medium
// P3, Low and Lowest P4) or a bare digit 1..4.
func labelUrgency(s string) (classifier.Urgency, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "highest", "1":
		return classifier.P1, nil
	case "2":
		return classifier.P2, nil
	case "medium", "3":
		return classifier.P3, nil
	case "lowest", "4":
		return classifier.P4, nil
	}
	u, err := classifier.ParseUrgency(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not an urgency: write P1, P2, P3 or P4 (or critical, high, normal, low; Jira's Highest, High, Medium, Low, Lowest; 1 to 4)", s)
	}
	return u, nil
}

// labelInterrupt reads an interrupt label: yes (true, 1) or no (false,
// 0), or "" when the label gives none (known false).
func labelInterrupt(s string) (yes, known bool, err error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return false, false, nil
	case "yes", "y", "true", "1":
		return true, true, nil
	case "no", "n", "false", "0":
		return false, true, nil
	}
	return false, false, fmt.Errorf("interrupt %q is not yes or no", s)
}

// interruptProblem says how an interrupt label disagrees with urgency u,
// or "" when it agrees.
func interruptProblem(written string, yes bool, u classifier.Urgency) string {
	switch {
	case yes && !Interrupts(u):
		return fmt.Sprintf("interrupt is %q but urgency %s does not interrupt; only P1 and P2 do", written, u)
	case !yes && Interrupts(u):
		return fmt.Sprintf("interrupt is %q but urgency %s interrupts; P3 and P4 do not", written, u)
	}
	return ""
}

// ReadLabels parses a labels file in any shape readLabelFile reads (JSON
// Lines, a JSON array, CSV; UTF-8 or UTF-16). Every record needs text (or
// summary, title, details, description or body) and at least one label:
// urgency (or priority), interrupt or category. Interrupt, when given
// beside urgency, must agree with it; and when categories is not nil, the
// category must be one of them (the categories the rules assign), in
// every split, since the file is one set of labels for those rules. Every
// problem is reported, all of a line's on its line, as "FILE:LINE: what is
// wrong; what else is wrong", up to maxLabelErrors and then "and N more",
// and then no example is returned. Keys (or CSV columns) other than
// labelKeys and their aliases are ignored, unless one is a typo of one of
// them, which is an error. It is safe to call concurrently.
func ReadLabels(file string, data []byte, categories []string) ([]Example, error) {
	// An Example is large: growing the slice by appending copied each
	// one several times over 100k lines.
	out := make([]Example, 0, bytes.Count(data, []byte("\n"))+1)
	var errs labelErrors
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
		errs.add(fmt.Errorf("%s:%d: %w", file, line, err))
	}
	if err := readLabelFile(file, data, add); err != nil {
		return nil, err
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no labelled requests; write one JSON object per line, or CSV with a header row (text,urgency,interrupt,category: see rules eval -h)", file)
	}
	return out, nil
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
	if strings.TrimSpace(rec.Urgency) != "" {
		v, err := labelUrgency(rec.Urgency)
		if err != nil {
			problems = append(problems, "urgency "+err.Error())
		}
		u = v
	}
	yes, interrupt, err := labelInterrupt(rec.Interrupt)
	switch {
	case err != nil:
		problems = append(problems, err.Error())
	case interrupt && u.Valid():
		if p := interruptProblem(rec.Interrupt, yes, u); p != "" {
			problems = append(problems, p)
		}
	}
	category, known := ruleCategory(rec.Category, categories)
	switch {
	case category == "" && strings.TrimSpace(rec.Urgency+rec.Interrupt) == "":
		problems = append(problems, "no label; give the urgency (P1..P4), interrupt (yes or no) or category people chose")
	case category != "" && !known:
		problems = append(problems, unknownCategory(category, categories))
	}
	if len(problems) > 0 {
		return Example{}, errors.New(strings.Join(problems, "; "))
	}
	id := rec.ID
	if id == "" {
		id = fmt.Sprintf("%s:%d", file, line)
	}
	ch := strings.TrimPrefix(rec.Channel, "#")
	ex := Example{
		ID: id,
		Input: classifier.Input{Summary: summary, Details: rec.Details, Type: rec.Type, Impact: rec.Impact,
			Channel: ch, ChannelName: ch},
		Urgency: u, Category: category, Split: strings.TrimSpace(rec.Split),
		File: file, Line: line,
	}
	if interrupt && !u.Valid() {
		ex.Interrupt = &yes
	}
	return ex, nil
}
