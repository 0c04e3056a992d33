package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/internal/typo"
)

// decoder walks the node tree of one file. It knows nothing of the schema;
// the schema lives in the functions that call it, one per section, so that
// every value keeps its line for errors and nothing stops at the first one.
type decoder struct {
	*loader
	file string
}

// errAt records a problem at n's position (or the whole file when n is nil).
func (d *decoder) errAt(n *yaml.Node, msg, hint string) {
	e := Error{File: d.file, Msg: msg, Hint: hint}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// report records a parse problem about the value labelled label.
func (d *decoder) report(n *yaml.Node, label string, p *problem) {
	d.errAt(n, label+" "+p.msg, p.hint)
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName describes a node's shape without its value, which may be secret.
func kindName(n *yaml.Node) string {
	switch deref(n).Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

// fields walks mapping n, calling set[key] with each value in document order.
// Keys merged in with `<<: *anchor` count unless written explicitly. It
// reports a non-mapping, unknown keys (suggesting the nearest known one) and
// duplicate keys, and returns the key nodes it saw, for required-key checks
// and error lines; a misspelt key is returned as the key it resembles.
func (d *decoder) fields(n *yaml.Node, what string, set map[string]func(*yaml.Node)) map[string]*yaml.Node {
	seen := map[string]*yaml.Node{}
	n = deref(n)
	if isNull(n) {
		return seen
	}
	if n.Kind != yaml.MappingNode {
		d.errAt(n, fmt.Sprintf("%s must be a mapping of keys, got %s", what, kindName(n)), "")
		return seen
	}
	known := make([]string, 0, len(set))
	for k := range set {
		known = append(known, k)
	}
	sort.Strings(known)
	var merged [][2]*yaml.Node
	guessed := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, d.mergeEntries(v, what)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errAt(k, fmt.Sprintf("keys in %s must be plain names, got %s", what, kindName(k)), "")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errAt(k, fmt.Sprintf("key `%s` appears twice in %s (first at line %d)", k.Value, what, first.Line), "remove one of them")
			continue
		}
		fn, ok := set[k.Value]
		if !ok {
			hint := "known keys: " + strings.Join(known, ", ")
			if s := typo.Closest(k.Value, known); s != "" {
				hint = fmt.Sprintf("did you mean `%s`?", s)
			}
			d.errAt(k, fmt.Sprintf("unknown key `%s` in %s", k.Value, what), hint)
			if s := typo.Closest(k.Value, known); s != "" && guessed[s] == nil {
				guessed[s] = k
			}
			continue
		}
		seen[k.Value] = k
		fn(deref(v))
	}
	for _, kv := range merged {
		k := kv[0]
		if _, done := seen[k.Value]; done {
			continue
		}
		if fn, ok := set[k.Value]; ok {
			seen[k.Value] = k
			fn(deref(kv[1]))
		} else {
			d.errAt(k, fmt.Sprintf("unknown key `%s` in %s (merged with <<)", k.Value, what), "")
		}
	}
	// A misspelt key counts as the key it resembles, so that "unknown key
	// `timezon`" is not followed by "no `timezone`" for the same mistake.
	for k, n := range guessed {
		if seen[k] == nil {
			seen[k] = n
		}
	}
	return seen
}

// mergeEntries returns the key/value pairs of a `<<:` value: one mapping or
// a list of them.
func (d *decoder) mergeEntries(v *yaml.Node, what string) [][2]*yaml.Node {
	v = deref(v)
	var maps []*yaml.Node
	switch v.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{v}
	case yaml.SequenceNode:
		for _, m := range v.Content {
			maps = append(maps, deref(m))
		}
	default:
		maps = []*yaml.Node{v}
	}
	var out [][2]*yaml.Node
	for _, m := range maps {
		if m.Kind != yaml.MappingNode {
			d.errAt(m, fmt.Sprintf("`<<` in %s must name a mapping", what), "write <<: *anchor")
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			out = append(out, [2]*yaml.Node{m.Content[i], m.Content[i+1]})
		}
	}
	return out
}

// text returns the ${ENV}-expanded text of scalar n. ok is false when the
// value is absent (null, or empty after expansion) or a problem was
// reported; want names the expected type for the error.
func (d *decoder) text(label string, n *yaml.Node, want string) (string, bool) {
	n = deref(n)
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.errAt(n, fmt.Sprintf("%s must be %s, got %s", label, want, kindName(n)), "")
		return "", false
	}
	s, problems := expand(n.Value, d.getenv)
	for _, p := range problems {
		if p.unset != "" && d.unsetWarns {
			d.warnUnset(n, p.unset)
			continue
		}
		d.errAt(n, p.msg, p.hint)
	}
	if len(problems) > 0 || s == "" {
		return "", false
	}
	return s, true
}

// str decodes a string; absent leaves dst unchanged.
func (d *decoder) str(label string, n *yaml.Node, dst *string) bool {
	s, ok := d.text(label, n, "a string")
	if ok {
		*dst = s
	}
	return ok
}

// secret decodes a credential; no error ever contains its value. Under
// Options.CredentialsOptional, one whose ${VAR} is unset is absent.
func (d *decoder) secret(label string, n *yaml.Node, dst *Secret) {
	if d.credentialsOptional && d.onlyUnset(n) {
		*dst = Secret{unset: true}
		return
	}
	d.requiredSecret(label, n, dst)
}

// onlyUnset reports whether scalar n is absent only because a ${VAR} in
// it is unset.
func (d *decoder) onlyUnset(n *yaml.Node) bool {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		return false
	}
	_, problems := expand(n.Value, d.getenv)
	for _, p := range problems {
		if p.unset == "" {
			return false
		}
	}
	return len(problems) > 0
}

// requiredSecret is secret without Options.CredentialsOptional.
func (d *decoder) requiredSecret(label string, n *yaml.Node, dst *Secret) {
	if s, ok := d.text(label, n, "a string"); ok {
		*dst = Secret{value: s}
	}
}

// boolean decodes true/false (yes/no and on/off too, as YAML 1.1 had them).
func (d *decoder) boolean(label string, n *yaml.Node, dst *bool) {
	s, ok := d.text(label, n, "true or false")
	if !ok {
		return
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		*dst = true
	case "false", "no", "off":
		*dst = false
	default:
		d.errAt(n, fmt.Sprintf("%s must be true or false, got %q", label, s), "")
	}
}

// number decodes a finite number; it reports whether one was set.
func (d *decoder) number(label string, n *yaml.Node, dst *float64) bool {
	s, ok := d.text(label, n, "a number")
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.errAt(n, fmt.Sprintf("%s must be a number, got %q", label, s), "")
		return false
	}
	*dst = v
	return true
}

// choice decodes one of a fixed set of words.
func (d *decoder) choice(label string, n *yaml.Node, dst *string, choices ...string) {
	s, ok := d.text(label, n, "a string")
	if !ok {
		return
	}
	for _, c := range choices {
		if s == c {
			*dst = s
			return
		}
	}
	hint := ""
	if c := typo.Closest(s, choices); c != "" {
		hint = fmt.Sprintf("did you mean `%s`?", c)
	}
	d.errAt(n, fmt.Sprintf("%s must be one of %s, got %q", label, strings.Join(choices, ", "), s), hint)
}
