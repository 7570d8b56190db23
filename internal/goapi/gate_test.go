package goapi

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGateCatchesRenamedField proves the baseline check bites: a copy of
// the root package with Event.Source renamed to Origin, checked against
// the committed api/events.txt, shows the old field as removed and the
// new one as unlisted.
func TestGateCatchesRenamedField(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the package")
	}
	dir := t.TempDir()
	copyPackage(t, repoRoot, dir)
	// The copy is its own module, outside the workspace, using only the
	// module cache.
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	renameField(t, dir, "Event", "Source", "Origin")
	current := apiOf(t, dir, "github.com/algoryn/events")

	data, err := os.ReadFile(filepath.Join(repoRoot, "api", "events.txt"))
	if err != nil {
		t.Fatal(err)
	}
	removed, added := Diff(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), current)
	want := []string{"pkg events, type Event struct, Source string"}
	if strings.Join(removed, "\n") != strings.Join(want, "\n") {
		t.Errorf("removed = %q, want %q", removed, want)
	}
	want = []string{"pkg events, type Event struct, Origin string"}
	if strings.Join(added, "\n") != strings.Join(want, "\n") {
		t.Errorf("added = %q, want %q", added, want)
	}
	// And checkBaseline, what TestAPIBaseline runs, fails on it.
	var rec recorder
	checkBaseline(&rec, filepath.Join(repoRoot, "api", "events.txt"), current)
	if len(rec.errors) != 2 {
		t.Errorf("checkBaseline reported %d errors, want 2: %q", len(rec.errors), rec.errors)
	}
}

// renameField renames field of struct typeName, and every use of it, in
// the package in dir, as a refactoring tool would: the copy still builds.
func renameField(t *testing.T, dir, typeName, field, newName string) {
	t.Helper()
	im, err := NewImporter(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	fset := im.FileSet()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: im.imp}
	pkg, err := conf.Check("github.com/algoryn/events", fset, files, info)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := pkg.Scope().Lookup(typeName).Type().Underlying().(*types.Struct)
	if !ok {
		t.Fatalf("%s is not a struct", typeName)
	}
	var target types.Object
	for i := range st.NumFields() {
		if st.Field(i).Name() == field {
			target = st.Field(i)
		}
	}
	if target == nil {
		t.Fatalf("%s has no field %s; update this test", typeName, field)
	}
	renamed := 0
	for _, m := range []map[*ast.Ident]types.Object{info.Defs, info.Uses} {
		for id, obj := range m {
			if obj == target {
				id.Name = newName
				renamed++
			}
		}
	}
	if renamed < 2 {
		t.Fatalf("renamed %d identifiers, want the declaration and its uses", renamed)
	}
	for _, f := range files {
		var buf bytes.Buffer
		if err := format.Node(&buf, fset, f); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fset.File(f.Pos()).Name(), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyPackage copies the root package's module files (go.mod, go.sum, the
// non-test Go files and the embedded schemas) from src to dst.
func copyPackage(t *testing.T, src, dst string) {
	t.Helper()
	var files []string
	for _, pattern := range []string{"go.mod", "go.sum", "*.go", "schemas/*.json", "internal/jsonwire/*.go", "internal/uriref/*.go"} {
		m, err := filepath.Glob(filepath.Join(src, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		rel, _ := filepath.Rel(src, f)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
