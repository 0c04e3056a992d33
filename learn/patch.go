package learn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"gopkg.in/yaml.v3"
)

// Patch returns src, a rules file or a config file holding rules, with the
// edits made as the lines a person would write, leaving every other line as
// it was. lines maps each rule's name to the line of its `- name:` item, as
// config.Rule.Line gives it. aliases maps the name of a rule the edited
// list reuses by its YAML alias to the line of the `- *anchor` item, as
// config.Rule.Alias gives it: a new rule to go before that one goes there,
// in the edited list, not before the anchor in the list that writes the
// rule out.
func Patch(src []byte, lines, aliases map[string]int, edits []Edit) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("read rules file: %w", err)
	}
	byLine := map[int]*yaml.Node{}
	items := map[int]*yaml.Node{} // the aliases that are items of a block list
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			byLine[n.Line] = n
		}
		for _, c := range n.Content {
			if c.Kind == yaml.AliasNode && n.Kind == yaml.SequenceNode && n.Style&yaml.FlowStyle == 0 {
				items[c.Line] = c
			}
			walk(c)
		}
	}
	walk(&doc)
	text := strings.SplitAfter(string(src), "\n")
	// Edits are made bottom up, so that each leaves the lines above it
	// where the node tree says they are.
	var changes []change
	rule := func(name string) (*yaml.Node, error) {
		n := byLine[lines[name]]
		if n == nil {
			return nil, fmt.Errorf("rule `%s` is not at line %d of the rules file", name, lines[name])
		}
		return n, nil
	}
	for k, e := range edits {
		switch e.Kind {
		case AddPhrase:
			n, err := rule(e.Rule)
			if err != nil {
				return nil, err
			}
			key, val := field(n, "any")
			if key == nil {
				ind := strings.Repeat(" ", n.Content[0].Column-1)
				changes = append(changes, change{line: n.Line + 1, add: []string{ind + "any: " + flowList(e.Phrases) + "\n"}, order: k})
				continue
			}
			if val.Style&yaml.FlowStyle != 0 {
				items := strings.TrimSuffix(flowList(e.Phrases)[1:], "]")
				if len(val.Content) == 0 {
					old := text[val.Line-1]
					end := strings.Index(old[val.Column-1:], "]")
					if end < 0 {
						return nil, fmt.Errorf("rule `%s`: cannot find the end of its `any:` list; add %s by hand", e.Rule, flowList(e.Phrases))
					}
					end += val.Column - 1
					changes = append(changes, change{line: val.Line, drop: 1, add: []string{old[:end] + items + old[end:]}, order: k})
					continue
				}
				// The phrases go right after the last item, which works
				// whether the list fits one line or spans several.
				last := val.Content[len(val.Content)-1]
				old := text[last.Line-1]
				end, ok := scalarEnd(old, last)
				if !ok {
					return nil, fmt.Errorf("rule `%s`: cannot find the end of its `any:` list; add %s by hand", e.Rule, flowList(e.Phrases))
				}
				changes = append(changes, change{line: last.Line, drop: 1, add: []string{old[:end] + ", " + items + old[end:]}, order: k})
				continue
			}
			last := val.Content[len(val.Content)-1]
			ind := strings.Repeat(" ", last.Column-3)
			var add []string
			for _, p := range e.Phrases {
				add = append(add, ind+"- "+quote(p)+"\n")
			}
			changes = append(changes, change{line: last.Line + 1, add: add, order: k})
		case Retarget, Waits, Declines, Reestimate:
			n, err := rule(e.Rule)
			if err != nil {
				return nil, err
			}
			// raw values are numbers, which YAML must not read as strings.
			type set struct {
				key, value string
				raw        bool
			}
			var sets []set
			switch e.Kind {
			case Retarget:
				sets = []set{{key: "urgency", value: e.Urgency.String()}, {key: "category", value: e.Category}}
			case Waits, Declines:
				sets = []set{{key: "urgency", value: e.Urgency.String()}}
			case Reestimate:
				sets = []set{{key: "estimate", value: strconv.FormatFloat(e.Estimate, 'g', -1, 64), raw: true}}
			}
			for _, f := range sets {
				v := quote(f.value)
				if f.raw {
					v = f.value
				}
				_, val := field(n, f.key)
				if val == nil {
					ind := strings.Repeat(" ", n.Content[0].Column-1)
					changes = append(changes, change{line: n.Line + 1, add: []string{ind + f.key + ": " + v + "\n"}, order: k})
					continue
				}
				old := text[val.Line-1]
				at := val.Column - 1
				end := at + len(val.Value)
				if val.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
					end += 2
				}
				if end > len(old) {
					return nil, fmt.Errorf("rule `%s`: cannot find its `%s:` value", e.Rule, f.key)
				}
				changes = append(changes, change{line: val.Line, drop: 1, add: []string{old[:at] + v + old[end:]}, order: k})
			}
		case Unbound:
			n, err := rule(e.Rule)
			if err != nil {
				return nil, err
			}
			c, err := unboundChange(e, n, text)
			if err != nil {
				return nil, err
			}
			c.order = k
			changes = append(changes, c)
		case AddRule:
			ahead := e.Ahead // the rule to go before; else the default
			for name, l := range lines {
				if n := byLine[l]; ahead == "" && n != nil {
					if _, v := field(n, "default"); v != nil && v.Value == "true" {
						ahead = name
					}
				}
			}
			if ahead == "" {
				return nil, fmt.Errorf("no default rule in the rules file to put rule `%s` before", e.Rule)
			}
			// def is the item to go before: the rule, or the alias by
			// which this list reuses it. The `-` is two columns before
			// either.
			var def *yaml.Node
			if at := aliases[ahead]; at > 0 {
				if def = items[at]; def == nil {
					return nil, fmt.Errorf("rule `%s` is reused by its alias at line %d, which is no item of a list written one item a line; add rule `%s` by hand", ahead, at, e.Rule)
				}
			} else if n, err := rule(ahead); err != nil {
				return nil, err
			} else {
				def = n
			}
			// Only a list written one item a line has a line to put a new
			// item on: `- ` at the item's dash, spaces before it.
			if l := text[def.Line-1]; def.Column < 3 || def.Column-3 > len(l) || strings.TrimSpace(l[:def.Column-3]) != "" || !strings.HasPrefix(l[def.Column-3:], "- ") {
				return nil, fmt.Errorf("rule `%s` is no item of a list written one item a line; add rule `%s` by hand", ahead, e.Rule)
			}
			ind := strings.Repeat(" ", def.Column-3)
			add := []string{
				ind + "- name: " + quote(e.Rule) + "\n",
				ind + "  any: " + flowList(e.Phrases) + "\n",
				ind + "  urgency: " + e.Urgency.String() + "\n",
				ind + "  category: " + quote(e.Category) + "\n",
			}
			if e.Estimate > 0 {
				add = append(add, ind+"  estimate: "+strconv.FormatFloat(e.Estimate, 'g', -1, 64)+"\n")
			}
			add = append(add, "\n")
			changes = append(changes, change{line: commentStart(text, def.Line, def.Column-3), add: add, order: k})
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int {
		if a.line != b.line {
			return b.line - a.line
		}
		return b.order - a.order
	})
	for _, c := range changes {
		i := c.line - 1
		if i > len(text) {
			i = len(text)
		}
		text = slices.Replace(text, i, i+c.drop, c.add...)
	}
	return []byte(strings.Join(text, "")), nil
}

// change is one edit of a rules file's lines.
type change struct {
	line  int // 1-based; the lines [line, line+drop) become add
	drop  int
	add   []string
	order int
}

// unboundChange drops the line of e's bound from rule n, or the rule's
// lines when e removes the rule. text is the file's lines.
func unboundChange(e Edit, n *yaml.Node, text []string) (change, error) {
	if n.Style&yaml.FlowStyle != 0 {
		return change{}, fmt.Errorf("rule `%s` is written on one line; remove its %s by hand", e.Rule, boundKey(e))
	}
	if !e.RemoveRule {
		key, val := field(n, boundKey(e))
		if key == nil || val.Line != key.Line {
			return change{}, fmt.Errorf("rule `%s`: cannot find its %s on one line; remove it by hand", e.Rule, boundKey(e))
		}
		return change{line: key.Line, drop: 1}, nil
	}
	first := n.Line
	if a := anchor(n); a != "" {
		return change{}, fmt.Errorf("rule `%s` holds the anchor &%s, which other rules may use; remove it and its aliases by hand", e.Rule, a)
	}
	if !strings.HasPrefix(strings.TrimSpace(text[first-1]), "- ") {
		return change{}, fmt.Errorf("rule `%s`: cannot find the start of its item; remove it by hand", e.Rule)
	}
	// A line after the last node that is indented under the item's dash
	// is still the item's: a flow list closed on a line of its own.
	last := lastLine(n)
	if last < len(text) {
		next := text[last]
		rest := strings.TrimSpace(next)
		if rest != "" && !strings.HasPrefix(rest, "#") && len(next)-len(strings.TrimLeft(next, " ")) > n.Column-3 {
			return change{}, fmt.Errorf("rule `%s`: cannot find the end of its item; remove it by hand", e.Rule)
		}
	}
	return change{line: first, drop: last - first + 1}, nil
}

// commentStart returns the first line, counted from 1, of the comment
// block right above line, the start of an item whose `-` is dash spaces
// in: a comment with no blank line under it speaks of the rule below, so
// a rule put before that one goes above its comment. A comment indented
// further than the `-` is the item above's (a key commented out, such as
// `    # sla: 30m`), and stays with it.
func commentStart(text []string, line, dash int) int {
	for line > 1 {
		above := text[line-2]
		rest := strings.TrimLeft(above, " ")
		if !strings.HasPrefix(rest, "#") || len(above)-len(rest) > dash {
			break
		}
		line--
	}
	return line
}

// anchor returns the first anchor n or a node in it defines, or "".
func anchor(n *yaml.Node) string {
	if n.Anchor != "" {
		return n.Anchor
	}
	for _, c := range n.Content {
		if a := anchor(c); a != "" {
			return a
		}
	}
	return ""
}

// lastLine is the line of the last node in n.
func lastLine(n *yaml.Node) int {
	last := n.Line
	for _, c := range n.Content {
		last = max(last, lastLine(c))
	}
	return last
}

// Diff returns the unified diff from old to new, or "" when they are the
// same. A relative name is written a/NAME and b/NAME, for `git apply`; an
// absolute one as it is, for `patch -p0`.
func Diff(name string, old, new []byte) string {
	a, b := "a/"+name, "b/"+name
	if strings.HasPrefix(name, "/") {
		a, b = name, name
	}
	return udiff.Unified(a, b, string(old), string(new))
}

// field returns the key and value nodes of key in mapping n, or nils.
func field(n *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

func flowList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// quote writes s plain when it is one word that YAML reads back as the
// same string, else double-quoted: rules files quote their phrases of
// several words, so that "few times" reads as one phrase beside the
// others.
func quote(s string) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	})
	switch s {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	return strconv.Quote(s)
}

// scalarEnd returns the byte offset in line just past scalar n, which
// starts on that line.
func scalarEnd(line string, n *yaml.Node) (int, bool) {
	at := n.Column - 1
	if at < 0 || at >= len(line) {
		return 0, false
	}
	switch line[at] {
	case '"':
		for i := at + 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return i + 1, true
			}
		}
		return 0, false
	case '\'':
		for i := at + 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, true
			}
		}
		return 0, false
	}
	end := at + len(n.Value)
	return end, end <= len(line) && line[at:end] == n.Value
}
