package config

import (
	"fmt"
	"strings"
)

// problem is a message and a hint, waiting for a file and line.
type problem struct {
	msg, hint string
	unset     string // the variable, when the problem is an unset ${VAR}
}

// expand replaces ${NAME} and ${NAME:-default} in s with values from getenv,
// and $$ with a single dollar. Any other dollar is kept as written, so that
// regexes such as "down$" need no escaping. An empty variable counts as unset,
// because os.Getenv cannot tell the two apart. It reports every problem in s
// and never includes the expanded values in them, since they may be secrets.
func expand(s string, getenv func(string) string) (string, []problem) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	var problems []problem
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '{':
		default:
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			problems = append(problems, problem{
				msg:  "unterminated ${ in value",
				hint: "close it with }, or write $$ for a literal dollar",
			})
			b.WriteString(s[i:])
			break
		}
		body := s[i+2 : i+2+end]
		i += 2 + end
		name, def, hasDefault := strings.Cut(body, ":-")
		if !validEnvName(name) {
			problems = append(problems, problem{
				msg:  fmt.Sprintf("bad environment variable name %q in ${...}", name),
				hint: "use letters, digits and _, e.g. ${SLACK_BOT_TOKEN}, or write $$ for a literal dollar",
			})
			continue
		}
		v := getenv(name)
		switch {
		case v != "":
			b.WriteString(v)
		case hasDefault:
			b.WriteString(def)
		default:
			problems = append(problems, problem{
				msg:   fmt.Sprintf("environment variable %s is not set", name),
				hint:  fmt.Sprintf("export it, write ${%s:-} to make it optional, or remove the key", name),
				unset: name,
			})
		}
	}
	return b.String(), problems
}

// validEnvName reports whether name is a POSIX shell variable name.
func validEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
