package events

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/algoryn/events/internal/jsonwire"
)

// Decode returns the payload of e as a P, checked:
//
//   - if e.Type is not the type P belongs to, it returns an error matching
//     [ErrTypeMismatch] without reading the bytes;
//   - if the payload is not valid JSON for P, a [*SyntaxError] or
//     [*ValidationError] matching [ErrInvalidPayload] that names the field;
//   - if the decoded payload fails its Validate method, that
//     [*ValidationError].
//
// Unknown JSON keys in the payload are ignored, so newer producers may add
// fields. P must be a concrete payload type such as [RunCompletedPayload];
// for code that handles every type, use [DecodePayload].
func Decode[P Payload](e Event) (P, error) {
	var p P
	if ok, err := decodeOwn(&p, e.Type, e.Payload); ok { // a payload of this package
		if err != nil {
			var zero P
			return zero, err
		}
		return p, nil
	}
	return decodeOther[P](e)
}

// decodeOther is Decode for a payload type of another package, or a
// pointer type, with encoding/json. (A function of its own, so that the
// payload Decode decodes itself stays on the stack.)
func decodeOther[P Payload](e Event) (P, error) {
	var p P
	want, err := payloadType[P]()
	if err != nil {
		return p, err
	}
	if e.Type != want {
		return p, &mismatchError{got: e.Type, want: want}
	}
	if err := decodeWithJSON(e.Type, e.Payload, &p); err != nil {
		return p, err
	}
	if v, ok := any(p).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			var zero P
			return zero, err
		}
	}
	return p, nil
}

// DecodePayload returns the payload of e as the concrete struct value for
// its type (a [RunCompletedPayload], not a pointer, for run.completed, and
// so on), decoded and validated as by [Decode]. It is meant for code that
// handles any type, such as loggers and command-line tools; use a type
// switch on the result.
//
// For a type that is not in [Types] it returns an error matching
// [ErrUnknownType].
func DecodePayload(e Event) (Payload, error) {
	if kindOf(e.Type) == nil {
		return nil, &unknownTypeError{t: e.Type}
	}
	var d payloadDecoder
	if err := d.start(e.Type, e.Payload); err != nil {
		return nil, err
	}
	p, _, _ := checkPayload(e.Type, &d, true)
	if err := d.result(e.Type); err != nil {
		return nil, err
	}
	return p, nil
}

// start applies the size rule of payloadProblem to data and positions d at
// its opening brace. Data that is not an object gives the error Decode
// returns: a *ValidationError, or a *SyntaxError for malformed JSON.
func (d *payloadDecoder) start(t EventType, data []byte) error {
	if f := payloadSizeProblem(len(data)); f != nil {
		return &ValidationError{Type: t, Fields: []*FieldError{f}}
	}
	d.r = jsonwire.NewReader(data)
	if c := d.r.Peek(); c != '{' {
		d.r.Skip()
		d.r.End()
		if d.r.Err != nil {
			return d.syntaxError()
		}
		return &ValidationError{Type: t, Fields: []*FieldError{payloadShapeProblem(c, nil)}}
	}
	return nil
}

// result returns the error of a decoded payload: the first syntax error,
// or every field problem, or nil.
func (d *payloadDecoder) result(t EventType) error {
	if d.r.Err != nil {
		return d.syntaxError()
	}
	return d.fe.err(t, false)
}

func (d *payloadDecoder) syntaxError() *SyntaxError {
	return &SyntaxError{Offset: int64(d.r.Err.Off), Field: "Payload", Detail: d.r.Err.Detail, payload: true}
}

// decodeWithJSON decodes a payload type of another package with
// encoding/json, after the payload-bytes rule, naming the field of a type
// error.
func decodeWithJSON(t EventType, data []byte, v any) error {
	var d payloadDecoder
	if err := d.start(t, data); err != nil {
		return err
	}
	d.r.Skip()
	if !d.r.End() {
		return d.syntaxError()
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var fe fieldErrors
	if typeErr, ok := err.(*json.UnmarshalTypeError); ok {
		field := typeErr.Field
		if field == "" {
			field = "Payload"
		}
		fe.add(field, FieldErrorInvalid, typeErr.Value, "must be a JSON value of Go type "+typeErr.Type.String())
		return fe.err(t, false)
	}
	return &SyntaxError{Field: "Payload", Detail: "cannot decode", Err: err, payload: true}
}

// payloadType returns the event type that the payload type P belongs to.
func payloadType[P Payload]() (EventType, error) {
	var p P
	rt := reflect.TypeOf(&p).Elem()
	switch rt.Kind() {
	case reflect.Interface:
		return "", &unknownTypeError{detail: "Decode needs a concrete payload type, not the interface " + rt.String() + "; use DecodePayload"}
	case reflect.Pointer:
		p = reflect.New(rt.Elem()).Interface().(P)
	}
	return p.EventType(), nil
}

// mismatchError is returned by Decode for a payload type of another event
// type; it matches ErrTypeMismatch.
type mismatchError struct{ got, want EventType }

func (e *mismatchError) Error() string {
	return "events: event type does not match payload type: event is " + quote(string(e.got)) + ", payload type is for " + quote(string(e.want))
}

func (e *mismatchError) Is(target error) bool { return target == ErrTypeMismatch }

// unknownTypeError matches ErrUnknownType.
type unknownTypeError struct {
	t      EventType
	detail string
}

func (e *unknownTypeError) Error() string {
	if e.detail != "" {
		return "events: unknown event type: " + e.detail
	}
	return "events: unknown event type " + quote(string(e.t))
}

func (e *unknownTypeError) Is(target error) bool { return target == ErrUnknownType }

func quote(s string) string { return strconv.Quote(s) }
