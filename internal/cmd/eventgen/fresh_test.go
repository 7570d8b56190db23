package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// repoRoot is the events package directory, relative to this one.
const repoRoot = "../../.."

// generatedPatterns are the files of repoRoot that eventgen owns.
var generatedPatterns = []string{"zz_generated_*.go", "schemas/*.json"}

// TestGeneratedFilesAreFresh runs the generator on the repository and
// requires every file it writes to equal, byte for byte, the committed
// one, and every generated-looking file of the repository to be one it
// writes.
func TestGeneratedFilesAreFresh(t *testing.T) {
	out := t.TempDir()
	if err := run(repoRoot, out); err != nil {
		t.Fatalf("eventgen: %v", err)
	}
	produced := map[string]bool{}
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name, err := filepath.Rel(out, path)
		if err != nil {
			return err
		}
		name = filepath.ToSlash(name)
		produced[name] = true
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(name)))
		switch {
		case os.IsNotExist(err):
			t.Errorf("%s is missing: run go generate ./... in the repository root", name)
		case err != nil:
			return err
		case !bytes.Equal(got, want):
			t.Errorf("%s is stale (%s): run go generate ./... in the repository root", name, firstDiff(got, want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(produced) == 0 {
		t.Fatal("eventgen wrote no files")
	}
	for _, pattern := range generatedPatterns {
		matches, err := filepath.Glob(filepath.Join(repoRoot, filepath.FromSlash(pattern)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			name, err := filepath.Rel(repoRoot, m)
			if err != nil {
				t.Fatal(err)
			}
			if name = filepath.ToSlash(name); !produced[name] {
				t.Errorf("%s is no longer generated: delete it, then run go generate ./... in the repository root", name)
			}
		}
	}
}

// firstDiff describes the first line where the committed bytes differ
// from the generated ones.
func firstDiff(committed, generated []byte) string {
	c := strings.Split(string(committed), "\n")
	g := strings.Split(string(generated), "\n")
	line := func(lines []string, i int) string {
		if i >= len(lines) {
			return "<end of file>"
		}
		if s := lines[i]; len(s) > 100 {
			return strconv.Quote(s[:100] + "…")
		}
		return strconv.Quote(lines[i])
	}
	for i := 0; i < len(c) || i < len(g); i++ {
		if i >= len(c) || i >= len(g) || c[i] != g[i] {
			return fmt.Sprintf("first difference at line %d: committed %s, generated %s", i+1, line(c, i), line(g, i))
		}
	}
	return "files differ"
}

// TestAddedFieldWithoutRegenerationFails is the proof that the root
// package's TestEveryFieldTravels catches a field added to payloads.go
// without go generate, and that go generate alone mends it: in a copy of
// the module it adds a field, requires that test to fail naming the
// field, regenerates, and requires it to pass.
func TestAddedFieldWithoutRegenerationFails(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the events package twice; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	start := time.Now()
	dir := t.TempDir()
	copyModule(t, repoRoot, dir)

	payloads := filepath.Join(dir, "payloads.go")
	src, err := os.ReadFile(payloads)
	if err != nil {
		t.Fatal(err)
	}
	edited, err := addField(string(src), "ThresholdViolatedPayload",
		"\n\t// Unit is the unit of Actual and Limit, such as \"ms\".\n\tUnit string\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(payloads, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}

	goTest := func() (string, error) {
		cmd := exec.Command(gobin, "test", "-count=1", "-run", "^TestEveryFieldTravels$", ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := goTest()
	if err == nil {
		t.Fatalf("TestEveryFieldTravels passed with a field added to payloads.go but not generated:\n%s", out)
	}
	if !strings.Contains(out, "--- FAIL: TestEveryFieldTravels") {
		t.Fatalf("go test failed, but not in TestEveryFieldTravels (does the copy build?):\n%s", out)
	}
	if !strings.Contains(out, "Unit") {
		t.Fatalf("TestEveryFieldTravels failed without naming the added field Unit:\n%s", out)
	}

	if err := run(dir, dir); err != nil {
		t.Fatalf("eventgen on the copy: %v", err)
	}
	if out, err := goTest(); err != nil {
		t.Fatalf("TestEveryFieldTravels still fails after regenerating:\n%s", out)
	}
	t.Logf("took %v", time.Since(start).Round(time.Millisecond))
}

// addField inserts field before the closing brace of struct typ in src.
func addField(src, typ, field string) (string, error) {
	decl := "type " + typ + " struct {"
	i := strings.Index(src, decl)
	if i < 0 {
		return "", fmt.Errorf("payloads.go has no %q", decl)
	}
	j := strings.Index(src[i:], "\n}\n")
	if j < 0 {
		return "", fmt.Errorf("payloads.go: no end to struct %s", typ)
	}
	j += i + 1
	return src[:j] + field + src[j:], nil
}

// copyModule copies what the events package and its tests need to build
// from the module in from to the directory to: go.mod, go.sum, the
// package's Go files with its tests, schemas, testdata, and the internal
// packages it and eventgen import.
func copyModule(t *testing.T, from, to string) {
	t.Helper()
	for _, pattern := range []string{"go.mod", "go.sum", "*.go", "schemas/*.json"} {
		matches, err := filepath.Glob(filepath.Join(from, filepath.FromSlash(pattern)))
		if err != nil {
			t.Fatal(err)
		}
		if len(matches) == 0 {
			t.Fatalf("%s: no %s", from, pattern)
		}
		for _, m := range matches {
			rel, err := filepath.Rel(from, m)
			if err != nil {
				t.Fatal(err)
			}
			copyFile(t, m, filepath.Join(to, rel))
		}
	}
	for _, tree := range []string{"testdata", "internal/jsonwire", "internal/uriref", "internal/cmd/eventgen"} {
		root := filepath.Join(from, filepath.FromSlash(tree))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(from, path)
			if err != nil {
				return err
			}
			copyFile(t, path, filepath.Join(to, rel))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
