package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// eventsGo declares the event types of the synthetic packages.
const eventsGo = `package events

// EventType identifies the kind of event.
type EventType string

const (
	EventTypeA EventType = "a.done"
	EventTypeB EventType = "b.done"
)

// Level is a named string type with constants.
type Level string

const (
	LevelHigh Level = "high"
	LevelLow  Level = "low"
)
`

// writePackage writes a synthetic events package to a new directory: the
// events.go above and payloads.go with decls after its package clause.
func writePackage(t *testing.T, decls string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"events.go":   eventsGo,
		"payloads.go": "package events\n\nimport \"time\"\n\nvar _ time.Time\n\n" + decls,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// payloadA is a payload struct APayload with body as its fields.
func payloadA(body string) string {
	return "// APayload is the payload of a.done.\ntype APayload struct {\n" + body + "}\n\n" +
		"// EventType returns EventTypeA.\nfunc (APayload) EventType() EventType { return EventTypeA }\n"
}

// subject is a valid subject field, for bodies that test something else.
const subject = "\t// Name is the subject.\n\tName string `events:\"required,subject\"`\n"

func TestLoadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		decls string
		want  []string // substrings of the error
	}{
		{
			name:  "slice field",
			decls: payloadA(subject + "\t// Counts are counts.\n\tCounts []int\n"),
			want:  []string{"APayload.Counts", "type []int is not supported"},
		},
		{
			name:  "pointer field",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote *string\n"),
			want:  []string{"APayload.Note", "type *string is not supported"},
		},
		{
			name:  "int field",
			decls: payloadA(subject + "\t// Count is a count.\n\tCount int\n"),
			want:  []string{"APayload.Count", "type int is not supported"},
		},
		{
			name:  "map of other values",
			decls: payloadA(subject + "\t// Counts are counts.\n\tCounts map[string]int64\n"),
			want:  []string{"APayload.Counts", "type map[string]int64 is not supported"},
		},
		{
			name:  "EventType field",
			decls: payloadA(subject + "\t// Cause is a type.\n\tCause EventType\n"),
			want:  []string{"APayload.Cause", "type EventType is not supported"},
		},
		{
			name:  "nested struct with an unsupported field",
			decls: payloadA(subject+"\t// Inner is nested.\n\tInner Inner\n") + "\n// Inner is nested.\ntype Inner struct {\n\t// Xs are xs.\n\tXs []string\n}\n",
			want:  []string{"Inner.Xs", "type []string is not supported"},
		},
		{
			name:  "unknown rule",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `events:\"optional\"`\n"),
			want:  []string{"APayload.Note", `rule "optional" does not apply to a field of type string`},
		},
		{
			name:  "min on a string",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `events:\"min=0\"`\n"),
			want:  []string{"APayload.Note", `rule "min=0" does not apply to a field of type string`},
		},
		{
			name:  "required on a bool",
			decls: payloadA(subject + "\t// OK is ok.\n\tOK bool `events:\"required\"`\n"),
			want:  []string{"APayload.OK", `rule "required" does not apply to a field of type bool`},
		},
		{
			name:  "unit on a string",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `events:\"unit=ms\"`\n"),
			want:  []string{"APayload.Note", `rule "unit=ms" does not apply`},
		},
		{
			name:  "hostport on an enum",
			decls: payloadA(subject + "\t// Level is a level.\n\tLevel Level `events:\"hostport\"`\n"),
			want:  []string{"APayload.Level", `rule "hostport" does not apply to a field of type Level`},
		},
		{
			name:  "subject on an int",
			decls: payloadA(subject + "\t// N is n.\n\tN int64 `events:\"subject\"`\n"),
			want:  []string{"APayload.N", `rule "subject" does not apply to a field of type int64`},
		},
		{
			name:  "rule with a space",
			decls: payloadA("\t// Name is the subject.\n\tName string `events:\"required, subject\"`\n"),
			want:  []string{"APayload.Name", `rule " subject" does not apply`},
		},
		{
			name:  "fractional min on an int",
			decls: payloadA(subject + "\t// N is n.\n\tN int64 `events:\"min=0.5\"`\n"),
			want:  []string{"APayload.N", "min=0.5 is not an integer"},
		},
		{
			name:  "min not a number",
			decls: payloadA(subject + "\t// F is f.\n\tF float64 `events:\"min=zero\"`\n"),
			want:  []string{"APayload.F", "min=zero is not a number"},
		},
		{
			name:  "max naming no sibling",
			decls: payloadA(subject + "\t// N is n.\n\tN int64 `events:\"max=Total\"`\n"),
			want:  []string{"APayload.N", "max=Total names no sibling of the same type"},
		},
		{
			name:  "max naming a sibling of another type",
			decls: payloadA(subject + "\t// Total is a total.\n\tTotal float64\n\t// N is n.\n\tN int64 `events:\"max=Total\"`\n"),
			want:  []string{"APayload.N", "max=Total names no sibling of the same type"},
		},
		{
			name:  "missing subject",
			decls: payloadA("\t// Name is not the subject.\n\tName string `events:\"required\"`\n"),
			want:  []string{"APayload", `no field tagged events:"subject"`},
		},
		{
			name:  "two subjects",
			decls: payloadA(subject + "\t// Other is a second subject.\n\tOther string `events:\"subject\"`\n"),
			want:  []string{"APayload.Other", "subject", "Name"},
		},
		{
			name:  "subject in a nested struct",
			decls: payloadA(subject+"\t// Inner is nested.\n\tInner Inner\n") + "\n// Inner is nested.\ntype Inner struct {\n\t// Key is a key.\n\tKey string `events:\"subject\"`\n}\n",
			want:  []string{"Inner.Key", "subject"},
		},
		{
			name:  "field without a doc comment",
			decls: payloadA(subject + "\tNote string\n"),
			want:  []string{"APayload.Note has no doc comment"},
		},
		{
			name:  "nested field without a doc comment",
			decls: payloadA(subject+"\t// Inner is nested.\n\tInner Inner\n") + "\n// Inner is nested.\ntype Inner struct {\n\tKey string\n}\n",
			want:  []string{"Inner.Key has no doc comment"},
		},
		{
			name:  "keys equal under case folding",
			decls: payloadA(subject + "\t// ID is an id.\n\tID string\n\t// Id is another.\n\tId string\n"),
			want:  []string{"APayload.Id", `wire key "Id" is used twice`},
		},
		{
			name:  "json name equal to another key under case folding",
			decls: payloadA(subject + "\t// Other is named by its tag.\n\tOther string `json:\"name\"`\n"),
			want:  []string{"APayload.Other", `wire key "name" is used twice`},
		},
		{
			name:  "json tag with omitempty",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `json:\"note,omitempty\"`\n"),
			want:  []string{"APayload.Note", "json tag options are not supported"},
		},
		{
			name:  "json tag with string",
			decls: payloadA(subject + "\t// N is n.\n\tN int64 `json:\",string\"`\n"),
			want:  []string{"APayload.N", "json tag options are not supported"},
		},
		{
			name:  "json tag dropping the field",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `json:\"-\"`\n"),
			want:  []string{"APayload.Note", "json tag options are not supported"},
		},
		{
			name:  "json name not ASCII",
			decls: payloadA(subject + "\t// Note is a note.\n\tNote string `json:\"noté\"`\n"),
			want:  []string{"APayload.Note", "must be ASCII letters, digits and '_'"},
		},
		{
			name:  "unexported field",
			decls: payloadA(subject + "\t// note is a note.\n\tnote string\n"),
			want:  []string{"APayload.note", "must be exported"},
		},
		{
			name:  "two fields on a line",
			decls: payloadA(subject + "\t// A and B are two.\n\tA, B string\n"),
			want:  []string{"APayload", "one field per line"},
		},
		{
			name:  "embedded field",
			decls: payloadA(subject+"\t// Inner is embedded.\n\tInner\n") + "\n// Inner is embedded.\ntype Inner struct {\n\t// Key is a key.\n\tKey string\n}\n",
			want:  []string{"APayload", "one field per line"},
		},
		{
			name:  "struct nested in itself",
			decls: payloadA(subject+"\t// Inner is nested.\n\tInner Inner\n") + "\n// Inner nests itself.\ntype Inner struct {\n\t// Next is itself.\n\tNext Inner\n}\n",
			want:  []string{"nested too deep"},
		},
		{
			name:  "EventType not returning a constant",
			decls: "// APayload is a payload.\ntype APayload struct {\n" + subject + "}\n\n// EventType returns a.done.\nfunc (APayload) EventType() EventType { return \"a.done\" }\n",
			want:  []string{"APayload.EventType", "must return an EventType constant"},
		},
		{
			name:  "EventType with a pointer receiver",
			decls: "// APayload is a payload.\ntype APayload struct {\n" + subject + "}\n\n// EventType returns a.done.\nfunc (*APayload) EventType() EventType { return EventTypeA }\n",
			want:  []string{"value receiver"},
		},
		{
			name: "two payloads of one type",
			decls: payloadA(subject) + "\n// BPayload is another payload.\ntype BPayload struct {\n" + subject + "}\n\n" +
				"// EventType returns EventTypeA.\nfunc (BPayload) EventType() EventType { return EventTypeA }\n",
			want: []string{`two payloads have the type "a.done"`},
		},
		{
			name:  "no payloads",
			decls: "// APayload has no EventType method.\ntype APayload struct {\n" + subject + "}\n",
			want:  []string{"no payloads"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := load(writePackage(t, tc.decls))
			if err == nil {
				t.Fatalf("load accepted the package (%d payloads); want an error containing %q", len(m.payloads), tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadRefusesPackageWithoutPayloadsFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "events.go"), []byte(eventsGo), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load(dir); err == nil || !strings.Contains(err.Error(), "no payloads.go") {
		t.Fatalf("load: %v; want an error about the missing payloads.go", err)
	}
}

// TestLoadMinimal loads a small package using every kind of field and
// requires the model and the names of the generated files.
func TestLoadMinimal(t *testing.T) {
	dir := writePackage(t, payloadA(subject+
		"\t// OK is a bool.\n\tOK bool\n"+
		"\t// Total is a count.\n\tTotal int64 `events:\"min=0,unit=requests\"`\n"+
		"\t// Failed is at most Total.\n\tFailed int64 `events:\"min=0,max=Total\"`\n"+
		"\t// Rate is a fraction.\n\tRate float64 `events:\"min=0,max=1\"`\n"+
		"\t// Took is a duration.\n\tTook time.Duration\n"+
		"\t// At is a time.\n\tAt time.Time `events:\"required\"`\n"+
		"\t// Tags are tags.\n\tTags map[string]string\n"+
		"\t// Level is an enum.\n\tLevel Level\n"+
		"\t// Addr is an address.\n\tAddr string `json:\"address\" events:\"hostport\"`\n"+
		"\t// Inner is nested.\n\tInner Inner\n")+
		"\n// Inner is nested.\ntype Inner struct {\n\t// Key is a key.\n\tKey string `events:\"required\"`\n}\n"+
		"\n// BPayload is the payload of b.done.\ntype BPayload struct {\n\t// ID is the subject.\n\tID string `events:\"subject\"`\n}\n\n"+
		"// EventType returns EventTypeB.\nfunc (BPayload) EventType() EventType { return EventTypeB }\n")
	m, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.payloads) != 2 {
		t.Fatalf("%d payloads, want 2", len(m.payloads))
	}
	a, b := m.payloads[0], m.payloads[1]
	if a.name != "APayload" || a.eventType != "a.done" || a.typeConst != "EventTypeA" || a.subject == nil || a.subject.name != "Name" {
		t.Errorf("payload A read as %s %q %s subject %v", a.name, a.eventType, a.typeConst, a.subject)
	}
	if b.name != "BPayload" || b.eventType != "b.done" || b.subject == nil || b.subject.name != "ID" || b.subject.required {
		t.Errorf("payload B read as %s %q subject %v", b.name, b.eventType, b.subject)
	}
	kinds := map[string]kind{}
	for _, f := range a.fields {
		kinds[f.name] = f.kind
	}
	wantKinds := map[string]kind{
		"Name": kindString, "OK": kindBool, "Total": kindInt, "Failed": kindInt, "Rate": kindFloat,
		"Took": kindInt, "At": kindTime, "Tags": kindStringMap, "Level": kindString, "Addr": kindString, "Inner": kindStruct,
	}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("kinds %v, want %v", kinds, wantKinds)
	}
	if f := a.field("Addr"); f.key != "address" || !f.hostport || !f.required {
		t.Errorf("Addr: key %q hostport %v required %v", f.key, f.hostport, f.required)
	}
	if f := a.field("Failed"); f.min != "0" || f.maxField != "Total" {
		t.Errorf("Failed: min %q maxField %q", f.min, f.maxField)
	}
	if f := a.field("Total"); f.unit != "requests" || f.doc != "Total is a count." {
		t.Errorf("Total: unit %q doc %q", f.unit, f.doc)
	}
	if f := a.field("Level"); f.enum == nil || f.enum.name != "Level" || len(f.enum.consts) != 2 {
		t.Errorf("Level: enum %+v", f.enum)
	}
	if f := a.field("Inner"); f.nested == nil || len(f.nested.fields) != 1 || !f.nested.fields[0].required {
		t.Errorf("Inner: nested %+v", f.nested)
	}

	files, err := generate(m)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.name)
		if len(f.data) == 0 {
			t.Errorf("%s is empty", f.name)
		}
	}
	want := []string{
		"zz_generated_codec.go",
		"zz_generated_validate.go",
		"zz_generated_table.go",
		"schemas/a.done.json",
		"schemas/b.done.json",
		"schemas/event.json",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("generated %q, want %q", names, want)
	}

	// run writes those files under out, creating schemas/.
	out := t.TempDir()
	if err := run(dir, out); err != nil {
		t.Fatal(err)
	}
	for _, name := range want {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(name))); err != nil {
			t.Error(err)
		}
	}
}
