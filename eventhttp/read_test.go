package eventhttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/algoryn/events"
)

const validPayload = `{"Service":"checkout","Description":"p99 < 200ms","Actual":312.5,"Limit":200}`

var validHeaders = map[string]string{
	"Content-Type":   "application/json",
	"Ce-Specversion": "1.0",
	"Ce-Id":          "id-1",
	"Ce-Source":      "relay",
	"Ce-Type":        "io.algoryn.threshold.violated",
	"Ce-Time":        "2026-05-01T12:00:00Z",
}

const validStructured = `{"specversion":"1.0","id":"id-1","source":"relay","type":"io.algoryn.threshold.violated","time":"2026-05-01T12:00:00Z","data":` + validPayload + `}`

// readTests are requests that ReadRequest must refuse, with the status
// Handler answers and the field the problem names ("" for none).
var readTests = []struct {
	name    string
	headers map[string]string // changes to validHeaders; "" deletes
	body    string
	status  int
	field   string
	sentry  error
}{
	{"text/plain", map[string]string{"Content-Type": "text/plain"}, validPayload, 415, "", ErrUnsupportedMediaType},
	{"form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "a=b", 415, "", ErrUnsupportedMediaType},
	{"batch", map[string]string{"Content-Type": "application/cloudevents-batch+json"}, "[" + validStructured + "]", 415, "", ErrUnsupportedMediaType},
	{"structured xml", map[string]string{"Content-Type": "application/cloudevents+xml"}, "<e/>", 415, "", ErrUnsupportedMediaType},
	{"missing id", map[string]string{"Ce-Id": ""}, validPayload, 400, "id", events.ErrInvalidEvent},
	{"missing specversion", map[string]string{"Ce-Specversion": ""}, validPayload, 400, "specversion", events.ErrInvalidEvent},
	{"specversion 0.3", map[string]string{"Ce-Specversion": "0.3"}, validPayload, 400, "specversion", events.ErrInvalidEvent},
	{"type without prefix", map[string]string{"Ce-Type": "threshold.violated"}, validPayload, 400, "type", events.ErrInvalidEvent},
	{"bad time", map[string]string{"Ce-Time": "yesterday"}, validPayload, 400, "time", events.ErrInvalidEvent},
	{"invalid UTF-8 raw", map[string]string{"Ce-Source": "relay\xff"}, validPayload, 400, "ce-source", events.ErrInvalidEvent},
	{"invalid UTF-8 escape", map[string]string{"Ce-Id": "id%FF"}, validPayload, 400, "ce-id", events.ErrInvalidEvent},
	{"empty body", nil, "", 400, "data", events.ErrInvalidEvent},
	{"body not JSON", nil, "hello", 400, "data", events.ErrInvalidEvent},
	{"truncated body", nil, validPayload[:20], 400, "data", events.ErrInvalidEvent},
	{"payload field", nil, `{"Service":"checkout"}`, 400, "data.Description", events.ErrInvalidPayload},
	{"binary too large", nil, `{"P":"` + strings.Repeat("x", events.MaxPayloadBytes) + `"}`, 413, "", ErrTooLarge},
	{"structured malformed", map[string]string{"Content-Type": ContentTypeStructured}, `{"specversion":`, 400, "specversion", events.ErrInvalidEvent},
	{"structured truncated", map[string]string{"Content-Type": ContentTypeStructured}, validStructured[:len(validStructured)-30], 400, "data", events.ErrInvalidEvent},
	{"structured bad time", map[string]string{"Content-Type": ContentTypeStructured}, strings.Replace(validStructured, "2026-05-01T12:00:00Z", "2026-05-01", 1), 400, "time", events.ErrInvalidEvent},
	{"structured too large", map[string]string{"Content-Type": ContentTypeStructured}, `{"data_base64":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413, "", ErrTooLarge},
	{"structured payload too large", map[string]string{"Content-Type": ContentTypeStructured}, strings.Replace(validStructured, `"Service"`, `"Pad":"`+strings.Repeat("x", events.MaxPayloadBytes)+`","Service"`, 1), 413, "data", events.ErrInvalidEvent},
}

func newTestRequest(headers map[string]string, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(body))
	for k, v := range validHeaders {
		req.Header.Set(k, v)
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return req
}

func TestReadRequestRefuses(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRequest(newTestRequest(tt.headers, tt.body))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.sentry) {
				t.Errorf("%v does not match %v", err, tt.sentry)
			}
			if !strings.HasPrefix(err.Error(), "eventhttp: ") {
				t.Errorf("error %q lacks the eventhttp: prefix", err)
			}
			if got := statusFor(err); got != tt.status {
				t.Errorf("status %d, want %d (%v)", got, tt.status, err)
			}
		})
	}
}

func TestReadRequestAccepts(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		body    string
	}{
		{"binary", nil, validPayload},
		{"binary no content type", map[string]string{"Content-Type": ""}, validPayload},
		{"binary charset", map[string]string{"Content-Type": "application/json; charset=utf-8"}, validPayload},
		{"binary extensions", map[string]string{"Ce-Traceparent": "00-1-2-01", "Ce-Partitionkey": "x"}, validPayload},
		{"binary lower-case escapes", map[string]string{"Ce-Source": "re%6cay"}, validPayload},
		{"structured", map[string]string{"Content-Type": ContentTypeStructured}, validStructured},
		{"structured charset", map[string]string{"Content-Type": "Application/CloudEvents+JSON; charset=UTF-8"}, validStructured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ReadRequest(newTestRequest(tt.headers, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if e.ID != "id-1" || e.Source != "relay" || e.Type != events.EventTypeThresholdViolated || e.Timestamp.IsZero() {
				t.Errorf("got %+v", e)
			}
		})
	}
}

// errReader fails after its data, like a connection that drops.
type errReader struct{ r io.Reader }

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, io.ErrUnexpectedEOF
	}
	return n, err
}

func TestReadRequestBodyErrors(t *testing.T) {
	req := newTestRequest(nil, "")
	req.Body = io.NopCloser(&errReader{strings.NewReader(validPayload[:10])})
	_, err := ReadRequest(req)
	if !errors.Is(err, io.ErrUnexpectedEOF) || statusFor(err) != 400 {
		t.Errorf("dropped body: %v", err)
	}
	req = newTestRequest(nil, validPayload)
	req.ContentLength = events.MaxPayloadBytes + 1
	if _, err := ReadRequest(req); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Content-Length over the limit: %v", err)
	}
	req = newTestRequest(nil, "")
	req.Body = nil
	if _, err := ReadRequest(req); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("nil body: %v", err)
	}
}

func TestReadRequestUnencodedHeaders(t *testing.T) {
	// Values from senders that do not percent-encode are read as sent.
	for raw, want := range map[string]string{
		"100% done":             "100% done",
		"relay%zz":              "relay%zz",
		`say "hi" — ünï`:        `say "hi" — ünï`,
		"caf%C3%A9%20%25":       "café %",
		"mixed%20and 100% done": "mixed%20and 100% done",
	} {
		e, err := ReadRequest(newTestRequest(map[string]string{"Ce-Id": raw}, validPayload))
		if err != nil || e.ID != want {
			t.Errorf("ce-id %q: got %q, %v; want %q", raw, e.ID, err, want)
		}
	}
}

func TestHeaderErrorMessage(t *testing.T) {
	_, err := ReadRequest(newTestRequest(map[string]string{"Ce-Id": "a%FFb"}, validPayload))
	var he *HeaderError
	if !errors.As(err, &he) || he.Header != "ce-id" || he.Value != "a%FFb" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "ce-id") || errors.Unwrap(he) == nil {
		t.Errorf("message %q", err)
	}
}

func FuzzReadRequest(f *testing.F) {
	for _, tt := range readTests {
		if len(tt.body) > 4096 {
			continue
		}
		h := func(k string) string {
			if v, ok := tt.headers[k]; ok {
				return v
			}
			return validHeaders[k]
		}
		f.Add(h("Content-Type"), h("Ce-Id"), h("Ce-Source"), h("Ce-Type"), h("Ce-Time"), []byte(tt.body))
	}
	f.Add(ContentTypeStructured, "", "", "", "", []byte(validStructured))
	f.Add("application/json", "a%20b", "caf%C3%A9", "io.algoryn.threshold.violated", "2026-05-01T12:00:00Z", []byte(validPayload))
	f.Fuzz(func(t *testing.T, ct, id, source, typ, ts string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header = http.Header{
			"Content-Type":   {ct},
			"Ce-Specversion": {"1.0"},
			"Ce-Id":          {id},
			"Ce-Source":      {source},
			"Ce-Type":        {typ},
			"Ce-Time":        {ts},
		}
		e, err := ReadRequest(req)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "eventhttp: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			_ = statusFor(err)
			_ = problemFor(statusFor(err), err)
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted an invalid event: %v", err)
		}
		for _, mode := range []Mode{Binary, Structured} {
			req, err := NewRequest(context.Background(), "http://x/", e, mode)
			if err != nil {
				t.Fatalf("cannot send what was read: %v", err)
			}
			back, err := ReadRequest(req)
			if err != nil {
				t.Fatalf("%v: cannot read back: %v", mode, err)
			}
			if back.ID != e.ID || back.Source != e.Source || back.Type != e.Type || !back.Timestamp.Equal(e.Timestamp) || !bytes.Equal(back.Payload, e.Payload) {
				t.Fatalf("%v: round trip changed the event:\n%+v\n%+v", mode, e, back)
			}
		}
	})
}

func TestReadRequestOuterMaxBytesReader(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(validStructured))
	req.Header.Set("Content-Type", "application/cloudevents+json")
	req.ContentLength = -1 // unknown, as with chunked encoding
	req.Body = http.MaxBytesReader(httptest.NewRecorder(), req.Body, 10)
	_, err := ReadRequest(req)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if got := statusFor(err); got != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", got)
	}
}

func TestReadRequestParametersOnlyContentType(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(validStructured))
	req.Header.Set("Content-Type", ";charset=utf-8")
	_, err := ReadRequest(req)
	if !errors.Is(err, ErrUnsupportedMediaType) {
		t.Fatalf("got %v, want ErrUnsupportedMediaType", err)
	}
	if got := statusFor(err); got != http.StatusUnsupportedMediaType {
		t.Errorf("status %d, want 415", got)
	}
}

// jsonContentTypes are Content-Types on which ReadRequest must agree with
// events.IsJSONContentType, the one content-type rule of the module.
var jsonContentTypes = []string{
	"application/json",
	"Application/JSON; charset=UTF-8",
	"application/json; charset=latin1",
	"application/json; charset",
	"text/json",
	"application/vnd.x+json",
	"text/plain",
	"application/xml",
	"+json",
	"   ",
}

// TestReadRequestContentTypeRule: in binary mode a Content-Type is
// accepted exactly when events.IsJSONContentType accepts it, and refused
// with 415 otherwise; an absent one (the attribute is optional) is
// accepted.
func TestReadRequestContentTypeRule(t *testing.T) {
	for _, ct := range jsonContentTypes {
		_, err := ReadRequest(newTestRequest(map[string]string{"Content-Type": ct}, validPayload))
		switch want := events.IsJSONContentType(ct); {
		case want && err != nil:
			t.Errorf("%q: refused: %v", ct, err)
		case !want && !errors.Is(err, ErrUnsupportedMediaType):
			t.Errorf("%q: got %v, want ErrUnsupportedMediaType", ct, err)
		case !want && statusFor(err) != http.StatusUnsupportedMediaType:
			t.Errorf("%q: status %d, want 415", ct, statusFor(err))
		}
	}
	if events.IsJSONContentType("") {
		t.Fatal(`events.IsJSONContentType("") is true`)
	}
	if _, err := ReadRequest(newTestRequest(map[string]string{"Content-Type": ""}, validPayload)); err != nil {
		t.Errorf("no Content-Type: %v", err)
	}
}

// TestReadRequestStructuredContentTypeRule: the structured media type
// obeys the same rule: parameters are allowed, a charset other than
// utf-8 is not.
func TestReadRequestStructuredContentTypeRule(t *testing.T) {
	for ct, ok := range map[string]bool{
		"application/cloudevents+json":                  true,
		"Application/CloudEvents+JSON; charset=UTF-8":   true,
		"application/cloudevents+json; charset=latin1":  false,
		"application/cloudevents+json; charset":         false,
		"application/cloudevents-batch+json":            false,
		"application/cloudevents-batch+json; charset=x": false,
	} {
		if events.IsJSONContentType(mediaType(ct)) != true {
			t.Fatalf("%q: not a JSON media type", ct)
		}
		_, err := ReadRequest(newTestRequest(map[string]string{"Content-Type": ct}, validStructured))
		switch {
		case ok && err != nil:
			t.Errorf("%q: refused: %v", ct, err)
		case !ok && !errors.Is(err, ErrUnsupportedMediaType):
			t.Errorf("%q: got %v, want ErrUnsupportedMediaType", ct, err)
		}
	}
}

// TestReadBinaryEscapesAttributes: attribute values that JSON must
// escape reach the event intact through readBinary's structured form.
func TestReadBinaryEscapesAttributes(t *testing.T) {
	id := "a\"b\\c</d>&\u2028é"
	e, err := ReadRequest(newTestRequest(map[string]string{"Ce-Id": encodeHeader(id)}, validPayload))
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != id {
		t.Errorf("ID %q, want %q", e.ID, id)
	}
	// No headers but the content type, and no body: every attribute is
	// named, none of them by a Go field name.
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("Content-Type", "application/json")
	_, err = ReadRequest(req)
	var ve *events.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a *events.ValidationError", err)
	}
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	if got, want := strings.Join(fields, ","), "specversion,id,source,type,time,data"; got != want {
		t.Errorf("fields %s, want %s", got, want)
	}
}

// TestMaxBodyBytes: a structured event whose payload is the largest the
// events package takes, base64-encoded, still fits, with room for its
// attributes.
func TestMaxBodyBytes(t *testing.T) {
	if n := base64.StdEncoding.EncodedLen(events.MaxPayloadBytes) + 64<<10; n > MaxBodyBytes {
		t.Errorf("MaxBodyBytes %d < %d", MaxBodyBytes, n)
	}
}
