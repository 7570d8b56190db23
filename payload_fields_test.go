package events

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestEveryFieldTravels is the guard against a forgotten step: for every
// payload of the generated table it sets every field, found by
// reflection, to a valid non-zero value chosen from the field's "events"
// tag and its schema, then requires that
//
//   - New, AppendJSON, ParseEvent and DecodePayload (and Decode) give back
//     an equal value;
//   - the decoder's fast path reads the payload New writes (when no
//     string needs an escape) into an equal value;
//   - the payload bytes are encoding/json's;
//   - the payload's JSON Schema lists the field;
//   - the zero value of each required field fails validation, naming
//     exactly that field.
//
// A field added to payloads.go without go generate fails here.
func TestEveryFieldTravels(t *testing.T) {
	for _, k := range payloadTable {
		t.Run(string(k.typ), func(t *testing.T) {
			typ := reflect.TypeOf(k.zero)
			schemaBytes, ok := Schema(k.typ)
			if !ok {
				t.Fatalf("no schema for %s", k.typ)
			}
			var schema map[string]any
			if err := json.Unmarshal(schemaBytes, &schema); err != nil {
				t.Fatal(err)
			}
			v := reflect.New(typ).Elem()
			var required []string
			fillValid(t, v, schema, "", &required, "<&>")
			p := v.Interface().(Payload)

			e, err := New(SourcePulse, p)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			want, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(e.Payload) != string(want) {
				t.Errorf("payload bytes differ from encoding/json:\nours          %s\nencoding/json %s", e.Payload, want)
			}
			wire, err := e.AppendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseEvent(wire)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodePayload(back)
			if err != nil {
				t.Fatalf("DecodePayload: %v", err)
			}
			if !reflect.DeepEqual(got, p) {
				t.Errorf("round trip changed the payload:\nsent %+v\ngot  %+v", p, got)
			}
			viaDecode := reflect.New(typ)
			if err := decodeOnly(k.typ, back.Payload, viaDecode.Interface().(ownPayloadPtr)); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(viaDecode.Elem().Interface(), p) {
				t.Errorf("decoder changed the payload:\nsent %+v\ngot  %+v", p, viaDecode.Elem())
			}
			checkFastPath(t, typ, schema)
			viaJSON := reflect.New(typ)
			if err := json.Unmarshal(back.Payload, viaJSON.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(viaJSON.Elem().Interface(), p) {
				t.Errorf("encoding/json reads another payload:\nsent %+v\ngot  %+v", p, viaJSON.Elem())
			}

			for _, path := range required {
				bad := reflect.New(typ).Elem()
				bad.Set(v)
				fieldByPath(bad, path).SetZero()
				err := bad.Interface().(interface{ Validate() error }).Validate()
				ve, ok := err.(*ValidationError)
				if !ok || len(ve.Fields) != 1 || ve.Fields[0].Field != path {
					t.Errorf("zero %s: Validate() = %v, want one error for %s", path, err, path)
				}
			}
		})
	}
}

// checkFastPath fills a payload of type typ with values that need no
// escape and requires the decoder's fast path to read what New writes
// for it, into an equal value.
func checkFastPath(t *testing.T, typ reflect.Type, schema map[string]any) {
	t.Helper()
	v := reflect.New(typ).Elem()
	fillValid(t, v, schema, "", new([]string), "")
	p := v.Interface().(Payload)
	e, err := New(SourcePulse, p)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var d payloadDecoder
	fast := reflect.New(typ)
	if end, ok := fast.Interface().(ownPayloadPtr).decodeCanonical(&d, e.Payload, 0); !ok || end != len(e.Payload) {
		t.Errorf("the decoder's fast path does not read the payload New writes: ok %v, end %d of %d: %s", ok, end, len(e.Payload), e.Payload)
	} else if !reflect.DeepEqual(fast.Elem().Interface(), p) {
		t.Errorf("the decoder's fast path changed the payload:\nsent %+v\ngot  %+v", p, fast.Elem())
	}
}

// fillValid sets every field of the struct v to a valid non-zero value,
// checking that schema (the struct's JSON Schema object) lists it, and
// collects the paths of the required fields. Free text ends with escaped,
// characters that encoding/json escapes (or not, when it is "").
func fillValid(t *testing.T, v reflect.Value, schema map[string]any, prefix string, required *[]string, escaped string) {
	t.Helper()
	props, _ := schema["properties"].(map[string]any)
	st := v.Type()
	for i := 0; i < st.NumField(); i++ {
		sf := st.Field(i)
		path := prefix + sf.Name
		prop, ok := props[sf.Name].(map[string]any)
		if !ok {
			t.Errorf("the schema does not list %s", path)
			prop = map[string]any{} // fill it all the same: the round trip must see it
		}
		rules := tagRules(sf.Tag.Get("events"))
		if _, ok := rules["required"]; ok {
			*required = append(*required, path)
		} else if _, ok := rules["hostport"]; ok {
			*required = append(*required, path)
		}
		f := v.Field(i)
		switch {
		case sf.Type == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Date(2026, 5, 1, 12, 0, i, 7, time.UTC)))
		case f.Kind() == reflect.Struct:
			fillValid(t, f, prop, path+".", required, escaped)
		case f.Kind() == reflect.String:
			s := "value-" + strings.ToLower(sf.Name) + " " + escaped
			if enum, ok := prop["enum"].([]any); ok {
				s = enum[len(enum)-1].(string)
			}
			if _, ok := rules["hostport"]; ok {
				s = "host-" + strings.ToLower(sf.Name) + ".example:8080"
			}
			f.SetString(s)
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.Kind() == reflect.Int64:
			f.SetInt(int64(1000 - i)) // decreasing: a max=Sibling holds
		case f.Kind() == reflect.Float64:
			val := 0.5 + float64(i)
			if max, ok := rules["max"]; ok {
				if m, err := strconv.ParseFloat(max, 64); err == nil {
					val = m / 2
				}
			}
			f.SetFloat(val)
		case f.Kind() == reflect.Map:
			f.Set(reflect.ValueOf(map[string]string{"k-" + sf.Name: "v", "a": "b" + escaped}))
		default:
			t.Fatalf("%s: no valid value for a %s; teach fillValid", path, sf.Type)
		}
	}
}

// tagRules parses an "events" struct tag into its rules.
func tagRules(tag string) map[string]string {
	rules := map[string]string{}
	if tag == "" {
		return rules
	}
	for _, r := range strings.Split(tag, ",") {
		name, arg, _ := strings.Cut(r, "=")
		rules[name] = arg
	}
	return rules
}

func fieldByPath(v reflect.Value, path string) reflect.Value {
	for _, name := range strings.Split(path, ".") {
		v = v.FieldByName(name)
	}
	return v
}
