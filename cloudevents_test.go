package events

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// updateCE rewrites testdata/golden/cloudevents/*.json. It is not named
// -update so that it cannot clash with the golden tests of the envelope.
var updateCE = flag.Bool("update-ce", false, "rewrite the CloudEvents golden files in testdata/golden/cloudevents")

var ceFixtureTime = time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)

// ceFixtures returns one fixed, valid event of every known type, in the
// order of Types.
func ceFixtures(t testing.TB) []Event {
	t.Helper()
	opts := []Option{WithTimestamp(ceFixtureTime)}
	mk := func(id, source string, p Payload) Event {
		e, err := New(source, p, append(opts, WithID(id))...)
		if err != nil {
			t.Fatalf("fixture %s: %v", id, err)
		}
		return e
	}
	return []Event{
		mk("0196a1b2-0000-7000-8000-000000000001", SourcePulse, RunCompletedPayload{
			RunID: "run-42", Service: "checkout", Passed: true, Duration: 90 * time.Second,
			Summary: RunSummary{Total: 12000, Failed: 36, RPS: 133.3, ErrorRate: 0.003, P99Ms: 187.5},
		}),
		mk("0196a1b2-0000-7000-8000-000000000002", SourceRelay, ThresholdViolatedPayload{
			Service: "checkout", Source: SourceRelay, Description: "p99_latency < 200ms", Actual: 312.5, Limit: 200,
		}),
		mk("0196a1b2-0000-7000-8000-000000000003", SourceDeploy, ServiceRegisteredPayload{
			Name: "checkout", Address: "10.0.0.7:8080", Tags: map[string]string{"region": "eu-west-1", "version": "1.2.0"},
		}),
		mk("0196a1b2-0000-7000-8000-000000000004", SourceDeploy, ServiceDeregisteredPayload{
			Name: "checkout", Address: "10.0.0.7:8080",
		}),
		mk("0196a1b2-0000-7000-8000-000000000005", SourceBeacon, AlertFiredPayload{
			AlertID: "alert-7", RuleID: "rule-p99", RuleName: "p99 latency <checkout> & \"friends\"", Severity: SeverityCritical,
			Service: "checkout", Summary: "p99 latency 312.5ms over 200ms — ünïcode", FiredAt: ceFixtureTime.Add(time.Second),
			Labels: map[string]string{"team": "payments"}, CorrelationEventID: "0196a1b2-0000-7000-8000-000000000002",
		}),
	}
}

func TestToCloudEventGolden(t *testing.T) {
	for _, e := range ceFixtures(t) {
		t.Run(string(e.Type), func(t *testing.T) {
			got, err := ToCloudEvent(e)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("not valid JSON: %s", got)
			}
			path := filepath.Join("testdata", "golden", "cloudevents", string(e.Type)+".json")
			if *updateCE {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestToCloudEventGolden -update-ce to create it)", err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("ToCloudEvent differs from %s:\ngot  %s\nwant %s", path, got, want)
			}
			back, err := FromCloudEvent(want)
			if err != nil {
				t.Fatalf("FromCloudEvent(golden): %v", err)
			}
			if !reflect.DeepEqual(back, e) {
				t.Errorf("round trip:\ngot  %+v\nwant %+v", back, e)
			}
		})
	}
}

func TestToCloudEventAttributes(t *testing.T) {
	e := ceFixtures(t)[0]
	b, err := ToCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"specversion":     "1.0",
		"id":              e.ID,
		"source":          "pulse",
		"type":            "io.algoryn.run.completed",
		"subject":         "checkout",
		"time":            "2026-05-01T12:00:00.123456789Z",
		"datacontenttype": "application/json",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	data, ok := m["data"].(map[string]any)
	if !ok || data["RunID"] != "run-42" {
		t.Errorf("data = %v, want the payload object", m["data"])
	}
}

func TestToCloudEventSubjectOfEveryType(t *testing.T) {
	for _, e := range ceFixtures(t) {
		b, err := ToCloudEvent(e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(`"subject":"checkout"`)) {
			t.Errorf("%s: no subject checkout in %s", e.Type, b)
		}
	}
}

func TestToCloudEventUnknownType(t *testing.T) {
	e := Event{ID: "x-1", Type: "build.started", Source: "ci", Timestamp: ceFixtureTime.In(time.FixedZone("X", 3600)), Payload: []byte(`{"n": 1}`)}
	b, err := ToCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"specversion":"1.0","id":"x-1","source":"ci","type":"io.algoryn.build.started","time":"2026-05-01T12:00:00.123456789Z","datacontenttype":"application/json","data":{"n": 1}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	back, err := FromCloudEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Type != e.Type || !back.Timestamp.Equal(e.Timestamp) || string(back.Payload) != string(e.Payload) {
		t.Errorf("round trip gave %+v", back)
	}
}

func TestToCloudEventInvalid(t *testing.T) {
	good := ceFixtures(t)[0]
	tests := []struct {
		name  string
		edit  func(*Event)
		field string
	}{
		{"no ID", func(e *Event) { e.ID = "" }, "ID"},
		{"bad type", func(e *Event) { e.Type = "Run Completed" }, "Type"},
		{"no time", func(e *Event) { e.Timestamp = time.Time{} }, "Timestamp"},
		{"payload not object", func(e *Event) { e.Payload = []byte(`[1]`) }, "Payload"},
		{"payload rule", func(e *Event) { e.Payload = []byte(`{"RunID":"r","Service":"s","Summary":{"ErrorRate":2}}`) }, "Payload.Summary.ErrorRate"},
		{"payload JSON type", func(e *Event) { e.Payload = []byte(`{"RunID":"r","Service":"s","Summary":{"Total":"5"}}`) }, "Payload.Summary.Total"},
		{"payload required", func(e *Event) { e.Payload = []byte(`{"RunID":"r"}`) }, "Payload.Service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.edit(&e)
			b, err := ToCloudEvent(e)
			if err == nil {
				t.Fatalf("no error, wrote %s", b)
			}
			if !errors.Is(err, ErrInvalidEvent) {
				t.Errorf("%v does not match ErrInvalidEvent", err)
			}
			if strings.HasPrefix(tt.field, "Payload.") && !errors.Is(err, ErrInvalidPayload) {
				t.Errorf("%v does not match ErrInvalidPayload", err)
			}
			if got := fieldsOf(err); !contains(got, tt.field) {
				t.Errorf("fields %v, want %s (%v)", got, tt.field, err)
			}
		})
	}
	// A payload value that cannot be decoded (a bad FiredAt).
	bad := ceFixtures(t)[4]
	bad.Payload = []byte(`{"AlertID":"a","RuleID":"r","Severity":"info","Service":"s","FiredAt":"yesterday"}`)
	_, err := ToCloudEvent(bad)
	if got := fieldsOf(err); !contains(got, "Payload.FiredAt") || !errors.Is(err, ErrInvalidEvent) || !errors.Is(err, ErrInvalidPayload) {
		t.Errorf("bad FiredAt: got %v, want Payload.FiredAt matching ErrInvalidEvent and ErrInvalidPayload", err)
	}
}

// fieldsOf lists the fields named by a *ValidationError or *SyntaxError.
func fieldsOf(err error) []string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		var out []string
		for _, f := range ve.Fields {
			out = append(out, f.Field)
		}
		return out
	}
	var se *SyntaxError
	if errors.As(err, &se) {
		return []string{se.Field}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

const ceValid = `{"specversion":"1.0","id":"id-1","source":"pulse","type":"io.algoryn.run.completed","time":"2026-05-01T12:00:00Z","datacontenttype":"application/json","data":{"RunID":"r","Service":"checkout"}}`

// ceBadTests are malformed CloudEvents, each with the attribute the error
// must name and whether it is a *SyntaxError.
var ceBadTests = []struct {
	name   string
	in     string
	field  string
	syntax bool
	kind   FieldErrorKind
}{
	{"empty", ``, "", true, ""},
	{"not object", `[1,2]`, "", true, ""},
	{"garbage", `hello`, "", true, ""},
	{"trailing", ceValid + `x`, "", true, ""},
	{"two values", `1 2`, "", true, ""},
	{"truncated after comma", `{"id":"a",`, "", true, ""},
	{"truncated", ceValid[:len(ceValid)-20], "data", true, ""},
	{"truncated in key", `{"specver`, "", true, ""},
	{"truncated after key", `{"id"`, "", true, ""},
	{"truncated after colon", `{"id":`, "id", true, ""},
	{"truncated after value", `{"id":"a"`, "", true, ""},
	{"bad key", `{id:"a"}`, "", true, ""},
	{"no colon", `{"id" "a"}`, "", true, ""},
	{"bad separator", `{"id":"a";}`, "", true, ""},
	{"invalid UTF-8", "{\"id\":\"\xff\"}", "id", true, ""},
	{"duplicate id", `{"id":"a","id":"b"}`, "id", true, ""},
	{"id not string", strings.Replace(ceValid, `"id":"id-1"`, `"id":1`, 1), "id", true, ""},
	{"time not string", strings.Replace(ceValid, `"time":"2026-05-01T12:00:00Z"`, `"time":true`, 1), "time", true, ""},
	{"missing specversion", strings.Replace(ceValid, `"specversion":"1.0",`, ``, 1), "specversion", false, FieldErrorRequired},
	{"specversion 0.3", strings.Replace(ceValid, `"1.0"`, `"0.3"`, 1), "specversion", false, FieldErrorNotSupported},
	{"missing id", strings.Replace(ceValid, `"id":"id-1",`, ``, 1), "id", false, FieldErrorRequired},
	{"null id", strings.Replace(ceValid, `"id":"id-1"`, `"id":null`, 1), "id", false, FieldErrorRequired},
	{"empty source", strings.Replace(ceValid, `"source":"pulse"`, `"source":""`, 1), "source", false, FieldErrorRequired},
	{"source with a space", strings.Replace(ceValid, `"source":"pulse"`, `"source":"my tool"`, 1), "source", false, FieldErrorInvalid},
	{"source not ASCII", strings.Replace(ceValid, `"source":"pulse"`, `"source":"Pülse"`, 1), "source", false, FieldErrorInvalid},
	{"missing type", strings.Replace(ceValid, `"type":"io.algoryn.run.completed",`, ``, 1), "type", false, FieldErrorRequired},
	{"type without prefix", strings.Replace(ceValid, `io.algoryn.run`, `run`, 1), "type", false, FieldErrorInvalid},
	{"type of another vendor", strings.Replace(ceValid, `io.algoryn.`, `com.example.`, 1), "type", false, FieldErrorInvalid},
	{"type badly formed", strings.Replace(ceValid, `io.algoryn.run.completed`, `io.algoryn.Run..completed`, 1), "type", false, FieldErrorInvalid},
	{"missing time", strings.Replace(ceValid, `"time":"2026-05-01T12:00:00Z",`, ``, 1), "time", false, FieldErrorRequired},
	{"bad time", strings.Replace(ceValid, `2026-05-01T12:00:00Z`, `2026-05-01 12:00:00`, 1), "time", false, FieldErrorInvalid},
	{"zero time", strings.Replace(ceValid, `2026-05-01T12:00:00Z`, `0001-01-01T00:00:00Z`, 1), "time", false, FieldErrorRequired},
	{"text content type", strings.Replace(ceValid, `"application/json"`, `"text/plain"`, 1), "datacontenttype", false, FieldErrorNotSupported},
	{"xml content type", strings.Replace(ceValid, `"application/json"`, `"application/xml"`, 1), "datacontenttype", false, FieldErrorNotSupported},
	{"missing data", strings.Replace(ceValid, `,"data":{"RunID":"r","Service":"checkout"}`, ``, 1), "data", false, FieldErrorRequired},
	{"data string", strings.Replace(ceValid, `{"RunID":"r","Service":"checkout"}`, `"hello"`, 1), "data", false, FieldErrorInvalid},
	{"data array", strings.Replace(ceValid, `{"RunID":"r","Service":"checkout"}`, `[1]`, 1), "data", false, FieldErrorInvalid},
	{"data malformed", strings.Replace(ceValid, `{"RunID":"r","Service":"checkout"}`, `{"RunID":}`, 1), "data", true, ""},
	{"data and data_base64", strings.Replace(ceValid, `"data":`, `"data_base64":"e30=","data":`, 1), "data_base64", false, FieldErrorInvalid},
	{"bad base64", strings.Replace(ceValid, `"data":{"RunID":"r","Service":"checkout"}`, `"data_base64":"!!!"`, 1), "data_base64", false, FieldErrorInvalid},
	{"empty base64", strings.Replace(ceValid, `"data":{"RunID":"r","Service":"checkout"}`, `"data_base64":""`, 1), "data", false, FieldErrorRequired},
	{"base64 not object", strings.Replace(ceValid, `"data":{"RunID":"r","Service":"checkout"}`, `"data_base64":"WzFd"`, 1), "data", false, FieldErrorInvalid},
	{"payload required", strings.Replace(ceValid, `"RunID":"r",`, ``, 1), "data.RunID", false, FieldErrorRequired},
	{"payload range", strings.Replace(ceValid, `"Service":"checkout"`, `"Service":"checkout","Summary":{"ErrorRate":1.5}`, 1), "data.Summary.ErrorRate", false, FieldErrorOutOfRange},
	{"payload JSON type", strings.Replace(ceValid, `"Service":"checkout"`, `"Service":"checkout","Summary":{"Total":"5"}`, 1), "data.Summary.Total", false, FieldErrorInvalid},
	{"payload undecodable", strings.Replace(strings.Replace(ceValid, `run.completed`, `alert.fired`, 1), `{"RunID":"r","Service":"checkout"}`, `{"FiredAt":"soon"}`, 1), "data.FiredAt", false, FieldErrorInvalid},
}

func TestFromCloudEventBadInput(t *testing.T) {
	for _, tt := range ceBadTests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := FromCloudEvent([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, got %+v", e)
			}
			if !errors.Is(err, ErrInvalidEvent) {
				t.Errorf("%v does not match ErrInvalidEvent", err)
			}
			if !reflect.DeepEqual(e, Event{}) {
				t.Errorf("event not zero on error: %+v", e)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("message %q does not name %q", err, tt.field)
			}
			if tt.syntax {
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%v (%T) is not a *SyntaxError", err, err)
				}
				if se.Field != tt.field {
					t.Errorf("Field = %q, want %q (%v)", se.Field, tt.field, err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("%v (%T) is not a *ValidationError", err, err)
			}
			var found *FieldError
			for _, f := range ve.Fields {
				if f.Field == tt.field {
					found = f
				}
			}
			if found == nil {
				t.Fatalf("no error for %q in %v", tt.field, err)
			}
			if found.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", found.Kind, tt.kind)
			}
			inData := tt.field == "data" || strings.HasPrefix(tt.field, "data.")
			if inData != errors.Is(err, ErrInvalidPayload) {
				t.Errorf("errors.Is(%v, ErrInvalidPayload) = %v", err, !inData)
			}
		})
	}
}

func TestFromCloudEventAllMissing(t *testing.T) {
	_, err := FromCloudEvent([]byte(`{}`))
	got := fieldsOf(err)
	want := []string{"specversion", "id", "source", "type", "time", "data"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields %v, want every required attribute %v", got, want)
	}
	if !strings.Contains(err.Error(), "specversion: required") {
		t.Errorf("message %q", err)
	}
}

func TestFromCloudEventAccepts(t *testing.T) {
	payload := `{"RunID":"r","Service":"checkout"}`
	want := Event{ID: "id-1", Type: EventTypeRunCompleted, Source: "pulse", Timestamp: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), Payload: []byte(payload)}
	tests := []struct{ name, in string }{
		{"plain", ceValid},
		{"white space", " \n{ \"specversion\" : \"1.0\" ,\n\t\"id\":\"id-1\", \"source\":\"pulse\",\"type\":\"io.algoryn.run.completed\",\"time\":\"2026-05-01T12:00:00Z\",\"data\" :\t" + payload + " }\n "},
		{"no content type", strings.Replace(ceValid, `"datacontenttype":"application/json",`, ``, 1)},
		{"null content type", strings.Replace(ceValid, `"datacontenttype":"application/json"`, `"datacontenttype":null`, 1)},
		{"content type with charset", strings.Replace(ceValid, `"application/json"`, `"Application/JSON; charset=utf-8"`, 1)},
		{"content type +json", strings.Replace(ceValid, `"application/json"`, `"application/vnd.algoryn+json"`, 1)},
		{"text/json", strings.Replace(ceValid, `"application/json"`, `"text/json"`, 1)},
		{"extensions", strings.Replace(ceValid, `{`, `{"traceparent":"00-abc-def-01","partitionkey":"checkout","myext":{"deep":[1,2]},"num":5,`, 1)},
		{"dataschema and subject", strings.Replace(ceValid, `{`, `{"dataschema":"https://algoryn.dev/schemas/events/v1/run.completed.json","subject":"ignored",`, 1)},
		{"escaped strings", strings.Replace(ceValid, `"source":"pulse"`, `"source":"pu\u006cse"`, 1)},
		{"data_base64", strings.Replace(ceValid, `"data":`+payload, `"data_base64":"`+base64.StdEncoding.EncodeToString([]byte(payload))+`"`, 1)},
		{"data_base64 null data", strings.Replace(ceValid, `"data":`+payload, `"data":null,"data_base64":"`+base64.StdEncoding.EncodeToString([]byte(payload))+`"`, 1)},
		{"offset time", strings.Replace(ceValid, `2026-05-01T12:00:00Z`, `2026-05-01T14:00:00+02:00`, 1)},
		{"escaped time", strings.Replace(ceValid, `2026-05-01T12:00:00Z`, `2026-05-01T12:00:00\u005a`, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromCloudEvent([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestFromCloudEventDoesNotAliasInput(t *testing.T) {
	in := []byte(ceValid)
	e, err := FromCloudEvent(in)
	if err != nil {
		t.Fatal(err)
	}
	want := Event{ID: e.ID, Type: e.Type, Source: e.Source, Timestamp: e.Timestamp, Payload: append([]byte(nil), e.Payload...)}
	for i := range in {
		in[i] = 'x'
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("changing the input changed the event: %+v", e)
	}
}

func TestFromCloudEventPayloadLimit(t *testing.T) {
	big := `{"RunID":"r","Service":"checkout","Pad":"` + strings.Repeat("x", MaxPayloadBytes) + `"}`
	in := strings.Replace(ceValid, `{"RunID":"r","Service":"checkout"}`, big, 1)
	_, err := FromCloudEvent([]byte(in))
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Fields[0].Field != "data" || ve.Fields[0].Kind != FieldErrorTooLarge {
		t.Errorf("embedded: got %v, want data too large", err)
	}
	in = strings.Replace(ceValid, `"data":{"RunID":"r","Service":"checkout"}`, `"data_base64":"`+base64.StdEncoding.EncodeToString([]byte(big))+`"`, 1)
	_, err = FromCloudEvent([]byte(in))
	if !errors.As(err, &ve) || ve.Fields[0].Field != "data" || ve.Fields[0].Kind != FieldErrorTooLarge {
		t.Errorf("base64: got %v, want data too large", err)
	}
	// Just over the limit after decoding, though the encoded length passes
	// the first estimate.
	exact := `{"P":"` + strings.Repeat("x", MaxPayloadBytes-7) + `"}` // MaxPayloadBytes+1 bytes
	in = strings.Replace(ceValid, `"data":{"RunID":"r","Service":"checkout"}`, `"data_base64":"`+base64.StdEncoding.EncodeToString([]byte(exact))+`"`, 1)
	_, err = FromCloudEvent([]byte(in))
	if !errors.As(err, &ve) || ve.Fields[0].Field != "data" || ve.Fields[0].Kind != FieldErrorTooLarge {
		t.Errorf("base64 limit+1: got %v, want data too large", err)
	}
}

func TestCEFieldName(t *testing.T) {
	for in, want := range map[string]string{"ID": "id", "Timestamp": "time", "Payload": "data", "Payload.Summary.Total": "data.Summary.Total", "other": "other", "": ""} {
		if got := ceFieldName(in); got != want {
			t.Errorf("ceFieldName(%q) = %q, want %q", in, got, want)
		}
	}
	if err := ceError(ErrUnknownType); err != ErrUnknownType {
		t.Errorf("ceError changed a foreign error: %v", err)
	}
}

func FuzzFromCloudEvent(f *testing.F) {
	for _, tt := range ceBadTests {
		f.Add([]byte(tt.in))
	}
	f.Add([]byte(ceValid))
	for _, e := range ceFixtures(f) {
		b, err := ToCloudEvent(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := FromCloudEvent(in)
		// The quick read (see ceDecoder.quick) changes nothing: the same
		// event, or the same error, as the careful read alone.
		var careful ceDecoder
		want, wantErr := careful.read(in)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(e, want) {
			t.Fatalf("quick and careful reads differ:\n%+v, %v\n%+v, %v", e, err, want, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("error %v does not match ErrInvalidEvent", err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted an invalid event: %v", err)
		}
		out, err := ToCloudEvent(e)
		if err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		back, err := FromCloudEvent(out)
		if err != nil {
			t.Fatalf("cannot read back %s: %v", out, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", e, back)
		}
	})
}
