package eventhttp

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/algoryn/events"
)

const allow = "OPTIONS, POST"

// Handler returns an http.Handler that reads each POSTed event with
// [ReadRequest], in binary or structured mode, and passes it to h (for
// example an [events.Router]). It answers 204 No Content when h returns
// nil; the table in the package documentation lists every other answer.
// In short: a request that is no valid event gets 400, 413 or 415; an
// error of h matching [events.ErrInvalidEvent] or
// [events.ErrInvalidPayload] gets 400, and one matching
// [events.ErrUnknownType] or [events.ErrTypeMismatch], or wrapped with
// [events.Permanent], gets 422: refusals, which a [Publisher] does not retry.
// Any other error of h gets 500, which it retries. Methods other than
// POST and OPTIONS get 405 Method Not Allowed with an Allow header.
//
// Every error response carries an RFC 9457 [Problem] body
// (application/problem+json) whose type names the reason. The text of
// h's error is never sent, as it may reveal internals, except for the
// events package's own error inside a refusal (such as an
// [*events.ValidationError], whose failing fields are listed).
//
// An OPTIONS request is the CloudEvents webhook validation handshake
// (the abuse protection of the CloudEvents Web Hook specification): when
// it has a WebHook-Request-Origin header, the handler agrees to receive
// from that origin with WebHook-Allowed-Origin, and WebHook-Allowed-Rate
// "*". Asynchronous validation by WebHook-Request-Callback is not
// supported. Handler panics if h is nil.
//
// Handler accepts requests without a signature, as it did before
// signatures existed: it is [NewHandler] with [AllowUnsigned]. For an
// endpoint that others can reach, use NewHandler with [RequireSignature].
// Handler works on at most [DefaultMaxInFlight] requests at once.
func Handler(h events.Handler) http.Handler {
	if h == nil {
		panic("eventhttp: Handler: nil events.Handler")
	}
	s, err := NewHandler(h, AllowUnsigned())
	if err != nil { // cannot happen: the options are valid
		panic(err)
	}
	return s
}

// NewHandler returns an http.Handler that answers as [Handler] does,
// configured by opts, which must say whether requests must be signed:
// [RequireSignature], or [AllowUnsigned] for an endpoint that only
// trusted senders can reach. It returns an error, matching
// [ErrInvalidSecret] for a malformed secret, if the options cannot work
// together, and if h is nil.
//
// With RequireSignature, a request gets 401 Unauthorized, with a
// [Problem] of type https://algoryn.dev/problems/bad-signature and
// without reaching h, when it has no webhook-id, webhook-timestamp or
// webhook-signature header (refused before its body is read), when its
// timestamp is further from the receiver's clock than the tolerance
// ([WithTolerance], also checked before the body is read), when no
// signature matches under any of the secrets (checked before the body is
// parsed), in binary mode when its ce- attributes are not signed, and
// when its webhook-id is not the event's ID. The package documentation
// describes the scheme.
//
// The handler works on at most [DefaultMaxInFlight] requests at once
// ([WithMaxInFlight]); one more gets 503 Service Unavailable with a
// Retry-After header ([WithRetryAfter]) before its body is read.
// [WithReplayProtection] makes it answer a second delivery of an event
// it has handled with 204, without calling h again.
func NewHandler(h events.Handler, opts ...HandlerOption) (http.Handler, error) {
	if h == nil {
		return nil, errors.New("eventhttp: NewHandler: nil events.Handler")
	}
	c := handlerConfig{
		tolerance:   DefaultTolerance,
		maxInFlight: DefaultMaxInFlight,
		retryAfter:  DefaultRetryAfter,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	s := &handler{
		h:          h,
		tolerance:  c.tolerance,
		slots:      make(chan struct{}, c.maxInFlight),
		retryAfter: strconv.FormatInt(int64(c.retryAfter/time.Second), 10),
		obs:        c.obs,
		now:        time.Now,
	}
	if c.secretsGiven {
		keys, err := parseSecrets("RequireSignature", c.secrets)
		if err != nil {
			return nil, err
		}
		s.keys = keys
	}
	if c.replayMemory > 0 {
		s.replay = newReplayMemory(c.replayMemory, c.tolerance)
	}
	return s, nil
}

// handler is the http.Handler of NewHandler. Its keys are behind
// pointers, so printing it shows no secret.
type handler struct {
	h          events.Handler
	keys       []*signingKey // nil: unsigned requests accepted
	tolerance  time.Duration
	replay     *replayMemory // nil: no replay protection
	slots      chan struct{} // one per request in flight
	retryAfter string        // seconds
	obs        events.Observer

	now func() time.Time // tests replace it
}

// ServeHTTP answers one request as described on [Handler] and [NewHandler].
func (s *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		w.Header().Set("Allow", allow)
		if origin := r.Header.Get("WebHook-Request-Origin"); origin != "" {
			w.Header().Set("WebHook-Allowed-Origin", origin)
			w.Header().Set("WebHook-Allowed-Rate", "*")
			w.WriteHeader(http.StatusOK)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", allow)
		writeProblem(w, problemFor(http.StatusMethodNotAllowed, errors.New("eventhttp: method "+r.Method+" not allowed; send events with POST")))
		return
	}
	now := s.now() // one reading: the timestamp check and the replay memory agree
	var sr signedRequest
	if s.keys != nil {
		var err error
		if sr, err = checkSignatureHeaders(r.Header, now, s.tolerance); err != nil {
			s.unauthorized(w, err)
			return
		}
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		s.unavailable(w, errors.New("eventhttp: too many requests in flight; retry later"))
		return
	}
	mode, err := requestMode(r.Header.Get("Content-Type"))
	if err != nil {
		writeProblem(w, problemFor(statusFor(err), err))
		return
	}
	body, err := readBody(r, bodyLimit(mode))
	if err != nil {
		writeProblem(w, problemFor(statusFor(err), err))
		return
	}
	if s.keys != nil {
		if err := verify(s.keys, &sr, r.Header, mode, body); err != nil {
			s.unauthorized(w, err)
			return
		}
	}
	var (
		e   events.Event
		ext map[string]string // extension attributes, read only for an Observer
	)
	if s.obs != nil && mode == Structured {
		e, ext, err = events.FromCloudEventWithExtensions(body)
		if err != nil {
			err = fmt.Errorf("eventhttp: %w", err)
		}
	} else {
		e, err = decodeRequest(mode, r.Header, body)
	}
	if err != nil {
		writeProblem(w, problemFor(statusFor(err), err))
		return
	}
	if s.keys != nil {
		if id, err := decodeHeader(sr.id); err != nil || id != e.ID {
			s.unauthorized(w, fmt.Errorf("%w: webhook-id is not the event's ID %q", ErrBadSignature, e.ID))
			return
		}
	}
	if s.replay != nil {
		verdict, seq := s.replay.begin(e.ID, sr.unix, now.Unix())
		switch verdict {
		case replayDone:
			w.WriteHeader(http.StatusNoContent)
			return
		case replayBusy:
			s.unavailable(w, fmt.Errorf("eventhttp: event %s is being handled; retry later", e.ID))
			return
		case replayForgotten:
			s.unavailable(w, fmt.Errorf("eventhttp: event %s is signed too long ago for the replay memory; sign it again", e.ID))
			return
		}
		handled := false
		defer func() { s.replay.finish(e.ID, seq, handled) }() // even if h panics
		err = s.handle(r, mode, e, ext)
		handled = err == nil
	} else {
		err = s.handle(r, mode, e, ext)
	}
	if err != nil {
		writeProblem(w, handlerProblem(e.ID, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// unauthorized answers 401 for err, which matches ErrBadSignature.
func (s *handler) unauthorized(w http.ResponseWriter, err error) {
	w.Header().Set("WWW-Authenticate", `Standard-Webhooks`)
	writeProblem(w, problemFor(http.StatusUnauthorized, err))
}

// unavailable answers 503 with Retry-After.
func (s *handler) unavailable(w http.ResponseWriter, err error) {
	w.Header().Set("Retry-After", s.retryAfter)
	writeProblem(w, problemFor(http.StatusServiceUnavailable, err))
}

// statusFor maps an error of ReadRequest to an HTTP status.
func statusFor(err error) int {
	switch {
	case errors.Is(err, ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType
	}
	var ve *events.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			if f.Kind == events.FieldErrorTooLarge && f.Field == "data" {
				return http.StatusRequestEntityTooLarge
			}
		}
	}
	return http.StatusBadRequest
}
