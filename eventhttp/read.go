package eventhttp

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/algoryn/events"
	"github.com/algoryn/events/internal/jsonwire"
)

// MaxBodyBytes is the largest request body [ReadRequest] reads: a
// structured event whose payload is at most [events.MaxPayloadBytes],
// base64-encoded, with its attributes. A binary-mode body, which is the
// payload itself, may be at most [events.MaxPayloadBytes].
const MaxBodyBytes = 2 * events.MaxPayloadBytes

var (
	// ErrUnsupportedMediaType means a request whose Content-Type is
	// neither application/cloudevents+json nor JSON with ce- headers, such
	// as text/plain, a batch or another event format (HTTP 415).
	ErrUnsupportedMediaType = errors.New("eventhttp: unsupported media type")

	// ErrTooLarge means a request body larger than [MaxBodyBytes], or a
	// binary-mode body larger than [events.MaxPayloadBytes] (HTTP 413).
	ErrTooLarge = errors.New("eventhttp: request body too large")

	// ErrBadSignature means a request that a handler requiring signatures
	// (see [RequireSignature]) refused with 401 Unauthorized: no
	// signature, a timestamp outside the tolerance, no signature that
	// matches under a known secret, unsigned ce- attributes in binary
	// mode, or a webhook-id that is not the event's ID. A [Publisher]
	// whose request was refused so returns a [*StatusError] matching it.
	ErrBadSignature = errors.New("eventhttp: missing or invalid signature")

	// ErrInvalidSecret means a secret given to [WithSigningSecrets] or
	// [RequireSignature] that is empty, lacks the "whsec_" prefix, is
	// not standard base64 after it, or is not 24 to 64 bytes long. The
	// error says which, never showing the secret.
	ErrInvalidSecret = errors.New("eventhttp: invalid secret")
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
//     encode), Content-Type, if any, is the datacontenttype and the body
//     is the payload.
//
// In both modes the Content-Type, if given, must be JSON as
// [events.IsJSONContentType] says (in any case, with parameters, but a
// charset, if any, must be utf-8); any other, a batch or another event
// format gives an error matching [ErrUnsupportedMediaType].
//
// The body is read up to [MaxBodyBytes] (binary mode:
// [events.MaxPayloadBytes]); a larger body gives an error matching
// [ErrTooLarge]. The event is validated: a missing or wrong attribute or
// payload field gives an error matching [events.ErrInvalidEvent] whose
// [*events.ValidationError] names the CloudEvents attribute ("id", "time",
// "data.RunID", ...). Unknown ce- headers (extensions) are ignored.
// ReadRequest does not check the method and does not close the body.
func ReadRequest(r *http.Request) (events.Event, error) {
	mode, err := requestMode(r.Header.Get("Content-Type"))
	if err != nil {
		return events.Event{}, err
	}
	body, err := readBody(r, bodyLimit(mode))
	if err != nil {
		return events.Event{}, err
	}
	return decodeRequest(mode, r.Header, body)
}

// requestMode returns the content mode of a request with Content-Type ct,
// or the error of ReadRequest for a Content-Type it does not read.
func requestMode(ct string) (Mode, error) {
	if ct == "" {
		return Binary, nil
	}
	mt := mediaType(ct)
	if !events.IsJSONContentType(ct) {
		return 0, notJSON(ct, mt)
	}
	switch {
	case mt == ContentTypeStructured:
		return Structured, nil
	case strings.HasPrefix(mt, "application/cloudevents"):
		return 0, fmt.Errorf("%w %q: only single events in the JSON format (%s) are read", ErrUnsupportedMediaType, mt, ContentTypeStructured)
	}
	return Binary, nil
}

// bodyLimit is the largest body ReadRequest reads in mode.
func bodyLimit(mode Mode) int64 {
	if mode == Structured {
		return MaxBodyBytes
	}
	return events.MaxPayloadBytes
}

// decodeRequest reads the event of a request in mode, with header h and
// body.
func decodeRequest(mode Mode, h http.Header, body []byte) (events.Event, error) {
	if mode == Binary {
		return readBinary(h, body)
	}
	e, err := events.FromCloudEvent(body)
	if err != nil {
		return events.Event{}, fmt.Errorf("eventhttp: %w", err)
	}
	return e, nil
}

// notJSON is the error of ReadRequest for a Content-Type, ct, with media
// type mt, that [events.IsJSONContentType] refuses.
func notJSON(ct, mt string) error {
	switch {
	case mt == "":
		return fmt.Errorf("%w %q: no media type", ErrUnsupportedMediaType, ct)
	case events.IsJSONContentType(mt): // so the parameters are at fault
		return fmt.Errorf("%w %q: JSON is UTF-8: the parameters must be well formed, and a charset, if any, utf-8", ErrUnsupportedMediaType, ct)
	case strings.HasPrefix(mt, "application/cloudevents"):
		return fmt.Errorf("%w %q: only single events in the JSON format (%s) are read", ErrUnsupportedMediaType, mt, ContentTypeStructured)
	}
	return fmt.Errorf("%w %q: want %s, or %s with ce- headers", ErrUnsupportedMediaType, mt, ContentTypeStructured, ContentTypeJSON)
}

// readBinary reads a binary-mode request by turning it into the
// structured form, so that events.FromCloudEvent checks it and names the
// attributes in its errors. The body travels base64-encoded, as
// "data_base64": embedded as "data", a body that is not one JSON value
// could change the attributes around it. The Content-Type, already
// checked by ReadRequest with the rule FromCloudEvent applies to
// "datacontenttype", is not passed on.
func readBinary(h http.Header, body []byte) (events.Event, error) {
	ce := make([]byte, 0, 256)
	ce = append(ce, '{')
	for _, a := range [...]struct{ header, name string }{
		{headerSpecVersion, "specversion"},
		{headerID, "id"},
		{headerSource, "source"},
		{headerType, "type"},
		{headerSubject, "subject"},
		{headerTime, "time"},
	} {
		vs, ok := h[a.header]
		if !ok || len(vs) == 0 {
			continue
		}
		v, err := decodeHeader(vs[0])
		if err != nil {
			return events.Event{}, &HeaderError{Header: strings.ToLower(a.header), Value: vs[0], Err: err}
		}
		ce = append(ce, '"')
		ce = append(ce, a.name...)
		ce = append(ce, `":`...)
		ce = jsonwire.AppendString(ce, v) // v is valid UTF-8: written as it is
		ce = append(ce, ',')
	}
	if len(body) > 0 {
		ce = append(ce, `"data_base64":"`...)
		ce = base64.StdEncoding.AppendEncode(ce, body)
		ce = append(ce, '"')
	} else if ce[len(ce)-1] == ',' {
		ce = ce[:len(ce)-1]
	}
	ce = append(ce, '}')
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
// without parameters, to tell the formats apart: whether a Content-Type
// is JSON at all is for [events.IsJSONContentType] to say.
func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}
