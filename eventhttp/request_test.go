package eventhttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/algoryn/events"
)

func TestNewRequestBinary(t *testing.T) {
	e := testEvent(t)
	req, err := NewRequest(context.Background(), "http://example.test/events", e, Binary)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Content-Type":   "application/json",
		"Ce-Specversion": "1.0",
		"Ce-Id":          e.ID,
		"Ce-Source":      "relay",
		"Ce-Type":        "io.algoryn.threshold.violated",
		"Ce-Subject":     "checkout",
		"Ce-Time":        "2026-05-01T12:00:00.123456789Z",
	}
	for k, v := range want {
		if got := req.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if req.Method != http.MethodPost || req.GetBody == nil {
		t.Errorf("method %s, GetBody set %v", req.Method, req.GetBody != nil)
	}
	body, _ := io.ReadAll(req.Body)
	if string(body) != string(e.Payload) {
		t.Errorf("body %s, want the payload %s", body, e.Payload)
	}
}

func TestNewRequestStructured(t *testing.T) {
	e := testEvent(t)
	req, err := NewRequest(context.Background(), "http://example.test/events", e, Structured)
	if err != nil {
		t.Fatal(err)
	}
	if ct := req.Header.Get("Content-Type"); ct != ContentTypeStructured {
		t.Errorf("Content-Type %q", ct)
	}
	if req.Header.Get("Ce-Id") != "" {
		t.Error("structured mode must not send ce- headers")
	}
	body, _ := io.ReadAll(req.Body)
	want, _ := events.ToCloudEvent(e)
	if string(body) != string(want) {
		t.Errorf("body %s\nwant %s", body, want)
	}
}

func TestNewRequestErrors(t *testing.T) {
	e := testEvent(t)
	bad := e
	bad.Source = ""
	if _, err := NewRequest(context.Background(), "http://x", bad, Binary); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("invalid event: %v", err)
	}
	if _, err := NewRequest(context.Background(), "http://x", e, Mode(7)); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := NewRequest(context.Background(), "http://x\x7f", e, Binary); err == nil {
		t.Error("bad URL accepted")
	}
	//lint:ignore SA1012 a nil context is what is tested
	if _, err := NewRequest(nil, "http://x", e, Binary); err == nil { //nolint:staticcheck
		t.Error("nil context accepted")
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[Mode]string{Binary: "binary", Structured: "structured", Mode(9): "Mode(9)"} {
		if m.String() != want {
			t.Errorf("%d: %q", int(m), m.String())
		}
	}
}

func TestEncodeHeader(t *testing.T) {
	tests := map[string]string{
		"plain-value_1.0:/@": "plain-value_1.0:/@",
		"a b":                "a%20b",
		`say "hi"`:           "say%20%22hi%22",
		"100%":               "100%25",
		"ü":                  "%C3%BC",
		"tab\there\x7f":      "tab%09here%7F",
		"":                   "",
	}
	for in, want := range tests {
		got := encodeHeader(in)
		if got != want {
			t.Errorf("encodeHeader(%q) = %q, want %q", in, got, want)
		}
		back, err := decodeHeader(got)
		if err != nil || back != in {
			t.Errorf("decodeHeader(%q) = %q, %v", got, back, err)
		}
	}
}

func TestRoundTripBothModes(t *testing.T) {
	for _, e := range []events.Event{testEvent(t), awkwardEvent(t)} {
		for _, mode := range []Mode{Binary, Structured} {
			req, err := NewRequest(context.Background(), "http://example.test/", e, mode)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadRequest(req)
			if err != nil {
				t.Fatalf("%v: %v", mode, err)
			}
			if !reflect.DeepEqual(got, e) {
				t.Errorf("%v:\ngot  %+v\nwant %+v", mode, got, e)
			}
		}
	}
}

// TestNewRequestSubjectAndRefusals: ce-subject is events.Event.Subject,
// absent for a type this version does not know; an invalid event, at
// fault in its envelope or in its payload, is refused with the same
// error in both modes, the error of events.ToCloudEvent.
func TestNewRequestSubjectAndRefusals(t *testing.T) {
	e := awkwardEvent(t)
	req, err := NewRequest(context.Background(), "http://x", e, Binary)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := decodeHeader(req.Header.Get("Ce-Subject")); got != e.Subject() || got == "" {
		t.Errorf("Ce-Subject %q, want %q", got, e.Subject())
	}
	unknown := e
	unknown.Type = "deploy.started"
	req, err = NewRequest(context.Background(), "http://x", unknown, Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, has := req.Header["Ce-Subject"]; has {
		t.Errorf("Ce-Subject %q for an unknown type", req.Header.Get("Ce-Subject"))
	}
	noID, badPayload, notJSON := e, e, unknown
	noID.ID = ""
	badPayload.Payload = []byte(`{"RunID":"run-1"}`)
	notJSON.Payload = []byte(`{"x":`)
	for name, bad := range map[string]events.Event{"no ID": noID, "bad payload": badPayload, "unknown type, not JSON": notJSON} {
		_, want := events.ToCloudEvent(bad)
		if want == nil {
			t.Fatalf("%s: ToCloudEvent accepts it", name)
		}
		for _, mode := range []Mode{Binary, Structured} {
			_, err := NewRequest(context.Background(), "http://x", bad, mode)
			if err == nil || err.Error() != "eventhttp: "+want.Error() || !errors.Is(err, events.ErrInvalidEvent) {
				t.Errorf("%s, %v: got %v, want %v", name, mode, err, want)
			}
		}
	}
}
