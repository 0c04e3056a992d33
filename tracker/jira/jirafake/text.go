package jirafake

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// toADF wraps plain text in an Atlassian Document, a paragraph a line.
func toADF(s string) map[string]any {
	var paras []any
	for _, line := range strings.Split(s, "\n") {
		p := map[string]any{"type": "paragraph", "content": []any{}}
		if line != "" {
			p["content"] = []any{map[string]any{"type": "text", "text": line}}
		}
		paras = append(paras, p)
	}
	return map[string]any{"type": "doc", "version": 1, "content": paras}
}

type adfNode struct {
	Type    string    `json:"type"`
	Text    string    `json:"text"`
	Version int       `json:"version"`
	Content []adfNode `json:"content"`
}

// readText reads a text field (description, comment body): a string in
// v2, an Atlassian Document in v3, as Jira insists. Null is "".
func readText(raw json.RawMessage, v3 bool) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	if !v3 {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", errors.New("Operation value must be a string")
		}
		return s, nil
	}
	var doc adfNode
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Type != "doc" || doc.Version != 1 {
		return "", errors.New("Operation value must be an Atlassian Document (see the Atlassian Document Format)")
	}
	var paras []string
	for _, n := range doc.Content {
		paras = append(paras, plain(n))
	}
	return strings.Join(paras, "\n"), nil
}

func plain(n adfNode) string {
	if n.Type == "text" {
		return n.Text
	}
	if n.Type == "hardBreak" {
		return "\n"
	}
	var b strings.Builder
	for _, c := range n.Content {
		b.WriteString(plain(c))
	}
	return b.String()
}

// Jira's time tracking counts a day as 8 hours and a week as 5 days.
var durationUnits = []struct {
	unit    string
	seconds int
}{{"w", 5 * 8 * 3600}, {"d", 8 * 3600}, {"h", 3600}, {"m", 60}}

// parseDuration reads Jira's duration format, e.g. "2h", "1d 4h", "30m".
func parseDuration(s string) (int, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return 0, errors.New("empty duration")
	}
	total := 0
	for _, f := range fields {
		ok := false
		for _, u := range durationUnits {
			if num, found := strings.CutSuffix(f, u.unit); found {
				n, err := strconv.ParseFloat(num, 64)
				if err != nil || n < 0 {
					return 0, fmt.Errorf("bad duration %q", f)
				}
				total += int(n * float64(u.seconds))
				ok = true
				break
			}
		}
		if !ok {
			return 0, fmt.Errorf("bad duration %q", f)
		}
	}
	return total, nil
}

// formatDuration writes seconds as Jira does, e.g. "1d 2h 30m".
func formatDuration(secs int) string {
	var parts []string
	for _, u := range durationUnits {
		if n := secs / u.seconds; n > 0 {
			parts = append(parts, strconv.Itoa(n)+u.unit)
			secs -= n * u.seconds
		}
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}
