package goapi

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// rootModule is the module path of the contract.
const rootModule = "github.com/algoryn/events"

// goModFile is what "go mod edit -json" says of a go.mod or go.work file.
type goModFile struct {
	Module  struct{ Path string }
	Require []struct{ Path, Version string }
	Replace []struct {
		Old struct{ Path, Version string }
		New struct{ Path, Version string }
	}
	Use []struct{ DiskPath string }
}

func readModFile(t *testing.T, file string) goModFile {
	t.Helper()
	sub := "mod"
	if strings.HasSuffix(file, ".work") {
		sub = "work"
	}
	out, err := exec.Command("go", sub, "edit", "-json", file).Output()
	if err != nil {
		t.Fatalf("go %s edit -json %s: %v", sub, file, err)
	}
	var m goModFile
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReleaseRules checks what RELEASING.md promises of the modules, so
// that every module can be tagged and fetched with go get or go install:
//
//   - go.work uses every module of the repository;
//   - no go.mod has a replace directive (go install …@version refuses a
//     module with one, and importers ignore it anyway);
//   - each nested module requires the root module (and any other module
//     of this repository) at a real version, the one go.work points at
//     this checkout; for the root, that is the version the top section of
//     CHANGELOG.md is about.
func TestReleaseRules(t *testing.T) {
	var mods []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != repoRoot {
			return filepath.SkipDir
		}
		if d.Name() == "go.mod" {
			rel, _ := filepath.Rel(repoRoot, filepath.Dir(path))
			mods = append(mods, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	work := readModFile(t, filepath.Join(repoRoot, "go.work"))
	var used []string
	for _, u := range work.Use {
		used = append(used, filepath.Clean(u.DiskPath))
	}
	slices.Sort(mods)
	slices.Sort(used)
	if !slices.Equal(mods, used) {
		t.Errorf("go.work uses %v; the repository's modules are %v", used, mods)
	}

	// The version go.work points at this checkout, per module of the
	// repository (the root and any nested module others require).
	local := map[string]string{}
	for _, r := range work.Replace {
		if r.Old.Path == rootModule || strings.HasPrefix(r.Old.Path, rootModule+"/") {
			if !strings.HasPrefix(r.New.Path, ".") {
				t.Errorf("go.work replaces %s with %s; a module of this repository must point at its directory here", r.Old.Path, r.New.Path)
			}
			local[r.Old.Path] = r.Old.Version
		}
	}
	localVersion := local[rootModule]
	if localVersion == "" {
		t.Fatalf("go.work must replace %s at the version the nested modules require with ./", rootModule)
	}
	if want := changelogVersion(t); localVersion != want {
		t.Errorf("go.work points %s %s at this checkout, but CHANGELOG.md's top section is %s", rootModule, localVersion, want)
	}

	for _, dir := range mods {
		m := readModFile(t, filepath.Join(repoRoot, dir, "go.mod"))
		for _, r := range m.Replace {
			t.Errorf("%s/go.mod replaces %s: no go.mod may (go install …@version refuses it); go.work does that for local work", dir, r.Old.Path)
		}
		if dir == "." {
			continue
		}
		for _, r := range m.Require {
			if r.Path != rootModule && !strings.HasPrefix(r.Path, rootModule+"/") {
				continue
			}
			want, ok := local[r.Path]
			switch {
			case !ok:
				t.Errorf("%s requires %s %s, a module of this repository that go.work does not point here", m.Module.Path, r.Path, r.Version)
			case r.Version != want:
				t.Errorf("%s requires %s %s; it must require %s, the version go.work points here (see RELEASING.md)", m.Module.Path, r.Path, r.Version, want)
			}
		}
	}
}

var versionHeading = regexp.MustCompile(`^## .*?(v\d+\.\d+\.\d+)`)

// changelogVersion is the version named by the first "## " heading of
// CHANGELOG.md, e.g. "## Unreleased (v0.3.0)" or "## v0.3.0 (2026-12-01)".
func changelogVersion(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot, "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "## ") {
			m := versionHeading.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("CHANGELOG.md's first section %q names no version", sc.Text())
			}
			return m[1]
		}
	}
	t.Fatal("CHANGELOG.md has no section")
	return ""
}
