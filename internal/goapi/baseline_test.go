package goapi

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the API baselines in api/ from the current code")

// repoRoot is the repository's root, seen from this package's directory.
const repoRoot = "../.."

// baselines are the public packages whose exported API is committed as
// text in api/: every change to it is a reviewed diff.
var baselines = []struct {
	module, path, file string
}{
	{".", "github.com/algoryn/events", "api/events.txt"},
	{".", "github.com/algoryn/events/eventhttp", "api/eventhttp.txt"},
	{"eventnats", "github.com/algoryn/events/eventnats", "api/eventnats.txt"},
	{"eventoutbox", "github.com/algoryn/events/eventoutbox", "api/eventoutbox.txt"},
	{"eventotel", "github.com/algoryn/events/eventotel", "api/eventotel.txt"},
}

// TestAPIBaseline fails when a public package's exported API differs from
// its baseline: an identifier removed or changed (importers would break),
// or one added that the baseline does not list.
func TestAPIBaseline(t *testing.T) {
	for _, b := range baselines {
		t.Run(b.path, func(t *testing.T) {
			current := apiOf(t, filepath.Join(repoRoot, b.module), b.path)
			file := filepath.Join(repoRoot, b.file)
			if *update {
				if err := os.WriteFile(file, []byte(strings.Join(current, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			checkBaseline(t, file, current)
		})
	}
}

// checkBaseline compares current with the baseline file and reports every
// difference.
func checkBaseline(t reporter, file string, current []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no API baseline: %v (write it with: go test ./internal/goapi -run TestAPIBaseline -update)", err)
	}
	baseline := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if !slices.IsSorted(baseline) {
		t.Errorf("%s is not sorted", file)
	}
	removed, added := Diff(baseline, current)
	for _, l := range removed {
		t.Errorf("removed or changed, which breaks importers: %s", l)
	}
	for _, l := range added {
		t.Errorf("not in %s: %s", file, l)
	}
	if len(removed)+len(added) > 0 {
		t.Logf("If the change is deliberate: record it in CHANGELOG.md (removals and changes under " +
			"\"Incompatible\"), then rewrite the baseline with: go test ./internal/goapi -run TestAPIBaseline -update")
	}
}

// apiOf returns the API lines of package path, built in module directory dir.
func apiOf(t *testing.T, dir, path string) []string {
	t.Helper()
	im, err := NewImporter(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := im.Import(path)
	if err != nil {
		t.Fatal(err)
	}
	return Lines(pkg)
}

// reporter is what checkBaseline needs of a *testing.T, so that a test can
// watch it fail.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// recorder is a reporter that keeps the errors.
type recorder struct{ errors []string }

func (r *recorder) Helper()             {}
func (r *recorder) Logf(string, ...any) {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
