package main

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/algoryn/events"
)

// TestPayloadZerosCoverTypes checks that eventctl knows the payload, the
// emitters and the listeners of every type the events package defines,
// and nothing else.
func TestPayloadZerosCoverTypes(t *testing.T) {
	types := events.Types()
	if len(payloadZeros) != len(types) || len(flow) != len(types) {
		t.Fatalf("payloadZeros has %d types and flow %d, events.Types %d", len(payloadZeros), len(flow), len(types))
	}
	for _, typ := range types {
		p, ok := payloadZeros[typ]
		if !ok {
			t.Errorf("payloadZeros lacks %s", typ)
			continue
		}
		if p.EventType() != typ {
			t.Errorf("payloadZeros[%s] is a payload of %s", typ, p.EventType())
		}
		if _, ok := flow[typ]; !ok {
			t.Errorf("flow lacks %s", typ)
		}
	}
}

// TestFlowMatchesPackageDoc checks the table of `eventctl types` against
// the "Event flow" table of the events package's doc, its one source.
func TestFlowMatchesPackageDoc(t *testing.T) {
	doc, err := os.ReadFile("../../doc.go")
	if os.IsNotExist(err) {
		t.Skip("the events package's doc.go is not beside this module")
	}
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(doc), "//\tType ")
	if !ok {
		t.Fatal("no Event flow table in ../../doc.go")
	}
	cols := regexp.MustCompile(`\s{2,}`)
	rows := 0
	for _, line := range strings.Split(table, "\n")[1:] {
		line, ok := strings.CutPrefix(line, "//\t")
		if !ok {
			break
		}
		f := cols.Split(strings.TrimSpace(line), -1)
		if len(f) != 4 {
			t.Fatalf("row %q has %d columns", line, len(f))
		}
		typ := events.EventType(f[0])
		got := flow[typ]
		if got.emittedBy != f[1] || got.listenedBy != f[2] {
			t.Errorf("%s: flow says emitted by %q, listened to by %q; the package doc %q, %q", typ, got.emittedBy, got.listenedBy, f[1], f[2])
		}
		if name := reflect.TypeOf(payloadZeros[typ]).Name(); name != f[3] {
			t.Errorf("%s: payload %s, the package doc says %s", typ, name, f[3])
		}
		rows++
	}
	if rows != len(events.Types()) {
		t.Errorf("the package doc lists %d types, events.Types %d", rows, len(events.Types()))
	}
}

func TestSetField(t *testing.T) {
	typ, _ := payloadType(events.EventTypeRunCompleted)
	tests := []struct {
		path, value string
		want        string // the tree as JSON, or the start of the error
	}{
		{"RunID", "r-1", `{"RunID":"r-1"}`},
		{"runid", "r-1", `{"RunID":"r-1"}`},
		{"Passed", "true", `{"Passed":true}`},
		{"Passed", "yes", `error: Passed: "yes" is not true or false`},
		{"Duration", "1m30s", `{"Duration":90000000000}`},
		{"Duration", "42", `{"Duration":42}`},
		{"Summary.P99Ms", "187.4", `{"Summary":{"P99Ms":187.4}}`},
		{"Summary.RPS", "NaN", `error: Summary.RPS: "NaN" is not a finite number`},
		{"Summary.Total", "1.5", `error: Summary.Total: "1.5" is not an integer`},
		{"Summary", `{"Total":3}`, `{"Summary":{"Total":3}}`},
		{"Summary.Nope", "1", `error: Summary (RunSummary) has no field "Nope"`},
		{"RunID.X", "1", `error: RunID is a string, not a struct or map`},
	}
	for _, tt := range tests {
		tree := payloadTree{}
		err := setField(tree, typ, tt.path, tt.value)
		got := ""
		if err != nil {
			got = "error: " + err.Error()
		} else {
			b, _ := jsonMarshal(tree)
			got = string(b)
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("setField(%s=%s) = %s, want %s", tt.path, tt.value, got, tt.want)
		}
	}
	typ, _ = payloadType(events.EventTypeAlertFired)
	tree := payloadTree{}
	for _, s := range [][2]string{{"Labels.team", "sre"}, {"Labels.a.b", "c"}, {"FiredAt", "2026-05-01T12:00:00+02:00"}} {
		if err := setField(tree, typ, s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := jsonMarshal(tree)
	if want := `{"FiredAt":"2026-05-01T10:00:00Z","Labels":{"a.b":"c","team":"sre"}}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

// FuzzSetField checks that any --set path and value either is refused
// with an error or gives a payload that encodes as JSON, never a panic.
func FuzzSetField(f *testing.F) {
	for _, s := range [][2]string{{"RunID", "r"}, {"Duration", "90s"}, {"Summary.P99Ms", "1e3"}, {"Summary", `{"Total":1}`}, {"Tags.a.b", "c"}, {"FiredAt", "now"}, {"Labels", "[1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, value string) {
		for _, typ := range events.Types() {
			rt, _ := payloadType(typ)
			tree := payloadTree{}
			if setField(tree, rt, path, value) != nil {
				continue
			}
			if _, err := jsonMarshal(tree); err != nil {
				t.Fatalf("%s: --set %s=%s gave a tree that does not encode: %v", typ, path, value, err)
			}
		}
	})
}
