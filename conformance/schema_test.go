package conformance

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/algoryn/events"
)

// compileSchemas compiles the envelope schema and each payload schema of
// the events package with a real JSON Schema validator, formats asserted.
func compileSchemas(t testing.TB) (envelope *jsonschema.Schema, payloads map[events.EventType]*jsonschema.Schema) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	add := func(url string, b []byte) {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("%s: %v", url, err)
		}
	}
	add(events.SchemaBaseURI+"event.json", events.EnvelopeSchema())
	for _, typ := range events.Types() {
		b, ok := events.Schema(typ)
		if !ok {
			t.Fatalf("no schema for %s", typ)
		}
		add(events.SchemaBaseURI+string(typ)+".json", b)
	}
	var err error
	if envelope, err = c.Compile(events.SchemaBaseURI + "event.json"); err != nil {
		t.Fatal(err)
	}
	payloads = map[events.EventType]*jsonschema.Schema{}
	for _, typ := range events.Types() {
		if payloads[typ], err = c.Compile(events.SchemaBaseURI + string(typ) + ".json"); err != nil {
			t.Fatal(err)
		}
	}
	return envelope, payloads
}

func instance(t testing.TB, b []byte) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return v
}

// The validator and Event.Validate agree on every corpus file: valid/
// passes both, invalid/ fails both, and beyond-schema/ (rules JSON Schema
// cannot express) passes the schema but not Validate.
func TestSchemaValidatorAgreesOnCorpus(t *testing.T) {
	envelope, _ := compileSchemas(t)
	for _, dir := range []string{"valid", "invalid", "beyond-schema"} {
		for _, path := range glob(t, filepath.Join("..", "testdata", "corpus", dir, "*.json")) {
			t.Run(dir+"/"+filepath.Base(path), func(t *testing.T) {
				b := readFile(t, path)
				schemaErr := envelope.Validate(instance(t, b))
				var e events.Event
				goErr := json.Unmarshal(b, &e)
				if goErr == nil {
					goErr = e.Validate()
				}
				wantSchemaOK := dir != "invalid"
				wantGoOK := dir == "valid"
				if (schemaErr == nil) != wantSchemaOK {
					t.Errorf("schema validator: %v, want valid=%v", schemaErr, wantSchemaOK)
				}
				if (goErr == nil) != wantGoOK {
					t.Errorf("Validate: %v, want valid=%v", goErr, wantGoOK)
				}
				if dir == "invalid" && schemaErr != nil {
					// The validator blames the same field as the file name.
					field := strings.Split(filepath.Base(path), "--")[1]
					leaf := field[strings.LastIndex(field, ".")+1:]
					msg := schemaErr.Error()
					// jsonschema v6.0.3 reports an empty map key at the wrong
					// location (a sibling field), but names the rule.
					emptyKey := strings.HasSuffix(path, "--empty-key.json") && strings.Contains(msg, "invalid propertyName ''")
					if !emptyKey && !strings.Contains(msg, leaf) && !strings.Contains(msg, "/"+strings.ReplaceAll(field, ".", "/")) {
						t.Errorf("validator does not blame %s: %v", field, schemaErr)
					}
				}
			})
		}
	}
}

// Every golden file of the root package validates: the envelope goldens
// (testdata/golden/*.json, if present) against the envelope schema, the
// CloudEvents goldens' data against the payload schema of their type.
func TestSchemaValidatorAcceptsGoldens(t *testing.T) {
	envelope, payloads := compileSchemas(t)
	// The envelope goldens, wherever they are under testdata/golden (but
	// for the CloudEvents form): what the Go side accepts, the schema
	// must accept too.
	var goldens []string
	root := filepath.Join("..", "testdata", "golden")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "cloudevents" {
			return filepath.SkipDir
		}
		// The v0.2.0 record (base64 Payload) is a form the Go side still
		// reads but no longer writes; the schemas describe the written form.
		if !d.IsDir() && strings.HasSuffix(path, ".json") && !strings.HasPrefix(d.Name(), "v0.2.0-") {
			goldens = append(goldens, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range goldens {
		b := readFile(t, path)
		var e events.Event
		if err := json.Unmarshal(b, &e); err != nil || e.Validate() != nil {
			t.Logf("%s: not a valid event for the Go side, skipped", path)
			continue
		}
		if err := envelope.Validate(instance(t, b)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	for _, path := range glob(t, filepath.Join("..", "testdata", "golden", "cloudevents", "*.json")) {
		e, err := events.FromCloudEvent(readFile(t, path))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := payloads[e.Type].Validate(instance(t, e.Payload)); err != nil {
			t.Errorf("%s: data: %v", path, err)
		}
		wire, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := envelope.Validate(instance(t, wire)); err != nil {
			t.Errorf("%s as an Event: %v", path, err)
		}
	}
	if len(goldens) == 0 {
		t.Log("no envelope goldens in testdata/golden yet; only the CloudEvents goldens were checked")
	}
	if _, err := os.Stat(filepath.Join("..", "testdata", "golden", "cloudevents")); err != nil {
		t.Fatal(err)
	}
}

// Events made by New for every fixture validate.
func TestSchemaValidatorAcceptsFixtures(t *testing.T) {
	envelope, payloads := compileSchemas(t)
	for _, f := range append(fixtures(t), awkward(t)) {
		if err := payloads[f.event.Type].Validate(instance(t, f.event.Payload)); err != nil {
			t.Errorf("%s payload: %v", f.event.Type, err)
		}
		wire, err := json.Marshal(f.event)
		if err != nil {
			t.Fatal(err)
		}
		if err := envelope.Validate(instance(t, wire)); err != nil {
			t.Errorf("%s: %v", f.event.Type, err)
		}
	}
}
