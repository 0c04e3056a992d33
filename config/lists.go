package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// item is one entry of a list with its node, for per-item errors.
type item struct {
	text string
	node *yaml.Node
}

// items decodes a list of scalars. A single scalar counts as a list of one,
// since `labels: deploy` is an obvious way to write it.
func (d *decoder) items(label string, n *yaml.Node) []item {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	nodes := []*yaml.Node{n}
	switch n.Kind {
	case yaml.SequenceNode:
		nodes = n.Content
	case yaml.MappingNode:
		d.errAt(n, fmt.Sprintf("%s must be a list, got a mapping", label), "write [a, b] or one `- item` per line")
		return nil
	}
	var out []item
	for _, c := range nodes {
		if s, ok := d.text(label+" item", c, "a single value"); ok {
			out = append(out, item{text: s, node: deref(c)})
		}
	}
	return out
}

// strs decodes a list of strings, checking each with check (when not nil).
func (d *decoder) strs(label string, n *yaml.Node, check func(string) *problem) []string {
	var out []string
	for _, it := range d.items(label, n) {
		if check != nil {
			if p := check(it.text); p != nil {
				d.report(it.node, label+" item", p)
				continue
			}
		}
		out = append(out, it.text)
	}
	return out
}

// parsed decodes a scalar with parse; absent leaves dst unchanged. It
// reports whether a value was set.
func parsed[T any](d *decoder, label string, n *yaml.Node, dst *T, parse func(string) (T, *problem)) bool {
	s, ok := d.text(label, n, "a single value")
	if !ok {
		return false
	}
	v, p := parse(s)
	if p != nil {
		d.report(n, label, p)
		return false
	}
	*dst = v
	return true
}
