package events

import (
	"reflect"
	"strconv"
	"unicode/utf8"
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
	var zero P
	want, err := payloadType[P]()
	if err != nil {
		return zero, err
	}
	if e.Type != want {
		return zero, &mismatchError{got: e.Type, want: want}
	}
	var p P
	if err := unmarshalPayload(e.Type, e.Payload, &p); err != nil {
		return zero, err
	}
	if v, ok := any(p).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
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
	p, err := decodeKnown(e)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	validatePayload(p, &fe)
	if err := fe.err(e.Type, false); err != nil {
		return nil, err
	}
	return p, nil
}

// decodeKnown unmarshals the payload of one of the known types without
// validating it.
func decodeKnown(e Event) (Payload, error) {
	switch e.Type {
	case EventTypeRunCompleted:
		return unmarshalAs[RunCompletedPayload](e)
	case EventTypeServiceRegistered:
		return unmarshalAs[ServiceRegisteredPayload](e)
	case EventTypeServiceDeregistered:
		return unmarshalAs[ServiceDeregisteredPayload](e)
	case EventTypeThresholdViolated:
		return unmarshalAs[ThresholdViolatedPayload](e)
	case EventTypeAlertFired:
		return unmarshalAs[AlertFiredPayload](e)
	}
	return nil, &unknownTypeError{t: e.Type}
}

func unmarshalAs[P Payload](e Event) (Payload, error) {
	var p P
	if err := unmarshalPayload(e.Type, e.Payload, &p); err != nil {
		return nil, err
	}
	return p, nil
}

// unmarshalPayload checks that data is one JSON object of valid UTF-8
// within MaxPayloadBytes, then decodes it into v, turning every problem
// into one of this package's errors, with the field named.
func unmarshalPayload(t EventType, data []byte, v any) error {
	var fe fieldErrors
	switch {
	case len(data) == 0:
		fe.required("Payload")
		return fe.err(t, false)
	case len(data) > MaxPayloadBytes:
		fe.add("Payload", FieldErrorTooLarge, len(data), "must be at most 1048576 bytes (MaxPayloadBytes)")
		return fe.err(t, false)
	case !utf8.Valid(data):
		off := invalidUTF8Offset(data)
		return &SyntaxError{Offset: int64(off), Field: "Payload", Detail: "invalid UTF-8", payload: true}
	}
	end, serr := skipValue(data, 0, 0)
	if serr == nil && skipSpace(data, end) != len(data) {
		serr = &scanError{skipSpace(data, end), "invalid character " + quoteChar(data[skipSpace(data, end)]) + " after top-level value"}
	}
	if serr != nil {
		return &SyntaxError{Offset: int64(serr.off), Field: "Payload", Detail: serr.detail, payload: true}
	}
	if start := skipSpace(data, 0); data[start] != '{' {
		fe.add("Payload", FieldErrorInvalid, jsonKind(data), "must be a JSON object")
		return fe.err(t, false)
	}
	return decodePayloadJSON(t, data, v)
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
