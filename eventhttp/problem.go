package eventhttp

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/algoryn/events"
)

// ContentTypeProblem is the media type of a [Problem] body (RFC 9457).
const ContentTypeProblem = "application/problem+json"

// Problem is an RFC 9457 problem details body, which [Handler] sends with
// every error response. Its Type names the reason, as the table in the
// package documentation lists; for a refusal that retrying cannot fix it
// is a URI under https://algoryn.dev/problems/. For example (the
// requests of the Problem example; other headers left out), an event
// without its time attribute gets:
//
//	HTTP/1.1 400 Bad Request
//	Content-Type: application/problem+json
//
//	{"type":"https://algoryn.dev/problems/invalid-event","title":"Invalid event","status":400,"detail":"eventhttp: events: invalid event (threshold.violated): time: required","errors":[{"field":"time","kind":"required","detail":"time: required"}]}
//
// and an event of a type that the receiving [events.Router] has no
// handler for:
//
//	HTTP/1.1 422 Unprocessable Entity
//	Content-Type: application/problem+json
//
//	{"type":"https://algoryn.dev/problems/unknown-type","title":"Unknown event type","status":422,"detail":"events: unknown event type: no handler for \"threshold.violated\""}
//
// A [Publisher] receiving such a body returns a [*StatusError] that
// matches the named sentinel (here [events.ErrInvalidEvent], then
// [events.ErrUnknownType]) with [errors.Is].
type Problem struct {
	// Type is a URI naming the problem type: one of
	// https://algoryn.dev/problems/invalid-event, invalid-payload,
	// unknown-type, type-mismatch, rejected or bad-signature for a
	// refusal that retrying cannot fix, otherwise "about:blank", which means the
	// status code says it all.
	Type string `json:"type"`
	// Title is a short summary of the problem type, e.g. "Unknown event
	// type"; for "about:blank", the HTTP status text, e.g. "Bad Request".
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence, e.g. the validation error.
	Detail string `json:"detail,omitempty"`
	// Errors lists the failing fields of an invalid event (an extension
	// member).
	Errors []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one failing field of an invalid event.
type ProblemField struct {
	// Field is the CloudEvents attribute or payload path, e.g. "time",
	// "data.Summary.ErrorRate", or a header such as "ce-source".
	Field string `json:"field"`
	// Kind classifies the problem, as [events.FieldError].Kind does
	// ("required", "invalid", ...); "syntax" for malformed JSON.
	Kind string `json:"kind"`
	// Detail says what was wrong, with the bad value if any.
	Detail string `json:"detail"`
}

// problemTypeBase starts the type URI of the Problem of a refusal.
const problemTypeBase = "https://algoryn.dev/problems/"

// A refusal is a reason to refuse an event that retrying cannot fix: an
// error matching sentinel is answered with status and the problem type
// problemTypeBase+name.
type refusal struct {
	sentinel error
	status   int
	name     string
	title    string
}

// refusals in order of precedence: an error matching several sentinels
// (an event's ValidationError for a payload field matches both
// ErrInvalidPayload and ErrInvalidEvent; events.Permanent(err) matches
// events.ErrRejected and what err matches) is answered as the first it
// matches, the most specific reason.
var refusals = [...]refusal{
	{events.ErrInvalidPayload, http.StatusBadRequest, "invalid-payload", "Invalid event payload"},
	{events.ErrInvalidEvent, http.StatusBadRequest, "invalid-event", "Invalid event"},
	{events.ErrUnknownType, http.StatusUnprocessableEntity, "unknown-type", "Unknown event type"},
	{events.ErrTypeMismatch, http.StatusUnprocessableEntity, "type-mismatch", "Event type does not match payload type"},
	{events.ErrRejected, http.StatusUnprocessableEntity, "rejected", "Event rejected by the receiver"},
	{ErrBadSignature, http.StatusUnauthorized, "bad-signature", "Missing or invalid signature"},
}

// refusalOf returns the first refusal whose sentinel err matches.
func refusalOf(err error) (refusal, bool) {
	for _, r := range refusals {
		if errors.Is(err, r.sentinel) {
			return r, true
		}
	}
	return refusal{}, false
}

// refusalByType returns the refusal whose problem type is typ.
func refusalByType(typ string) (refusal, bool) {
	name, ok := strings.CutPrefix(typ, problemTypeBase)
	if !ok {
		return refusal{}, false
	}
	for _, r := range refusals {
		if r.name == name {
			return r, true
		}
	}
	return refusal{}, false
}

// problemFor builds the Problem for an error of ReadRequest (or another
// error of this package, such as a method not allowed), which may be sent
// whole: it is of this package's or the events package's making. An
// invalid event gets the type of its refusal; other statuses get
// "about:blank".
func problemFor(status int, err error) *Problem {
	p := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if r, ok := refusalOf(err); ok && r.status == status {
		p.Type, p.Title = problemTypeBase+r.name, r.title
	}
	if err != nil {
		p.Detail = err.Error()
	}
	p.Errors = problemFields(err)
	return p
}

// handlerProblem builds the Problem for the error of the handler for
// event id. A refusal gets its own status and type; its detail is the
// text of the error that the sentinel was found in, as the events
// package wrote it, without the text the handler wrapped around it; a
// rejection wrapped with events.Permanent has no text sent at all. Any other
// error is a 500 whose text is not sent, as it may reveal internals.
func handlerProblem(id string, err error) *Problem {
	r, ok := refusalOf(err)
	if !ok {
		return problemFor(http.StatusInternalServerError, errors.New("eventhttp: the handler failed to process event "+id))
	}
	p := &Problem{Type: problemTypeBase + r.name, Title: r.title, Status: r.status}
	if r.sentinel == events.ErrRejected {
		p.Detail = "eventhttp: the handler rejected event " + id
		return p
	}
	cause := innermost(err, r.sentinel)
	p.Detail = cause.Error()
	p.Errors = problemFields(cause)
	return p
}

// innermost returns the deepest error in err's tree that still matches
// target, following the first matching branch: the sentinel itself, or
// the error of the events package that matches it (such as a
// *events.ValidationError), rather than the handler's errors wrapping
// it, whose text is its own.
func innermost(err, target error) error {
	for {
		var next error
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			if c := u.Unwrap(); c != nil && errors.Is(c, target) {
				next = c
			}
		case interface{ Unwrap() []error }:
			for _, c := range u.Unwrap() {
				if c != nil && errors.Is(c, target) {
					next = c
					break
				}
			}
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// problemFields lists the failing fields that err carries, if any.
func problemFields(err error) []ProblemField {
	var ve *events.ValidationError
	var se *events.SyntaxError
	var he *HeaderError
	switch {
	case errors.As(err, &ve):
		fields := make([]ProblemField, 0, len(ve.Fields))
		for _, f := range ve.Fields {
			fields = append(fields, ProblemField{Field: f.Field, Kind: string(f.Kind), Detail: f.Error()})
		}
		return fields
	case errors.As(err, &se):
		detail := se.Detail
		if se.Err != nil {
			detail += ": " + se.Err.Error()
		}
		return []ProblemField{{Field: se.Field, Kind: "syntax", Detail: "at byte " + strconv.FormatInt(se.Offset, 10) + ": " + detail}}
	case errors.As(err, &he):
		return []ProblemField{{Field: he.Header, Kind: string(events.FieldErrorInvalid), Detail: he.Err.Error()}}
	}
	return nil
}

// writeProblem sends p as the response.
func writeProblem(w http.ResponseWriter, p *Problem) {
	body, err := json.Marshal(p)
	if err != nil { // strings and ints only: cannot happen
		http.Error(w, p.Title, p.Status)
		return
	}
	w.Header().Set("Content-Type", ContentTypeProblem)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	_, _ = w.Write(body)
}
