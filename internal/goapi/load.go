// Package goapi type-checks Go code of this repository with the standard
// library alone, for two checks that guard the contract: the exported API
// of each public package against its committed baseline in api/, and the
// Go blocks of README.md.
//
// Packages are read from the export data the go command writes to its
// build cache (go list -export), so whatever module a directory belongs
// to, with its own dependencies, is type-checked exactly as the compiler
// sees it.
package goapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
)

// Importer imports packages from the export data of one module's build.
type Importer struct {
	fset    *token.FileSet
	exports map[string]string // import path → export data file
	imp     types.Importer
}

// NewImporter builds, with "go list -export -deps", the packages named by
// patterns and all they depend on, in the module of directory dir, and
// returns an importer for them.
func NewImporter(dir string, patterns ...string) (*Importer, error) {
	args := append([]string{"list", "-export", "-deps", "-e", "-json=ImportPath,Export,Error"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("goapi: go list in %s: %w\n%s", dir, err, stderr.Bytes())
	}
	im := &Importer{fset: token.NewFileSet(), exports: map[string]string{}}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath, Export string
			Error              *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("goapi: reading go list output: %w", err)
		}
		if p.Error != nil {
			return nil, fmt.Errorf("goapi: package %s: %s", p.ImportPath, p.Error.Err)
		}
		im.exports[p.ImportPath] = p.Export
	}
	im.imp = importer.ForCompiler(im.fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := im.exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("goapi: no export data for %s (not among the listed packages)", path)
		}
		return os.Open(file)
	})
	return im, nil
}

// Import returns the type-checked package with the given import path.
func (im *Importer) Import(path string) (*types.Package, error) {
	return im.imp.Import(path)
}

// FileSet is the file set of the importer's positions and of [Importer.Check].
func (im *Importer) FileSet() *token.FileSet { return im.fset }

// Check type-checks files as package path, importing from im; it returns
// every type error, not only the first.
func (im *Importer) Check(path string, files []*ast.File) error {
	var errs []error
	conf := types.Config{Importer: im.imp, Error: func(err error) { errs = append(errs, err) }}
	_, _ = conf.Check(path, im.fset, files, nil)
	return errors.Join(errs...)
}
