package eventhttp

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/algoryn/events"
)

// MaxBodyBytes is the largest request body [ReadRequest] reads: a
// structured event whose payload is at most [events.MaxPayloadBytes],
// base64-encoded, with its attributes. A binary-mode body, which is the
// payload itself, may be at most [events.MaxPayloadBytes].
const MaxBodyBytes = 2 << 20

var (
	// ErrUnsupportedMediaType means a request whose Content-Type is
	// neither application/cloudevents+json nor JSON with ce- headers, such
	// as text/plain, a batch or another event format (HTTP 415).
	ErrUnsupportedMediaType = errors.New("eventhttp: unsupported media type")

	// ErrTooLarge means a request body larger than [MaxBodyBytes], or a
	// binary-mode body larger than [events.MaxPayloadBytes] (HTTP 413).
	ErrTooLarge = errors.New("eventhttp: request body too large")
)

// HeaderError reports a ce- header value that is not valid UTF-8 after
// percent-decoding. It matches [events.ErrInvalidEvent].
type HeaderError struct {
	// Header is the header name in lower case, e.g. "ce-source".
	Header string
	// Value is the value as received.
	Value string
	// Err is the decoding error.
	Err error
}

// Error returns e.g. "eventhttp: header ce-source: not valid UTF-8 after percent-decoding".
func (e *HeaderError) Error() string {
	return "eventhttp: header " + e.Header + ": " + e.Err.Error()
}

// Is reports whether target is [events.ErrInvalidEvent].
func (e *HeaderError) Is(target error) bool { return target == events.ErrInvalidEvent }

// Unwrap returns the decoding error.
func (e *HeaderError) Unwrap() error { return e.Err }

var errInvalidUTF8 = errors.New("not valid UTF-8 after percent-decoding")

// ReadRequest reads the event that r carries, in either content mode:
//
//   - Content-Type application/cloudevents+json: structured mode, the body
//     read by [events.FromCloudEvent];
//   - otherwise binary mode: the ce- headers are the attributes
//     (percent-decoded as the binding requires; a value with a '%' that
//     starts no valid escape is read as it is, for senders that do not
//     encode), Content-Type is the datacontenttype and the body is
//     the payload. A Content-Type that is not JSON gives an error matching
//     [ErrUnsupportedMediaType], as does a batch or another event format.
//
// The body is read up to [MaxBodyBytes] (binary mode:
// [events.MaxPayloadBytes]); a larger body gives an error matching
// [ErrTooLarge]. The event is validated: a missing or wrong attribute or
// payload field gives an error matching [events.ErrInvalidEvent] whose
// [*events.ValidationError] names the CloudEvents attribute ("id", "time",
// "data.RunID", ...). Unknown ce- headers (extensions) are ignored.
// ReadRequest does not check the method and does not close the body.
func ReadRequest(r *http.Request) (events.Event, error) {
	mt := mediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == ContentTypeStructured:
		body, err := readBody(r, MaxBodyBytes)
		if err != nil {
			return events.Event{}, err
		}
		e, err := events.FromCloudEvent(body)
		if err != nil {
			return events.Event{}, fmt.Errorf("eventhttp: %w", err)
		}
		return e, nil
	case strings.HasPrefix(mt, "application/cloudevents"):
		return events.Event{}, fmt.Errorf("%w %q: only single events in the JSON format (%s) are read", ErrUnsupportedMediaType, mt, ContentTypeStructured)
	case mt == "" && strings.TrimSpace(r.Header.Get("Content-Type")) != "":
		return events.Event{}, fmt.Errorf("%w %q: no media type", ErrUnsupportedMediaType, r.Header.Get("Content-Type"))
	case mt != "" && !isJSON(mt):
		return events.Event{}, fmt.Errorf("%w %q: want %s, or %s with ce- headers", ErrUnsupportedMediaType, mt, ContentTypeStructured, ContentTypeJSON)
	}
	return readBinary(r)
}

// readBinary reads a binary-mode request by turning it into the
// structured form, so that events.FromCloudEvent checks it and names the
// attributes in its errors.
func readBinary(r *http.Request) (events.Event, error) {
	attrs := make(map[string]string, 8)
	for _, a := range [...]struct{ header, name string }{
		{headerSpecVersion, "specversion"},
		{headerID, "id"},
		{headerSource, "source"},
		{headerType, "type"},
		{headerSubject, "subject"},
		{headerTime, "time"},
	} {
		vs, ok := r.Header[a.header]
		if !ok || len(vs) == 0 {
			continue
		}
		v, err := decodeHeader(vs[0])
		if err != nil {
			return events.Event{}, &HeaderError{Header: strings.ToLower(a.header), Value: vs[0], Err: err}
		}
		attrs[a.name] = v
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		attrs["datacontenttype"] = ct
	}
	body, err := readBody(r, events.MaxPayloadBytes)
	if err != nil {
		return events.Event{}, err
	}
	if len(body) > 0 {
		attrs["data_base64"] = base64.StdEncoding.EncodeToString(body)
	}
	ce, err := json.Marshal(attrs)
	if err != nil { // strings only: cannot happen
		return events.Event{}, fmt.Errorf("eventhttp: %w", err)
	}
	e, err := events.FromCloudEvent(ce)
	if err != nil {
		return events.Event{}, fmt.Errorf("eventhttp: %w", err)
	}
	return e, nil
}

// decodeHeader percent-decodes a ce- header value; the result must be
// valid UTF-8. A value with a '%' that does not start a valid escape is
// taken as it is: some senders, such as the CloudEvents Go SDK v2.16, do
// not percent-encode, and "100% done" can only mean itself.
func decodeHeader(v string) (string, error) {
	if strings.IndexByte(v, '%') >= 0 {
		if d, err := url.PathUnescape(v); err == nil {
			v = d
		}
	}
	if !utf8.ValidString(v) {
		return "", errInvalidUTF8
	}
	return v, nil
}

// readBody reads at most limit bytes of r's body.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, r.ContentLength, limit)
	}
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) { // an outer http.MaxBytesReader
		return nil, fmt.Errorf("%w: more than %d bytes: %w", ErrTooLarge, mbe.Limit, err)
	}
	if err != nil {
		return nil, fmt.Errorf("eventhttp: reading request body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return body, nil
}

// mediaType returns the media type of a Content-Type value in lower case,
// without parameters.
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// isJSON reports whether the media type mt is JSON: application/json,
// text/json or a "+json" type.
func isJSON(mt string) bool {
	return mt == "application/json" || mt == "text/json" ||
		(strings.HasSuffix(mt, "+json") && strings.IndexByte(mt, '/') > 0)
}
