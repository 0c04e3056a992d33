package jira

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Ops names exactly the operations of the calls with a fixed name, so that
// no operation's series is missing until its first call.
func TestOpsListsEveryCall(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var ops []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 3 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "call" {
				return true
			}
			// The name is a literal, a literal with more appended, or
			// a fmt.Sprintf whose format starts it.
			arg, whole := call.Args[1], true
			for {
				if bin, ok := arg.(*ast.BinaryExpr); ok {
					arg, whole = bin.X, false
					continue
				}
				if c, ok := arg.(*ast.CallExpr); ok && len(c.Args) > 0 {
					arg, whole = c.Args[0], false
					continue
				}
				break
			}
			lit, ok := arg.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: call with an operation name that does not start with a literal", fset.Position(call.Pos()))
				return true
			}
			prefix, _ := strconv.Unquote(lit.Value)
			op := opName(prefix + "x")
			if !whole && op != opName(prefix+"y") {
				return true // named by what follows the literal: check's reads
			}
			if whole {
				op = opName(prefix)
			}
			ops = append(ops, op)
			return true
		})
	}
	slices.Sort(ops)
	ops = slices.Compact(ops)
	if want := slices.Sorted(slices.Values(Ops)); !slices.Equal(ops, want) {
		t.Errorf("the calls name %q\nOps lists        %q", ops, want)
	}
}
