package jirafake

import (
	"fmt"
	"strings"
	"unicode"
)

// The JQL here is a small real parser of the part of JQL a bot's sync
// needs: clauses joined by AND, then an optional ORDER BY. What it does
// not understand it refuses with a 400, as Jira does with bad JQL, so a
// client never gets silently wrong results.

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tString
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	pos  int // 1-based character, as in Jira's messages
}

// jqlError is a JQL error with Jira's wording.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

func syntaxErr(pos int, format string, args ...any) error {
	return &jqlError{fmt.Sprintf("Error in the JQL Query: "+format+" (line 1, character %d)", append(args, pos)...)}
}

func lex(q string) ([]token, error) {
	rs := []rune(q)
	var toks []token
	for i := 0; i < len(rs); {
		r := rs[i]
		pos := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"' || r == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					j++
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, syntaxErr(pos, "The quoted string '%s' has not been completed.", b.String())
			}
			toks = append(toks, token{tString, b.String(), pos})
			i = j + 1
		case r == '(':
			toks = append(toks, token{tLParen, "(", pos})
			i++
		case r == ')':
			toks = append(toks, token{tRParen, ")", pos})
			i++
		case r == ',':
			toks = append(toks, token{tComma, ",", pos})
			i++
		case r == '=' || r == '~':
			toks = append(toks, token{tOp, string(r), pos})
			i++
		case r == '!' || r == '<' || r == '>':
			if i+1 < len(rs) && (rs[i+1] == '=' || (r == '!' && rs[i+1] == '~')) {
				toks = append(toks, token{tOp, string(rs[i : i+2]), pos})
				i += 2
				continue
			}
			if r == '!' {
				return nil, syntaxErr(pos, "Expecting '=' or '~' after '!'.")
			}
			toks = append(toks, token{tOp, string(r), pos})
			i++
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !strings.ContainsRune("\"'(),=~!<>", rs[j]) {
				j++
			}
			toks = append(toks, token{tWord, string(rs[i:j]), pos})
			i = j
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(rs) + 1})
	return toks, nil
}

// query is a parsed JQL query.
type query struct {
	clauses []clause
	order   []orderBy
}

type clause struct {
	field  string
	fpos   int
	op     string // upper case: =, !=, <, <=, >, >=, ~, !~, IN, NOT IN, IS, IS NOT, WAS...
	values []value
	list   bool
}

type value struct {
	text  string
	fn    bool // a function call, e.g. openSprints()
	empty bool // EMPTY or NULL
	pos   int
}

type orderBy struct {
	field string
	pos   int
	desc  bool
	dir   bool // a direction was given
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func isKeyword(t token, kw string) bool { return t.kind == tWord && strings.EqualFold(t.text, kw) }

// reserved are words that cannot be values unless quoted.
var reserved = []string{"AND", "OR", "NOT", "ORDER", "BY", "IN", "IS", "WAS", "CHANGED", "EMPTY", "NULL"}

func isReserved(t token) bool {
	for _, r := range reserved {
		if isKeyword(t, r) {
			return true
		}
	}
	return false
}

const validOps = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'."

func parseJQL(q string) (*query, error) {
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := &query{}
	if p.peek().kind != tEOF && !isKeyword(p.peek(), "ORDER") {
		for {
			c, err := p.clause()
			if err != nil {
				return nil, err
			}
			out.clauses = append(out.clauses, c)
			t := p.peek()
			if isKeyword(t, "AND") {
				p.next()
				continue
			}
			if t.kind == tEOF || isKeyword(t, "ORDER") {
				break
			}
			if isKeyword(t, "OR") {
				return nil, syntaxErr(t.pos, "jirafake supports only AND between clauses, not 'OR'.")
			}
			return nil, syntaxErr(t.pos, "Expecting either 'OR' or 'AND' but got '%s'.", t.text)
		}
	}
	if isKeyword(p.peek(), "ORDER") {
		p.next()
		if t := p.next(); !isKeyword(t, "BY") {
			return nil, syntaxErr(t.pos, "Expecting 'by' but got '%s'.", t.text)
		}
		for {
			t := p.next()
			if t.kind != tWord && t.kind != tString {
				return nil, syntaxErr(t.pos, "Expecting a field name in the ORDER BY clause but got '%s'.", t.text)
			}
			ob := orderBy{field: t.text, pos: t.pos}
			if d := p.peek(); isKeyword(d, "ASC") || isKeyword(d, "DESC") {
				p.next()
				ob.desc, ob.dir = isKeyword(d, "DESC"), true
			}
			out.order = append(out.order, ob)
			if p.peek().kind != tComma {
				break
			}
			p.next()
		}
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, syntaxErr(t.pos, "Expecting either ',' or the end of the query but got '%s'.", t.text)
	}
	return out, nil
}

func (p *parser) clause() (clause, error) {
	t := p.next()
	switch {
	case t.kind == tLParen || isKeyword(t, "NOT"):
		return clause{}, syntaxErr(t.pos, "jirafake does not support '%s' (parentheses or NOT).", t.text)
	case t.kind == tEOF:
		return clause{}, syntaxErr(t.pos, "Expecting a field name before the end of the query.")
	case t.kind != tWord && t.kind != tString, isReserved(t):
		return clause{}, syntaxErr(t.pos, "Expecting a field name but got '%s'.", t.text)
	}
	c := clause{field: t.text, fpos: t.pos}
	op := p.next()
	switch {
	case op.kind == tOp:
		c.op = op.text
	case isKeyword(op, "IN"):
		c.op = "IN"
	case isKeyword(op, "NOT") && isKeyword(p.peek(), "IN"):
		p.next()
		c.op = "NOT IN"
	case isKeyword(op, "IS"):
		c.op = "IS"
		if isKeyword(p.peek(), "NOT") {
			p.next()
			c.op = "IS NOT"
		}
	case isKeyword(op, "WAS") || isKeyword(op, "CHANGED"):
		return clause{}, syntaxErr(op.pos, "jirafake does not support the operator '%s'.", strings.ToUpper(op.text))
	case op.kind == tEOF:
		return clause{}, syntaxErr(op.pos, "Expecting operator before the end of the query. "+validOps)
	default:
		return clause{}, syntaxErr(op.pos, "Expecting operator but got '%s'. "+validOps, op.text)
	}
	if p.peek().kind == tLParen {
		lp := p.next()
		c.list = true
		for {
			v, err := p.value()
			if err != nil {
				return clause{}, err
			}
			c.values = append(c.values, v)
			t := p.next()
			if t.kind == tRParen {
				break
			}
			if t.kind != tComma {
				if t.kind == tEOF {
					return clause{}, syntaxErr(lp.pos, "Expecting ')' before the end of the query.")
				}
				return clause{}, syntaxErr(t.pos, "Expecting either ',' or ')' but got '%s'.", t.text)
			}
		}
		return c, nil
	}
	v, err := p.value()
	if err != nil {
		return clause{}, err
	}
	c.values = []value{v}
	return c, nil
}

func (p *parser) value() (value, error) {
	t := p.next()
	switch {
	case t.kind == tString:
		return value{text: t.text, pos: t.pos}, nil
	case isKeyword(t, "EMPTY") || isKeyword(t, "NULL"):
		return value{text: t.text, empty: true, pos: t.pos}, nil
	case t.kind == tWord && !isReserved(t):
		if p.peek().kind == tLParen {
			p.next()
			for p.peek().kind != tRParen {
				if p.peek().kind == tEOF {
					return value{}, syntaxErr(t.pos, "Expecting ')' to close the function '%s' before the end of the query.", t.text)
				}
				p.next()
			}
			p.next()
			return value{text: t.text, fn: true, pos: t.pos}, nil
		}
		return value{text: t.text, pos: t.pos}, nil
	case t.kind == tEOF:
		return value{}, syntaxErr(t.pos, "Expecting either a value, list or function before the end of the query.")
	case isReserved(t):
		return value{}, syntaxErr(t.pos, "Expecting either a value, list or function but got '%s'. You must surround '%s' in quotation marks to use it as a value.", t.text, t.text)
	}
	return value{}, syntaxErr(t.pos, "Expecting either a value, list or function but got '%s'.", t.text)
}
