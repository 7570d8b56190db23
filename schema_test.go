package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/algoryn/events/internal/uriref"
)

// The drift test: each JSON Schema under schemas/ must say what the Go
// types and their Validate methods say — the same properties, JSON types,
// required fields, numeric bounds, enums and formats — and list the rules
// it cannot express in its description.

// schemaSamples are valid payloads with every field set, the starting
// point of the single-field changes below.
func schemaSamples() map[EventType]Payload {
	return map[EventType]Payload{
		EventTypeRunCompleted: RunCompletedPayload{RunID: "r", Service: "s", Passed: true, Duration: time.Second,
			Summary: RunSummary{Total: 10, Failed: 1, RPS: 5, ErrorRate: 0.1, P99Ms: 20}},
		EventTypeThresholdViolated:   ThresholdViolatedPayload{Service: "s", Source: "relay", Description: "d", Actual: 2, Limit: 1},
		EventTypeServiceRegistered:   ServiceRegisteredPayload{Name: "n", Address: "h:80", Tags: map[string]string{"k": "v"}},
		EventTypeServiceDeregistered: ServiceDeregisteredPayload{Name: "n", Address: "h:80", Tags: map[string]string{"k": "v"}},
		EventTypeAlertFired: AlertFiredPayload{AlertID: "a", RuleID: "r", RuleName: "n", Severity: SeverityInfo, Service: "s",
			Summary: "x", FiredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Labels: map[string]string{"k": "v"}, CorrelationEventID: "c"},
	}
}

// crossFieldRules are the rules that involve two fields, so JSON Schema
// cannot state them; each must be named in the schema's description.
var crossFieldRules = map[EventType][]string{
	EventTypeRunCompleted: {"Summary.Failed", "Summary.Total"},
}

// exemptBounds lists fields whose upper bound in Go is a cross-field rule.
var exemptBounds = map[string]bool{"Summary.Failed": true}

func parseSchema(t *testing.T, b []byte) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return m
}

func TestSchemaFilesAndIDs(t *testing.T) {
	for _, typ := range Types() {
		b, ok := Schema(typ)
		if !ok {
			t.Fatalf("no schema for %s", typ)
		}
		s := parseSchema(t, b)
		if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema %v", typ, s["$schema"])
		}
		if s["$id"] != SchemaBaseURI+string(typ)+".json" {
			t.Errorf("%s: $id %v", typ, s["$id"])
		}
		if d, _ := s["description"].(string); !strings.Contains(d, string(typ)) {
			t.Errorf("%s: description %q does not name the type", typ, d)
		}
		b[0] = 'x' // a copy: changing it changes nothing
		if again, _ := Schema(typ); again[0] != '{' {
			t.Error("Schema returned shared bytes")
		}
	}
	for _, typ := range []EventType{"", "build.started", "../event", "event"} {
		if b, ok := Schema(typ); ok || b != nil {
			t.Errorf("Schema(%q) = %d bytes, %v", typ, len(b), ok)
		}
	}
	env := parseSchema(t, EnvelopeSchema())
	if env["$id"] != SchemaBaseURI+"event.json" {
		t.Errorf("envelope $id %v", env["$id"])
	}
}

func TestSchemaMatchesPayloadTypes(t *testing.T) {
	samples := schemaSamples()
	for _, typ := range Types() {
		t.Run(string(typ), func(t *testing.T) {
			b, _ := Schema(typ)
			s := parseSchema(t, b)
			sample := samples[typ]
			if err := sample.(interface{ Validate() error }).Validate(); err != nil {
				t.Fatalf("sample invalid: %v", err)
			}
			d := &drift{t: t, typ: typ, sample: sample}
			d.object(s, reflect.TypeOf(sample), "")
			desc, _ := s["description"].(string)
			for _, f := range crossFieldRules[typ] {
				if !strings.Contains(desc, f) {
					t.Errorf("description does not name %s, part of a rule JSON Schema cannot express: %q", f, desc)
				}
			}
		})
	}
}

type drift struct {
	t      *testing.T
	typ    EventType
	sample Payload
}

// object checks an object schema against struct type rt, whose fields
// have the path prefix.
func (d *drift) object(s map[string]any, rt reflect.Type, prefix string) {
	t := d.t
	if s["type"] != "object" {
		t.Errorf("%s: type %v, want object", prefix, s["type"])
	}
	if s["additionalProperties"] != true {
		t.Errorf("%s: additionalProperties %v, want true (readers tolerate unknown fields)", prefix, s["additionalProperties"])
	}
	props, _ := s["properties"].(map[string]any)
	var goFields, schemaFields []string
	for i := 0; i < rt.NumField(); i++ {
		goFields = append(goFields, rt.Field(i).Name)
	}
	for k := range props {
		schemaFields = append(schemaFields, k)
	}
	sort.Strings(goFields)
	sort.Strings(schemaFields)
	if !reflect.DeepEqual(goFields, schemaFields) {
		t.Errorf("%s: schema properties %v, Go fields %v", prefix, schemaFields, goFields)
	}
	required := map[string]bool{}
	if list, ok := s["required"].([]any); ok {
		for _, r := range list {
			required[r.(string)] = true
		}
	}
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		ps, ok := props[f.Name].(map[string]any)
		if !ok {
			continue
		}
		path := prefix + f.Name
		d.field(ps, f.Type, path, required[f.Name])
	}
}

// field checks one property.
func (d *drift) field(ps map[string]any, ft reflect.Type, path string, required bool) {
	t := d.t
	if desc, _ := ps["description"].(string); desc == "" {
		t.Errorf("%s: no description", path)
	}
	// Required in the schema exactly when Validate reports the zero value
	// as required.
	zeroErr := d.validateWith(path, reflect.Zero(ft))
	if goRequired := hasKind(zeroErr, path, FieldErrorRequired); goRequired != required {
		t.Errorf("%s: schema required %v, Validate of the zero value: %v", path, required, zeroErr)
	}
	if !required && zeroErr != nil {
		t.Errorf("%s: optional in the schema, but Validate refuses its zero value: %v", path, zeroErr)
	}
	switch {
	case ft == reflect.TypeOf(time.Time{}):
		d.want(ps, path, "type", "string")
		d.want(ps, path, "format", "date-time")
	case ft == reflect.TypeOf(Severity("")):
		d.want(ps, path, "type", "string")
		enum, _ := ps["enum"].([]any)
		var got []string
		for _, v := range enum {
			got = append(got, v.(string))
		}
		if want := []string{"critical", "warning", "info"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: enum %v, want %v", path, got, want)
		}
		for _, v := range got {
			if err := d.validateWith(path, reflect.ValueOf(Severity(v))); err != nil {
				t.Errorf("%s: enum value %q refused by Validate: %v", path, v, err)
			}
		}
		if err := d.validateWith(path, reflect.ValueOf(Severity("fatal"))); !hasKind(err, path, FieldErrorNotSupported) {
			t.Errorf("%s: Validate accepts a value outside the enum", path)
		}
	case ft.Kind() == reflect.String:
		d.want(ps, path, "type", "string")
		minLen, hasMin := ps["minLength"].(json.Number)
		if required != (hasMin && minLen.String() == "1") {
			t.Errorf("%s: minLength %v, want 1 exactly when required (%v)", path, ps["minLength"], required)
		}
		if pattern, ok := ps["pattern"].(string); ok {
			d.pattern(path, pattern)
		}
	case ft.Kind() == reflect.Bool:
		d.want(ps, path, "type", "boolean")
	case ft.Kind() == reflect.Int64:
		d.want(ps, path, "type", "integer")
		d.bounds(ps, ft, path)
	case ft.Kind() == reflect.Float64:
		d.want(ps, path, "type", "number")
		d.bounds(ps, ft, path)
	case ft.Kind() == reflect.Map:
		if got, _ := json.Marshal(ps["type"]); string(got) != `["object","null"]` {
			t.Errorf("%s: type %s, want [\"object\",\"null\"] (nil is written as null)", path, got)
		}
		ap, _ := ps["additionalProperties"].(map[string]any)
		if ap["type"] != "string" {
			t.Errorf("%s: additionalProperties %v, want {type: string}", path, ps["additionalProperties"])
		}
		pn, _ := ps["propertyNames"].(map[string]any)
		if n, _ := pn["minLength"].(json.Number); n.String() != "1" {
			t.Errorf("%s: propertyNames %v, want minLength 1", path, ps["propertyNames"])
		}
		if err := d.validateWith(path, reflect.ValueOf(map[string]string{"": "v"})); !hasField(err, path) {
			t.Errorf("%s: Validate accepts an empty key", path)
		}
	case ft.Kind() == reflect.Struct:
		d.object(ps, ft, path+".")
	default:
		t.Errorf("%s: no rule for Go type %s; extend the drift test", path, ft)
	}
}

func (d *drift) want(ps map[string]any, path, key, value string) {
	if ps[key] != value {
		d.t.Errorf("%s: %s %v, want %q", path, key, ps[key], value)
	}
}

// bounds checks minimum and maximum against Validate: the bound itself
// passes, the next value beyond it fails, and without a bound the most
// extreme value passes.
func (d *drift) bounds(ps map[string]any, ft reflect.Type, path string) {
	t := d.t
	isInt := ft.Kind() == reflect.Int64
	val := func(f float64, i int64) reflect.Value {
		if isInt {
			return reflect.ValueOf(i).Convert(ft)
		}
		return reflect.ValueOf(f).Convert(ft)
	}
	type side struct {
		key      string
		dir      float64
		extremeF float64
		extremeI int64
	}
	for _, s := range []side{{"minimum", -1, -math.MaxFloat64, math.MinInt64}, {"maximum", 1, math.MaxFloat64, math.MaxInt64}} {
		n, ok := ps[s.key].(json.Number)
		if !ok {
			if err := d.validateWith(path, val(s.extremeF, s.extremeI)); err != nil {
				t.Errorf("%s: no %s in the schema, but Validate refuses %v: %v", path, s.key, val(s.extremeF, s.extremeI), err)
			}
			continue
		}
		if isInt {
			bound, err := n.Int64()
			if err != nil {
				t.Errorf("%s: %s %v is not an int64", path, s.key, n)
				continue
			}
			if bound == math.MaxInt64 && s.key == "maximum" {
				continue // the range of int64 itself; JSON readers refuse more
			}
			if exemptBounds[path] && s.key == "maximum" {
				continue
			}
			if err := d.validateWith(path, val(0, bound)); err != nil {
				t.Errorf("%s: %s %d refused by Validate: %v", path, s.key, bound, err)
			}
			if err := d.validateWith(path, val(0, bound+int64(s.dir))); !hasKind(err, path, FieldErrorOutOfRange) {
				t.Errorf("%s: Validate accepts %d, beyond %s %d", path, bound+int64(s.dir), s.key, bound)
			}
			continue
		}
		bound, err := n.Float64()
		if err != nil {
			t.Errorf("%s: %s %v is not a number", path, s.key, n)
			continue
		}
		if err := d.validateWith(path, val(bound, 0)); err != nil {
			t.Errorf("%s: %s %v refused by Validate: %v", path, s.key, bound, err)
		}
		beyond := math.Nextafter(bound, s.dir*math.Inf(1))
		if err := d.validateWith(path, val(beyond, 0)); !hasKind(err, path, FieldErrorOutOfRange) {
			t.Errorf("%s: Validate accepts %v, beyond %s %v", path, beyond, s.key, bound)
		}
	}
}

// pattern checks that a string pattern and Validate agree on a table of
// values.
func (d *drift) pattern(path, pattern string) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		d.t.Errorf("%s: pattern: %v", path, err)
		return
	}
	values := []string{
		"h:80", "10.0.0.7:8080", "[::1]:443", "[fe80::1%eth0]:1", "host:65535", "host:065535", "host:0080", "a.b-c_d:1",
		"h:0", "h:65536", "h:99999", "h:", ":80", "h", "h:8o", "[::1]", "::1:80", "[]:80", "h:-1", "h:+80",
		"[[::1]:80", "h]:80", "a:b:80", "h:123456", "h:00000", " h:80", "h :80", "ü:80", "h:80 ",
	}
	for _, v := range values {
		err := d.validateWith(path, reflect.ValueOf(v))
		if goOK, reOK := err == nil, re.MatchString(v); goOK != reOK {
			d.t.Errorf("%s: %q: Validate says %v (%v), pattern says %v", path, v, goOK, err, reOK)
		}
	}
}

// validateWith validates the sample with the field at path set to v, and
// returns the field errors about path.
func (d *drift) validateWith(path string, v reflect.Value) error {
	p := reflect.New(reflect.TypeOf(d.sample)).Elem()
	p.Set(reflect.ValueOf(d.sample))
	f := p
	for _, name := range strings.Split(path, ".") {
		f = f.FieldByName(name)
	}
	f.Set(v)
	err := p.Interface().(interface{ Validate() error }).Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var fe fieldErrors
	for _, e := range ve.Fields {
		if e.Field == path || strings.HasPrefix(e.Field, path+"[") {
			fe.list = append(fe.list, e)
		}
	}
	return fe.err(d.typ, false)
}

func hasField(err error, path string) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, f := range ve.Fields {
		if f.Field == path || strings.HasPrefix(f.Field, path+"[") {
			return true
		}
	}
	return false
}

func hasKind(err error, path string, kind FieldErrorKind) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, f := range ve.Fields {
		if f.Field == path && f.Kind == kind {
			return true
		}
	}
	return false
}

func TestEnvelopeSchemaMatchesEvent(t *testing.T) {
	s := parseSchema(t, EnvelopeSchema())
	props, _ := s["properties"].(map[string]any)
	rt := reflect.TypeOf(Event{})
	var goFields, required []string
	for i := 0; i < rt.NumField(); i++ {
		goFields = append(goFields, rt.Field(i).Name)
	}
	for _, r := range s["required"].([]any) {
		required = append(required, r.(string))
	}
	// Every envelope field is required: Validate reports each as such.
	_, err := (&Event{}).validate()
	var goRequired []string
	for _, f := range err.(*ValidationError).Fields {
		if f.Kind == FieldErrorRequired {
			goRequired = append(goRequired, f.Field)
		}
	}
	if !reflect.DeepEqual(required, goFields) || !reflect.DeepEqual(goRequired, goFields) {
		t.Errorf("required %v, Validate requires %v, fields %v", required, goRequired, goFields)
	}
	if len(props) != len(goFields) {
		t.Errorf("properties %v, fields %v", props, goFields)
	}
	types := map[string]string{"ID": "string", "Type": "string", "Source": "string", "Timestamp": "string", "Payload": "object"}
	for _, f := range goFields {
		ps, _ := props[f].(map[string]any)
		if ps["type"] != types[f] {
			t.Errorf("%s: type %v, want %s", f, ps["type"], types[f])
		}
	}
	if ts, _ := props["Timestamp"].(map[string]any); ts["format"] != "date-time" {
		t.Errorf("Timestamp format %v", ts["format"])
	}
	for _, f := range []string{"ID", "Source"} {
		if ps, _ := props[f].(map[string]any); ps["minLength"] != json.Number("1") {
			t.Errorf("%s: minLength %v, want 1", f, ps["minLength"])
		}
	}
	// The Source pattern is the one Validate matches: the grammar of a
	// URI-reference.
	src, _ := props["Source"].(map[string]any)
	if src["format"] != "uri-reference" {
		t.Errorf("Source format %v, want uri-reference", src["format"])
	}
	if src["pattern"] != uriref.Pattern {
		t.Errorf("Source pattern is not uriref.Pattern, the rule Validate applies")
	}
	re := regexp.MustCompile(src["pattern"].(string))
	for _, v := range []string{"pulse", "a", "my tool", "ü", " a", "a ", "a\n", "a\tb", "\x7f", "a\u0085", "\u00a0a\u00a0", "100%", "https://x/y?z#w"} {
		var fe fieldErrors
		validateSource(&fe, v)
		if goOK := len(fe.list) == 0; re.MatchString(v) != goOK {
			t.Errorf("Source %q: pattern %v, Validate %v", v, re.MatchString(v), goOK)
		}
	}
	// The ID pattern agrees with the rule of Validate.
	id, _ := props["ID"].(map[string]any)
	re = regexp.MustCompile(id["pattern"].(string))
	for _, v := range []string{"pulse", "a", "a b", "01966f5e-0000-7000-8000-000000000001", "ü", "", " a", "a ", "a\n", "a\tb", "\x7f", "a\u0085", "\u00a0a\u00a0"} {
		var fe fieldErrors
		identifier(&fe, "ID", v)
		if goOK := len(fe.list) == 0; re.MatchString(v) != goOK {
			t.Errorf("ID %q: pattern %v, Validate %v", v, re.MatchString(v), goOK)
		}
	}
	// The Type pattern agrees with the rule of Validate.
	tp, _ := props["Type"].(map[string]any)
	re = regexp.MustCompile(tp["pattern"].(string))
	for _, v := range []string{"run.completed", "a", "a_b.c9", "x.y.z", "", ".a", "a.", "a..b", "A.b", "a-b", "a b", "ü", "a.b\n"} {
		if re.MatchString(v) != validType(v) {
			t.Errorf("Type %q: pattern %v, Validate %v", v, re.MatchString(v), validType(v))
		}
	}
	// Each known type's payload is checked with its schema.
	allOf, _ := s["allOf"].([]any)
	seen := map[EventType]bool{}
	for _, c := range allOf {
		c := c.(map[string]any)
		ifs := c["if"].(map[string]any)["properties"].(map[string]any)["Type"].(map[string]any)["const"].(string)
		ref := c["then"].(map[string]any)["properties"].(map[string]any)["Payload"].(map[string]any)["$ref"]
		if ref != ifs+".json" {
			t.Errorf("type %s refers to %v", ifs, ref)
		}
		seen[EventType(ifs)] = true
	}
	for _, typ := range Types() {
		if !seen[typ] {
			t.Errorf("envelope schema does not check the payload of %s", typ)
		}
	}
	desc, _ := s["description"].(string)
	for _, rule := range []string{"MaxPayloadBytes", "zero time", "case-insensitive", "base64"} {
		if !strings.Contains(desc, rule) {
			t.Errorf("description does not mention %q", rule)
		}
	}
}
