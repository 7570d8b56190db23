package eventhttp

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/algoryn/events"
)

// ContentTypeProblem is the media type of a [Problem] body (RFC 9457).
const ContentTypeProblem = "application/problem+json"

// Problem is an RFC 9457 problem details body, which [Handler] sends with
// every error response, for example:
//
//	{"type":"about:blank","title":"Bad Request","status":400,
//	 "detail":"events: invalid event (run.completed): data.RunID: required",
//	 "errors":[{"field":"data.RunID","kind":"required","detail":"required"}]}
type Problem struct {
	// Type is a URI naming the problem type; always "about:blank", so
	// Title is the HTTP status text.
	Type string `json:"type"`
	// Title is the HTTP status text, e.g. "Bad Request".
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

// problemFor builds the Problem for an error of ReadRequest.
func problemFor(status int, err error) *Problem {
	p := &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status}
	if err != nil {
		p.Detail = err.Error()
	}
	var ve *events.ValidationError
	var se *events.SyntaxError
	var he *HeaderError
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Kind: string(f.Kind), Detail: f.Error()})
		}
	case errors.As(err, &se):
		detail := se.Detail
		if se.Err != nil {
			detail += ": " + se.Err.Error()
		}
		p.Errors = []ProblemField{{Field: se.Field, Kind: "syntax", Detail: "at byte " + strconv.FormatInt(se.Offset, 10) + ": " + detail}}
	case errors.As(err, &he):
		p.Errors = []ProblemField{{Field: he.Header, Kind: string(events.FieldErrorInvalid), Detail: he.Err.Error()}}
	}
	return p
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
