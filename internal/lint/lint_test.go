// Package lint holds the project's structural rules as tests (pebble's
// internal/lint): they fail the build when a dependency points the wrong
// way or a banned construct creeps in.
package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/brokerd/brokerd/"

// families may import only the contract package and their own helpers.
var families = []string{"kv", "streams", "consumergroups", "pubsub"}

type goFile struct {
	path string
	pkg  string // directory relative to the module root
	test bool
	ast  *ast.File
}

func loadFiles(t *testing.T) []goFile {
	t.Helper()
	root := "../.."
	var files []goFile
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		full, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		files = append(files, goFile{path: path, pkg: filepath.ToSlash(rel), test: strings.HasSuffix(path, "_test.go"), ast: full})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func imports(f goFile) []string {
	var out []string
	for _, imp := range f.ast.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, p)
	}
	return out
}

func topPkg(pkg string) string { return strings.SplitN(pkg, "/", 2)[0] }

// familyBuiltOn lists the one family-to-family dependency the design has:
// consumer groups are part of a stream's value (a Stream holds its
// streams.Groups), so consumergroups is built on streams, never the other
// way round.
var familyBuiltOn = map[string]string{"consumergroups": "streams"}

func TestFamiliesDoNotImportBrokerOrEachOther(t *testing.T) {
	for _, f := range loadFiles(t) {
		if f.test || !isFamily(topPkg(f.pkg)) {
			continue
		}
		for _, p := range imports(f) {
			if !strings.HasPrefix(p, module) {
				continue
			}
			dep := topPkg(strings.TrimPrefix(p, module))
			own := topPkg(f.pkg)
			if dep == "broker" || (isFamily(dep) && dep != own && familyBuiltOn[own] != dep) || dep == "wal" {
				t.Errorf("%s imports %s: families depend only on command/ and internal helpers", f.path, p)
			}
		}
	}
}

func TestWALImportsNoFamily(t *testing.T) {
	for _, f := range loadFiles(t) {
		if topPkg(f.pkg) != "wal" || f.test {
			continue
		}
		for _, p := range imports(f) {
			if strings.HasPrefix(p, module) {
				t.Errorf("%s imports %s: wal knows no command semantics", f.path, p)
			}
		}
	}
}

func TestNoInitInBrokerOrFamilies(t *testing.T) {
	for _, f := range loadFiles(t) {
		top := topPkg(f.pkg)
		if f.test || (top != "broker" && !isFamily(top)) {
			continue
		}
		for _, d := range f.ast.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "init" && fn.Recv == nil {
				t.Errorf("%s has init(): the command table lists specs explicitly", f.path)
			}
		}
	}
}

func TestNoSleepInTests(t *testing.T) {
	for _, f := range loadFiles(t) {
		if !f.test || strings.HasPrefix(f.pkg, "internal/brokertest") {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sleep" {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "time" {
					t.Errorf("%s calls time.Sleep: poll with brokertest.Eventually or use synctest", f.path)
				}
			}
			return true
		})
	}
}

func TestNoPrintInLibraries(t *testing.T) {
	for _, f := range loadFiles(t) {
		top := topPkg(f.pkg)
		if f.test || top == "cmd" || top == "bench" || top == "internal" {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Print") {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "fmt" {
					t.Errorf("%s calls fmt.%s: libraries log with slog", f.path, sel.Sel.Name)
				}
			}
			return true
		})
	}
}

func isFamily(p string) bool {
	for _, f := range families {
		if p == f {
			return true
		}
	}
	return false
}
