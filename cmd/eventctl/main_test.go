package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// update rewrites the golden files from what the binary does now.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// binaryDir holds the eventctl built once for the whole test run, on
// first use (so that fuzzing workers, which run no such test, never
// build it).
var binaryDir string

var buildBinary = sync.OnceValues(func() (string, error) {
	path := filepath.Join(binaryDir, "eventctl")
	build := exec.Command("go", "build", "-o", path, ".")
	var out bytes.Buffer
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building eventctl: %v\n%s", err, out.Bytes())
	}
	return path, nil
})

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "eventctl-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binaryDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	code           int
	stdout, stderr string
}

// runTimeout bounds one run of eventctl in the tests.
const runTimeout = 30 * time.Second

// runBinary runs eventctl with args in dir, stdin from the file stdin
// (none when ""), and env added to the environment.
func runBinary(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	binary, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	// A command that waits for something that never comes (tail with too
	// high a --count, say) fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NATS_URL=")
	cmd.Env = append(cmd.Env, env...)
	if stdin != "" {
		f, err := os.Open(filepath.Join(dir, stdin))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("eventctl %v did not finish within %s; stdout:\n%s\nstderr:\n%s", args, runTimeout, out.String(), errOut.String())
	}
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running eventctl %v: %v", args, err)
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// transcript is how a golden file records a run.
func (r result) transcript(args []string, stdin string) string {
	var b strings.Builder
	b.WriteString("$ eventctl")
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'{}<>|&;$*?") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		b.WriteString(" " + a)
	}
	if stdin != "" {
		b.WriteString(" < " + stdin)
	}
	fmt.Fprintf(&b, "\nexit %d\n-- stdout --\n%s-- stderr --\n%s", r.code, r.stdout, r.stderr)
	return b.String()
}

// checkGolden compares got with testdata/golden/name.golden, or rewrites
// it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the tests with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// golden is one run of the binary compared with its golden file.
type golden struct {
	name  string
	args  []string
	stdin string // a file under the directory the command runs in
	dir   string // default testdata
}

func runGoldens(t *testing.T, cases []golden) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := c.dir
			if dir == "" {
				dir = "testdata"
			}
			r := runBinary(t, dir, c.stdin, nil, c.args...)
			checkGolden(t, c.name, r.transcript(c.args, c.stdin))
		})
	}
}
