package bot

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

// Methods names exactly the methods the package calls through Gateway.Do
// (or doIn, its form for a call to one channel),
// so that no method's error series is missing until its first failure.
func TestMethodsListsEveryGatewayCall(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var called []string
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
			if !ok || len(call.Args) < 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || (sel.Sel.Name != "Do" && sel.Sel.Name != "doIn") {
				return true
			}
			if id, ok := call.Args[1].(*ast.Ident); ok && id.Name == "method" {
				return true // Do passing its own method on to doIn
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: Gateway.Do with a method name that is not a literal", fset.Position(call.Pos()))
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			called = append(called, name)
			return true
		})
	}
	slices.Sort(called)
	called = slices.Compact(called)
	want := slices.Sorted(slices.Values(Methods))
	if !slices.Equal(called, want) {
		t.Errorf("Gateway.Do calls %v\nMethods lists     %v", called, want)
	}
}
