package eventhttp

import (
	"errors"
	"net/http"

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
func Handler(h events.Handler) http.Handler {
	if h == nil {
		panic("eventhttp: Handler: nil events.Handler")
	}
	return &handler{h: h}
}

type handler struct{ h events.Handler }

// ServeHTTP answers one request as described on [Handler].
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
	e, err := ReadRequest(r)
	if err != nil {
		writeProblem(w, problemFor(statusFor(err), err))
		return
	}
	if err := s.h.HandleEvent(r.Context(), e); err != nil {
		writeProblem(w, handlerProblem(e.ID, err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
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
