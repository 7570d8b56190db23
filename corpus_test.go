package events

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The corpus under testdata/corpus holds events in the wire form of
// Event.MarshalJSON:
//
//   - valid/: events that Validate accepts;
//   - invalid/: events with exactly one mistake each, which Validate
//     refuses, named "<type or envelope>--<field>--<mistake>.json" after the
//     field at fault;
//   - beyond-schema/: events whose one mistake JSON Schema cannot express
//     (see the schemas' descriptions): Validate refuses them, a schema
//     validator accepts them.
//
// The conformance module checks that a JSON Schema validator, given the
// schemas, reaches the same verdict on valid/ and invalid/.

func corpusFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files in %s: %v", dir, err)
	}
	return files
}

// readCorpusEvent decodes and validates a corpus file.
func readCorpusEvent(path string) (Event, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Event{}, err
	}
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return Event{}, err
	}
	return e, e.Validate()
}

func TestCorpusValid(t *testing.T) {
	for _, path := range corpusFiles(t, "valid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			e, err := readCorpusEvent(path)
			if err != nil {
				t.Fatalf("Validate refuses a valid corpus event: %v", err)
			}
			// What is valid also travels as a CloudEvent.
			ce, err := ToCloudEvent(e)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := FromCloudEvent(ce); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCorpusInvalid(t *testing.T) {
	for _, dir := range []string{"invalid", "beyond-schema"} {
		for _, path := range corpusFiles(t, dir) {
			t.Run(dir+"/"+filepath.Base(path), func(t *testing.T) {
				parts := strings.Split(strings.TrimSuffix(filepath.Base(path), ".json"), "--")
				if len(parts) != 3 {
					t.Fatalf("name %q is not <type>--<field>--<mistake>.json", filepath.Base(path))
				}
				field := parts[1]
				_, err := readCorpusEvent(path)
				if err == nil {
					t.Fatal("Validate accepts it")
				}
				if !namesField(err, field) {
					t.Errorf("error does not name %s: %v", field, err)
				}
			})
		}
	}
}

// namesField reports whether err is about field: a field error of that
// path (a payload decoding error may name it without the "Payload."
// prefix, or below it, as in "Tags[n]"), or a syntax error in that field
// or the payload holding it.
func namesField(err error, field string) bool {
	var ve *ValidationError
	if errors.As(err, &ve) {
		short := strings.TrimPrefix(field, "Payload.")
		for _, f := range ve.Fields {
			for _, name := range []string{field, short} {
				if f.Field == name || strings.HasPrefix(f.Field, name+"[") || strings.HasPrefix(f.Field, name+".") {
					return true
				}
			}
		}
		return false
	}
	var se *SyntaxError
	if errors.As(err, &se) {
		return se.Field == field || strings.HasPrefix(field, se.Field+".")
	}
	return false
}
