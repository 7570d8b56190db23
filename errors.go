package events

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error this package returns matches one of the
// first four with [errors.Is]; the details are in a [*ValidationError] or
// a [*SyntaxError], found with [errors.As]. [ErrRejected] is for handlers:
// errors made with [Permanent] match it.
var (
	// ErrInvalidEvent means an Event's envelope (ID, Type, Source,
	// Timestamp, Payload bytes) or its JSON is malformed.
	ErrInvalidEvent = errors.New("events: invalid event")

	// ErrInvalidPayload means a payload failed its own checks or could
	// not be encoded or decoded.
	ErrInvalidPayload = errors.New("events: invalid payload")

	// ErrUnknownType means an event type that this version of the
	// package does not define (see [Types]), or that no [Router] handler
	// takes.
	ErrUnknownType = errors.New("events: unknown event type")

	// ErrTypeMismatch means [Decode] was asked for a payload type that
	// does not belong to the event's Type.
	ErrTypeMismatch = errors.New("events: event type does not match payload type")

	// ErrRejected means a handler refused an event for good, for a reason
	// of its own, by returning an error made with [Permanent]. Transports
	// do not retry such an event: eventnats dead-letters it at once, and
	// eventhttp answers 422 so that the sender's Publish returns an error
	// matching ErrRejected.
	ErrRejected = errors.New("events: event rejected")
)

// Permanent wraps err, returned by a [Handler], to say that retrying the
// event cannot help: every transport then refuses it for good instead of
// delivering it again (see [ErrRejected]). The result matches
// ErrRejected and whatever err matches; its text is err's.
// Permanent(nil) is nil.
//
// The refusals of a [Router] (errors matching [ErrInvalidEvent],
// [ErrInvalidPayload], [ErrUnknownType] or [ErrTypeMismatch]) are
// permanent already; they need no wrapping.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &rejectedError{err}
}

// rejectedError is an error of Permanent.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string        { return e.err.Error() }
func (e *rejectedError) Unwrap() error        { return e.err }
func (e *rejectedError) Is(target error) bool { return target == ErrRejected }

// FieldErrorKind classifies a [FieldError], like the error types of
// Kubernetes' field validation.
type FieldErrorKind string

const (
	// FieldErrorRequired means the field is empty or zero but must be set.
	FieldErrorRequired FieldErrorKind = "required"
	// FieldErrorInvalid means the value has the wrong form or JSON type.
	FieldErrorInvalid FieldErrorKind = "invalid"
	// FieldErrorOutOfRange means a number lies outside its allowed range
	// or is not finite.
	FieldErrorOutOfRange FieldErrorKind = "out of range"
	// FieldErrorNotSupported means the value is not one of a fixed set.
	FieldErrorNotSupported FieldErrorKind = "not supported"
	// FieldErrorTooLarge means the value is longer than allowed.
	FieldErrorTooLarge FieldErrorKind = "too large"
)

// FieldError is one problem with one field.
type FieldError struct {
	// Field is the path of the field, as Go field names joined by dots:
	// "ID", "Summary.ErrorRate", "Payload.Summary.ErrorRate", "Tags[]".
	Field string
	// Kind classifies the problem.
	Kind FieldErrorKind
	// BadValue is the offending value, or nil when it is absent. For a
	// value of the wrong JSON type it is the raw JSON text (a string).
	BadValue any
	// Detail says what was expected, e.g. "must be within [0,1]".
	Detail string
}

// Error returns "Field: Detail, got BadValue", e.g.
// "Summary.ErrorRate: must be within [0,1], got 1.7".
func (e *FieldError) Error() string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

func (e *FieldError) write(b *strings.Builder) {
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Detail)
	switch v := e.BadValue.(type) {
	case nil:
	case string:
		fmt.Fprintf(b, ", got %q", v)
	default:
		fmt.Fprintf(b, ", got %v", v)
	}
}

// ValidationError reports every field that failed validation, in a stable
// order: the order of the fields in the struct for failed checks, the
// order of the input for values of the wrong JSON type.
//
// It matches [ErrInvalidEvent] or [ErrInvalidPayload] (or both, when an
// event's payload is what failed) with [errors.Is], and each of its
// [*FieldError]s with [errors.As].
type ValidationError struct {
	// Type is the event type being validated, if known.
	Type EventType
	// Fields lists the problems; it is never empty.
	Fields []*FieldError

	event bool // it is an Event's error (ErrInvalidEvent)
}

// Error names the sentinel, the type when known, and every field problem
// in order, separated by semicolons, e.g.
// "events: invalid payload (run.completed): RunID: required; Summary.ErrorRate: must be within [0,1], got 1.7".
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.event {
		b.WriteString("events: invalid event")
	} else {
		b.WriteString("events: invalid payload")
	}
	if e.Type != "" {
		b.WriteString(" (")
		b.WriteString(string(e.Type))
		b.WriteString(")")
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		f.write(&b)
	}
	return b.String()
}

// Is reports whether target is ErrInvalidEvent (for an Event's error) or
// ErrInvalidPayload (for a payload's error, or an Event whose payload
// failed: a field "Payload" or "Payload.…", named "data" or "data.…" by
// [FromCloudEvent]).
func (e *ValidationError) Is(target error) bool {
	switch target {
	case ErrInvalidEvent:
		return e.event
	case ErrInvalidPayload:
		if !e.event {
			return true
		}
		for _, f := range e.Fields {
			if isPayloadField(f.Field) {
				return true
			}
		}
	}
	return false
}

// isPayloadField reports whether an event's field path lies in the
// payload: "Payload", "Payload.…", or in CloudEvents terms "data", "data.…".
func isPayloadField(path string) bool {
	for _, p := range [...]string{"Payload", "data"} {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// Unwrap returns the field errors, so that errors.As finds the first.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// SyntaxError reports JSON that cannot be decoded into an [Event] or a
// payload: malformed, truncated, of the wrong JSON type, invalid UTF-8, or
// larger than [MaxPayloadBytes]. It matches [ErrInvalidEvent] (or
// [ErrInvalidPayload], when it is a payload's JSON) with [errors.Is].
type SyntaxError struct {
	// Offset is the byte offset in the input where the problem was found.
	Offset int64
	// Field is the field being read ("Payload", "Timestamp", ...), or ""
	// when the problem is outside any field.
	Field string
	// Detail says what was wrong, e.g. "unexpected end of input".
	Detail string
	// Err is an underlying error, if any (from time or base64 parsing, or
	// encoding/json for a payload).
	Err error

	payload bool
}

// Error returns e.g.
// `events: invalid event JSON at byte 57 (Payload): unexpected end of input`.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	if e.payload {
		b.WriteString("events: invalid payload JSON")
	} else {
		b.WriteString("events: invalid event JSON")
	}
	fmt.Fprintf(&b, " at byte %d", e.Offset)
	if e.Field != "" {
		b.WriteString(" (")
		b.WriteString(e.Field)
		b.WriteString(")")
	}
	b.WriteString(": ")
	b.WriteString(e.Detail)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is ErrInvalidEvent (event JSON) or
// ErrInvalidPayload (payload JSON).
func (e *SyntaxError) Is(target error) bool {
	if e.payload {
		return target == ErrInvalidPayload
	}
	return target == ErrInvalidEvent
}

// Unwrap returns the underlying error, if any.
func (e *SyntaxError) Unwrap() error { return e.Err }

// fieldErrors collects field errors in the order they are found.
type fieldErrors struct {
	list   []*FieldError
	prefix string
}

func (fe *fieldErrors) add(field string, kind FieldErrorKind, bad any, detail string) {
	fe.list = append(fe.list, &FieldError{Field: fe.prefix + field, Kind: kind, BadValue: bad, Detail: detail})
}

func (fe *fieldErrors) required(field string) {
	fe.add(field, FieldErrorRequired, nil, "required")
}

// err returns nil when nothing was added.
func (fe *fieldErrors) err(t EventType, event bool) error {
	if len(fe.list) == 0 {
		return nil
	}
	return &ValidationError{Type: t, Fields: fe.list, event: event}
}
