package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxFileSize bounds what Load reads: a config is a few kilobytes, and a
// wrong path (a database, a log) should fail fast rather than fill memory.
const maxFileSize = 8 << 20

// loader holds what is shared while a config and its rules files are read.
type loader struct {
	getenv func(string) string
	// unsetWarns turns an unset ${VAR} into a warning (see Options).
	unsetWarns bool
	// credentialsOptional reads an unset ${VAR} in a credential as absent
	// (see Options).
	credentialsOptional bool
	warns               Errors
	dir                 string // the config file's directory
	errs                Errors
	files               map[string]*ruleList // rules files by resolved path, read once
	refs                []ref                // references checked once everything is read
	names               []ChannelName        // channels written as "#name", in file order
}

// ref is a name used somewhere that must exist once everything is read.
type ref struct {
	d    *decoder
	node *yaml.Node
	kind string // "team" or "group"
	name string
}

// Load reads path (and any rules files it names), expands ${VAR} from getenv
// (nil means os.Getenv), fills defaults and validates. On any problem it
// returns a nil *Config and an Errors value listing all of them. It may be
// called concurrently.
func Load(path string, getenv func(string) string) (*Config, error) {
	cfg, _, err := LoadWith(path, Options{Getenv: getenv})
	return cfg, err
}

// Parse is Load for data already read; path names it in errors, and rules
// files and storage.path are resolved relative to filepath.Dir(path). It may
// be called concurrently.
func Parse(path string, data []byte, getenv func(string) string) (*Config, error) {
	cfg, _, err := ParseWith(path, data, Options{Getenv: getenv})
	return cfg, err
}

// Options changes how LoadWith and ParseWith read a config. The zero value
// reads it as Load and Parse do.
type Options struct {
	// Getenv looks up ${VAR}; nil means os.Getenv.
	Getenv func(string) string
	// UnsetWarns makes an unset ${VAR} without a default a warning instead
	// of an error, and reads the key as absent. It is for checks that run
	// where the secrets are not, such as `check --offline` in CI on a
	// deployment config; whatever connects to Slack must leave it false.
	UnsetWarns bool
	// Partial returns the config as far as it could be read even when
	// there are errors, so that a check can look further into it and
	// report every problem in one run. Such a config may be incomplete:
	// only a check may use it, never a running bot.
	Partial bool
	// CredentialsOptional reads a credential (a Slack or tracker token, a
	// signing or webhook secret, an on-call source's key) whose ${VAR} is
	// unset as absent, without an error or a warning. It is for the
	// commands that never connect to Slack or a tracker (classify, rules,
	// replay, report), so that a CI job runs them without secrets. The
	// storage URL stays required: a command that reads the store must not
	// quietly read another one.
	CredentialsOptional bool
}

// LoadWith is Load with options. It also returns the warnings, sorted like
// errors, which are only ever unset variables under Options.UnsetWarns.
func LoadWith(path string, o Options) (*Config, Errors, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, nil, Errors{{File: path, Msg: fmt.Sprintf("cannot read config: %v", pathCause(err)), Hint: "pass --config FILE or set SPRINTGUARD_CONFIG", Err: err}}
	}
	return ParseWith(path, data, o)
}

// ParseWith is Parse with options; see LoadWith.
func ParseWith(path string, data []byte, o Options) (*Config, Errors, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	l := &loader{getenv: getenv, unsetWarns: o.UnsetWarns, credentialsOptional: o.CredentialsOptional, dir: filepath.Dir(path), files: map[string]*ruleList{}}
	d := &decoder{loader: l, file: path}
	var cfg *Config
	if root := d.readYAML(data); root != nil {
		cfg = d.config(root)
		l.resolve(cfg)
		cfg.ChannelNames = l.names
	}
	warns := l.warns.sorted()
	if len(l.errs) > 0 {
		if !o.Partial {
			cfg = nil
		}
		return cfg, warns, l.errs.sorted()
	}
	return cfg, warns, nil
}

// warnUnset records that n names the unset variable name, which is a
// warning only under Options.UnsetWarns.
func (d *decoder) warnUnset(n *yaml.Node, name string) {
	d.warns = append(d.warns, Error{File: d.file, Line: n.Line, Column: n.Column,
		Msg:  fmt.Sprintf("environment variable %s is not set", name),
		Hint: fmt.Sprintf("read as absent here; serve and check --online need it: export %s, or write ${%s:-} to make it optional", name, name)})
}

// readFile reads at most maxFileSize bytes of path.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("read file: larger than %d MiB", maxFileSize>>20)
	}
	return data, nil
}

// pathCause strips the path from an fs error, since the message already
// names the file.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// resolvePath interprets p relative to the config file's directory.
func (l *loader) resolvePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlHints explains the YAML errors people hit most.
var yamlHints = map[string]string{
	"mapping values are not allowed in this context":         `quote a value that contains ": ", or check the indentation`,
	"found character that cannot start any token":            "indent with spaces, not tabs, and quote values starting with @, ` or %",
	"did not find expected key":                              "check the indentation of the block that starts here",
	"block sequence entries are not allowed in this context": "put the list on its own lines under the key",
	"did not find expected '-' indicator":                    "items of the list that starts here must all be indented the same",
	"did not find expected ',' or ']'":                       `the [list] that starts here is not closed; quote items containing { } [ ] or , such as "${VAR}"`,
	"did not find expected ',' or '}'":                       `the {mapping} that starts here is not closed; quote values containing { } [ ] or , such as "${VAR}"`,
}

// parserProblems are the yaml.v3 messages that come from its parser rather
// than its scanner: for those it reports the 0-based line where the enclosing
// block starts, so one is added to get the line people see in an editor.
var parserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// readYAML parses data as one YAML document and returns its root node, or
// nil after reporting a syntax error.
func (d *decoder) readYAML(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errAt(nil, "file is empty", "")
		} else {
			d.syntaxError(err, data)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errAt(&extra, "more than one YAML document in the file", "remove the `---` separator")
	} else if !errors.Is(err, io.EOF) {
		d.syntaxError(err, data)
	}
	if len(doc.Content) == 0 {
		d.errAt(nil, "file is empty", "")
		return nil
	}
	return doc.Content[0]
}

// syntaxError records a YAML parser error at the line it names.
func (d *decoder) syntaxError(err error, data []byte) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := Error{File: d.file, Msg: "YAML syntax error: " + msg, Err: err}
	m := unknownAnchor.FindStringSubmatch(err.Error())
	at := 0
	if m != nil {
		at = aliasLine(data, m[1])
	}
	if at > 0 {
		// yaml.v3 names no line for an alias without its anchor (a rule
		// removed that defined it): the first use of the alias is where
		// to look.
		e.Line = at
		e.Msg = fmt.Sprintf("alias *%s names no anchor; define `&%s` before it, or write the value out", m[1], m[1])
	} else if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "YAML syntax error: " + m[2]
		e.Hint = yamlHints[m[2]]
		if parserProblems[m[2]] {
			e.Line++
		}
		if strings.Contains(m[2], "tab character") {
			e.Line = lineWithTab(data, e.Line)
			e.Hint = "indent with spaces; YAML does not allow tabs"
		}
	}
	d.errs = append(d.errs, e)
}

// unknownAnchor is yaml.v3's error for an alias no anchor defines.
var unknownAnchor = regexp.MustCompile(`unknown anchor '([^']*)' referenced`)

// aliasLine returns the line, counted from 1, of the first use of alias
// *name in data outside a comment, a quoted string or a block scalar, or
// 0. It scans the text: yaml.v3 fails the whole parse on an alias without
// its anchor, so there are no nodes to give the alias's position.
func aliasLine(data []byte, name string) int {
	use := regexp.MustCompile(`(?:^|[\s\[{,:-])\*` + regexp.QuoteMeta(name) + `(?:$|[\s\]},])`)
	block := -1 // while in a block scalar: the indentation its lines exceed
	for i, l := range strings.Split(string(data), "\n") {
		rest := strings.TrimLeft(l, " ")
		if block >= 0 {
			if rest == "" || len(l)-len(rest) > block {
				continue
			}
			block = -1
		}
		code := yamlCode(l)
		if use.MatchString(code) {
			return i + 1
		}
		if blockScalar.MatchString(code) {
			block = scalarParent(code)
		}
	}
	return 0
}

// blockScalar matches a line, without its comment, that ends in the
// header of a block scalar (`answer: |`, `- >-`): the lines below it
// that are indented further are text, whatever they say.
var blockScalar = regexp.MustCompile(`(?:^\s*|:\s+|-\s+)[|>][-+1-9]{0,2}\s*$`)

// scalarParent returns the indentation of the node that holds the block
// scalar started on line: its key's column, counted from 0, or, for a
// scalar that is a list item itself, its `-`'s.
func scalarParent(line string) int {
	at := len(line) - len(strings.TrimLeft(line, " "))
	for {
		rest := line[at:]
		if !strings.HasPrefix(rest, "- ") {
			return at
		}
		next := at + 1 + len(rest[1:]) - len(strings.TrimLeft(rest[1:], " "))
		if strings.HasPrefix(line[next:], "|") || strings.HasPrefix(line[next:], ">") {
			return at
		}
		at = next
	}
}

// yamlCode is line without its comment and with its quoted strings
// blanked, so that a `*` inside them is not taken for an alias. A quote
// starts a string only where a scalar starts (at the start of the line,
// or after a space or one of `[{,:`): the apostrophe of a plain `can't`
// is text.
func yamlCode(line string) string {
	b := []byte(line)
	var quote byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote == '"' && c == '\\' && i+1 < len(b),
			quote == '\'' && c == '\'' && i+1 < len(b) && b[i+1] == '\'':
			// An escape inside the string ("\"" or 'Don''t') does not end it.
			b[i], b[i+1] = ' ', ' '
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b[i] = ' '
			}
		case (c == '"' || c == '\'') && (i == 0 || strings.IndexByte(" \t[{,:", b[i-1]) >= 0):
			quote = c
		case c == '#' && (i == 0 || b[i-1] == ' ' || b[i-1] == '\t'):
			return string(b[:i])
		}
	}
	return string(b)
}

// lineWithTab returns the first line from line on that starts with a tab in
// its indentation, since yaml.v3 reports the line of the enclosing scalar.
func lineWithTab(data []byte, line int) int {
	for i, l := range strings.Split(string(data), "\n") {
		if i+1 >= line && strings.HasPrefix(strings.TrimLeft(l, " "), "\t") {
			return i + 1
		}
	}
	return line
}
