package eventhttp

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/algoryn/events"
)

// Mode is a content mode of the CloudEvents HTTP binding.
type Mode int

const (
	// Binary puts the attributes in ce- headers and the payload in the
	// body, with Content-Type application/json. It is the default of
	// [Publisher], as of the CloudEvents SDKs.
	Binary Mode = iota
	// Structured puts the whole event in the body as CloudEvents JSON,
	// with Content-Type application/cloudevents+json.
	Structured
)

// String returns "binary" or "structured".
func (m Mode) String() string {
	switch m {
	case Binary:
		return "binary"
	case Structured:
		return "structured"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// Media types of the CloudEvents HTTP binding.
const (
	// ContentTypeStructured is the Content-Type of a structured-mode
	// request.
	ContentTypeStructured = "application/cloudevents+json"
	// ContentTypeJSON is the Content-Type of a binary-mode request: the
	// body is the payload, a JSON object.
	ContentTypeJSON = events.CloudEventsContentType
)

// The ce- headers of binary mode, in canonical form.
const (
	headerSpecVersion = "Ce-Specversion"
	headerID          = "Ce-Id"
	headerSource      = "Ce-Source"
	headerType        = "Ce-Type"
	headerSubject     = "Ce-Subject"
	headerTime        = "Ce-Time"
)

// NewRequest returns a POST request to url that carries e in the given
// mode. The event is validated first, as by [events.ToCloudEvent]; an
// invalid event gives an error matching [events.ErrInvalidEvent].
//
// The request body can be read again (GetBody is set), so the request
// may be retried or redirected as is.
func NewRequest(ctx context.Context, url string, e events.Event, mode Mode) (*http.Request, error) {
	header, body, err := encode(e, mode)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("eventhttp: %w", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return req, nil
}

// encode returns the headers and body that carry e in mode, after
// validating e as events.ToCloudEvent does.
func encode(e events.Event, mode Mode) (http.Header, []byte, error) {
	switch mode {
	case Structured:
		ce, err := events.ToCloudEvent(e)
		if err != nil {
			return nil, nil, fmt.Errorf("eventhttp: %w", err)
		}
		return http.Header{"Content-Type": {ContentTypeStructured}}, ce, nil
	case Binary:
		// Subject is "" for an invalid event, so a subject proves e valid
		// in the one pass that found it; only without one is Validate,
		// the check of ToCloudEvent, needed.
		subject := e.Subject()
		if subject == "" {
			if err := e.Validate(); err != nil {
				return nil, nil, fmt.Errorf("eventhttp: %w", err)
			}
		}
		h := http.Header{
			"Content-Type":    {ContentTypeJSON},
			headerSpecVersion: {events.CloudEventsSpecVersion},
			headerID:          {encodeHeader(e.ID)},
			headerSource:      {encodeHeader(e.Source)},
			headerType:        {encodeHeader(events.CloudEventsTypePrefix + string(e.Type))},
			headerTime:        {e.Timestamp.UTC().Format(time.RFC3339Nano)},
		}
		if subject != "" {
			h[headerSubject] = []string{encodeHeader(subject)}
		}
		return h, e.Payload, nil
	}
	return nil, nil, fmt.Errorf("eventhttp: unknown mode %v", mode)
}

// encodeHeader percent-encodes a header value as the CloudEvents HTTP
// binding requires: space, '"', '%' and every byte outside printable
// ASCII (so each byte of a non-ASCII character's UTF-8 form) become %XX.
func encodeHeader(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if mustEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; mustEscape(c) {
			b = append(b, '%', hex[c>>4], hex[c&0xf])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// encodeWebhookID returns the webhook-id header of an event with ID id:
// id encoded as its ce-id is, and '.' too, as the Standard Webhooks
// scheme joins the signed content with '.'.
func encodeWebhookID(id string) string {
	if strings.IndexByte(id, '.') < 0 {
		return encodeHeader(id)
	}
	return strings.ReplaceAll(encodeHeader(id), ".", "%2E")
}

func mustEscape(c byte) bool {
	return c <= ' ' || c >= 0x7f || c == '"' || c == '%'
}
