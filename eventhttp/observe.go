package eventhttp

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/algoryn/events"
)

// SystemName is the value of [events.Operation].System for this
// transport.
const SystemName = "http"

// WithObserver makes the Publisher tell o about every publish (see
// [events.Observer]): before sending, o sets headers on the outgoing
// request, such as the W3C trace context of the publish. In binary mode
// they are HTTP headers ("traceparent", "tracestate"); in structured mode
// they are CloudEvents extension attributes of the event in the body (the
// distributed-tracing extension), or HTTP headers for a key that is not a
// valid attribute name. Each retry is reported with [events.NoticeRetry].
//
// In binary mode the webhook-ce-signature of [WithSigningSecrets] does not
// cover these headers: they describe the hop, not the event, and a proxy
// on the way may rewrite them, as the W3C Trace Context specification
// allows; a forged traceparent can misplace a span but not change the
// event. In structured mode they are in the body, which the signature
// covers. A nil o, the default, adds nothing and costs nothing.
func WithObserver(o events.Observer) Option {
	return func(p *Publisher) { p.obs = o }
}

// WithHandlerObserver makes the handler tell o about every event it
// passes to its events.Handler (see [events.Observer]): the handler runs
// in the context o derives from the request's headers (binary mode) or
// from the event's CloudEvents extension attributes (structured mode),
// which carries the sender's trace context. With an Observer a
// structured event that gives an extension attribute twice is refused
// with 400, as one that gives a defined attribute twice always is. A nil
// o, the default, changes nothing.
func WithHandlerObserver(o events.Observer) HandlerOption {
	return func(c *handlerConfig) { c.obs = o }
}

// publishObserved is Publish with an Observer.
func (p *Publisher) publishObserved(ctx context.Context, e events.Event, header http.Header, body []byte) error {
	op := events.Operation{System: SystemName, Destination: p.path, Event: e, Subject: decodedSubject(header)}
	var ext events.MapCarrier
	var c events.Carrier = headerCarrier{h: header}
	if p.mode == Structured {
		ext = events.MapCarrier{}
		c = ext
	}
	ctx, end := p.obs.StartPublish(ctx, op, c)
	if len(ext) > 0 {
		attrs := make(map[string]string, len(ext))
		for k, v := range ext {
			if k = strings.ToLower(k); isExtensionName(k) {
				attrs[k] = v
			} else {
				header.Set(k, v)
			}
		}
		b, err := events.ToCloudEventWithExtensions(e, attrs)
		if err != nil {
			end(err)
			return err
		}
		body = b
	}
	err := p.send(ctx, e, header, body, func(attempt int, wait time.Duration, err error) {
		p.obs.Notice(ctx, events.Notice{Kind: events.NoticeRetry, Operation: op, Attempt: attempt, Delay: wait, Err: err})
	})
	end(err)
	return err
}

// decodedSubject is the subject a binary-mode header carries, "" in
// structured mode (the Observer derives it then, if it needs it).
func decodedSubject(h http.Header) string {
	v, err := decodeHeader(h.Get(headerSubject))
	if err != nil {
		return ""
	}
	return v
}

// isExtensionName reports whether k can be a CloudEvents extension
// attribute: 1 to 20 characters of [a-z0-9].
func isExtensionName(k string) bool {
	if k == "" || len(k) > events.MaxCloudEventsExtensionName {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// handle runs the events.Handler on e, telling the Observer if there is
// one. ext are the extension attributes of a structured-mode event.
func (s *handler) handle(r *http.Request, mode Mode, e events.Event, ext map[string]string) (err error) {
	if s.obs == nil {
		return s.h.HandleEvent(r.Context(), e)
	}
	var c events.Carrier = headerCarrier{h: r.Header, readOnly: true}
	if mode == Structured {
		c = readOnlyMap(ext)
	}
	op := events.Operation{System: SystemName, Destination: r.URL.EscapedPath(), Event: e}
	ctx, end := s.obs.StartHandle(r.Context(), op, c)
	ended := false
	defer func() {
		if !ended { // the handler panicked; net/http recovers
			end(errHandlerPanicked)
		}
	}()
	err = s.h.HandleEvent(ctx, e)
	ended = true
	end(err)
	return err
}

var errHandlerPanicked = errors.New("eventhttp: handler panicked")

// headerCarrier is an events.Carrier over HTTP headers; keys are
// canonicalized as http.Header does, and listed in lower case.
type headerCarrier struct {
	h        http.Header
	readOnly bool
}

func (c headerCarrier) Get(key string) string { return c.h.Get(key) }

func (c headerCarrier) Set(key, value string) {
	if !c.readOnly {
		c.h.Set(key, value)
	}
}

func (c headerCarrier) Keys() []string {
	keys := make([]string, 0, len(c.h))
	for k := range c.h {
		keys = append(keys, strings.ToLower(k))
	}
	return keys
}

// readOnlyMap is an events.Carrier over extension attributes that
// ignores Set.
type readOnlyMap map[string]string

func (m readOnlyMap) Get(key string) string { return m[key] }
func (m readOnlyMap) Set(string, string)    {}
func (m readOnlyMap) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
