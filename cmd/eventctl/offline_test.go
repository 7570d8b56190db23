package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestValidateGolden(t *testing.T) {
	runGoldens(t, []golden{
		{name: "validate-valid", args: []string{"validate", "validate/valid.ndjson"}},
		{name: "validate-mixed", args: []string{"validate", "validate/mixed.ndjson"}},
		{name: "validate-mixed-json", args: []string{"validate", "--json", "validate/mixed.ndjson"}},
		{name: "validate-array", args: []string{"validate", "validate/array.json"}},
		{name: "validate-pretty", args: []string{"validate", "validate/pretty.json"}},
		{name: "validate-empty", args: []string{"validate", "validate/empty.ndjson"}},
		{name: "validate-truncated-array", args: []string{"validate", "validate/truncated-array.json"}},
		{name: "validate-stdin", args: []string{"validate"}, stdin: "validate/mixed.ndjson"},
		{name: "validate-directory", args: []string{"validate", "validate"}},
		{name: "validate-missing", args: []string{"validate", "validate/missing.ndjson", "validate/valid.ndjson"}},
		{name: "validate-unknown-allowed", args: []string{"validate", "--allow-unknown", "validate/mixed.ndjson"}},
		{name: "validate-bad-flag", args: []string{"validate", "--jsn", "validate/valid.ndjson"}},
	})
}

// TestValidateTooLarge checks that a record over the limit is reported and
// skipped, and the records around it still checked. The file is made
// here: it is too large to keep in git.
func TestValidateTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	valid, err := os.ReadFile(filepath.Join("testdata", "validate", "valid.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(valid), "\n")
	big := `{"ID":"big","Type":"run.completed","Source":"pulse","Payload":{"RunID":"` + strings.Repeat("x", maxRecordBytes) + `"}}`
	data := first + "\n" + big + "\n" + first + "\n"
	if err := os.WriteFile(filepath.Join(dir, "big.ndjson"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"validate", "big.ndjson"}
	r := runBinary(t, dir, "", nil, args...)
	checkGolden(t, "validate-too-large", r.transcript(args, ""))
}

// TestValidateReadFails: a file whose reading fails part-way is reported,
// the records read before the failure and the other files are still
// checked, and the exit status is 2. It runs in process, the first input
// being a standard input that fails after one event.
func TestValidateReadFails(t *testing.T) {
	t.Parallel()
	valid, err := os.ReadFile(filepath.Join("testdata", "validate", "valid.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(valid), "\n")
	stdin := io.MultiReader(strings.NewReader(first+"\n"+first[:40]), iotest.ErrReader(errors.New("connection reset by peer")))
	args := []string{"validate", "-", "testdata/validate/valid.ndjson"}
	var stdout, stderr bytes.Buffer
	code := run(args, stdin, &stdout, &stderr)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	checkGolden(t, "validate-read-fails", r.transcript(args, "(one event, then a read error)"))
}

func TestNewGolden(t *testing.T) {
	fixed := []string{"--id", "0196a1b2-0000-7000-8000-000000000001", "--time", "2026-05-01T12:00:00Z"}
	runGoldens(t, []golden{
		{name: "new-set", args: append([]string{"new", "run.completed", "--source", "pulse", "--set", "RunID=r-42", "--set", "Service=checkout",
			"--set", "Passed=true", "--set", "Duration=90s", "--set", "Summary.Total=1000", "--set", "Summary.P99Ms=187.4"}, fixed...)},
		{name: "new-payload", args: append([]string{"new", "service.registered", "--source", "deploy",
			"--payload", `{"Name":"checkout","Address":"10.0.0.7:8080"}`, "--set", "Tags.version=1.2.0"}, fixed...)},
		{name: "new-payload-file", args: append([]string{"new", "alert.fired", "--source", "beacon", "--payload", "@new/alert.json", "--format", "cloudevents"}, fixed...)},
		{name: "new-invalid", args: append([]string{"new", "run.completed", "--source", "pulse", "--set", "RunID=r-42",
			"--set", "Summary.ErrorRate=1.7", "--set", "Summary.Failed=-1"}, fixed...)},
		{name: "new-unknown-field", args: []string{"new", "run.completed", "--source", "pulse", "--set", "Summary.P99=1"}},
		{name: "new-unknown-payload-key", args: []string{"new", "run.completed", "--source", "pulse", "--payload", `{"RunID":"r","Servce":"x"}`}},
		{name: "new-bad-duration", args: []string{"new", "run.completed", "--source", "pulse", "--set", "Duration=ninety"}},
		{name: "new-unknown-type", args: []string{"new", "run.complete", "--source", "pulse"}},
		{name: "new-no-source", args: []string{"new", "run.completed"}},
		{name: "new-bad-source", args: append([]string{"new", "service.deregistered", "--source", "not a uri", "--set", "Name=checkout", "--set", "Address=10.0.0.7:8080"}, fixed...)},
	})
}

func TestConvertGolden(t *testing.T) {
	runGoldens(t, []golden{
		{name: "convert-to-cloudevents", args: []string{"convert", "--to", "cloudevents", "validate/valid.ndjson"}},
		{name: "convert-to-envelope", args: []string{"convert", "--to", "envelope", "validate/valid.ndjson"}},
		{name: "convert-mixed", args: []string{"convert", "--to", "cloudevents", "validate/mixed.ndjson"}},
		{name: "convert-bad-to", args: []string{"convert", "--to", "xml", "validate/valid.ndjson"}},
	})
}

// TestConvertRoundTrip converts to CloudEvents and back and expects the
// envelopes it started from.
func TestConvertRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := runBinary(t, "testdata", "", nil, "convert", "--to", "cloudevents", "validate/valid.ndjson")
	if r.code != 0 {
		t.Fatalf("to cloudevents: exit %d, %s", r.code, r.stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "ce.ndjson"), []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	back := runBinary(t, dir, "", nil, "convert", "--to", "envelope", "ce.ndjson")
	want := runBinary(t, "testdata", "", nil, "convert", "--to", "envelope", "validate/valid.ndjson")
	if back.code != 0 || back.stdout != want.stdout {
		t.Errorf("round trip: exit %d\n got %s\nwant %s", back.code, back.stdout, want.stdout)
	}
}

func TestSchemaAndTypesGolden(t *testing.T) {
	runGoldens(t, []golden{
		{name: "types", args: []string{"types"}},
		{name: "types-json", args: []string{"types", "--json"}},
		{name: "schema-envelope", args: []string{"schema"}},
		{name: "schema-type", args: []string{"schema", "threshold.violated"}},
		{name: "schema-unknown", args: []string{"schema", "nope"}},
	})
}

func TestHelpGolden(t *testing.T) {
	var cases []golden
	for _, c := range [][]string{{"--help"}, {"validate", "--help"}, {"new", "--help"}, {"convert", "--help"}, {"schema", "--help"},
		{"types", "--help"}, {"publish", "--help"}, {"tail", "--help"}, {"dlq", "--help"}, {"dlq", "ls", "--help"},
		{"dlq", "show", "--help"}, {"dlq", "replay", "--help"}, {"dlq", "purge", "--help"}, {"stats", "--help"}} {
		cases = append(cases, golden{name: "help-" + strings.Join(c[:len(c)-1], "-"), args: c})
	}
	cases[0].name = "help"
	cases = append(cases, golden{name: "version", args: []string{"--version"}}, golden{name: "unknown-command", args: []string{"vaildate"}})
	runGoldens(t, cases)
}
