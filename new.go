package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/google/uuid"

	"github.com/algoryn/events/internal/jsonwire"
)

// Option changes how [New] builds an event.
type Option func(*options)

type options struct {
	id    string
	ts    time.Time
	hasID bool
	hasTS bool
}

// WithID sets the event ID instead of a new UUIDv7, for replaying a stored
// event or for deterministic tests. The ID must not be empty.
func WithID(id string) Option {
	return func(o *options) { o.id, o.hasID = id, true }
}

// WithTimestamp sets the event time instead of now, for replay or
// deterministic tests. It is converted to UTC, with any monotonic clock
// reading removed. It must not be zero.
func WithTimestamp(t time.Time) Option {
	return func(o *options) { o.ts, o.hasTS = t, true }
}

// New builds a validated event carrying p:
//
//   - ID is a new UUIDv7 string: time-ordered, and the event's idempotency
//     key, so make the event once and send that same value on every retry;
//   - Type is p.EventType();
//   - Source is source, e.g. [SourcePulse];
//   - Timestamp is now, in UTC, with the monotonic clock reading removed;
//   - Payload is p encoded by encoding/json (see the package doc for the
//     wire format), at most [MaxPayloadBytes] bytes.
//
// p may also be a pointer to a payload: New(src, &p) builds the same event
// as New(src, p), as [Decode] and [Handle] accept pointer payload types. A
// nil pointer is refused as a missing Payload.
//
// Source and the payload are checked first: if p has a Validate() error
// method (the five payloads of this package do) and it fails, New returns
// that [*ValidationError] (matching [ErrInvalidPayload]; a custom payload's
// own error is wrapped so that it matches too). A bad source, ID,
// timestamp or type gives a [*ValidationError] matching [ErrInvalidEvent].
// A payload type of another package may not claim one of the types in
// [Types]. New never panics and never returns a bare encoding/json error.
// The one error matching no sentinel is a failure of the system's random
// source while making the ID.
func New[P Payload](source string, p P, opts ...Option) (Event, error) {
	return newEvent(source, p, opts)
}

// newEvent is [New] for a payload held in an interface, so that it is
// boxed once.
func newEvent(source string, p Payload, opts []Option) (Event, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	own, isOwn := p.(ownPayload)
	if _, isPtr := p.(ownPayloadPtr); isPtr {
		isOwn = false // a pointer to one of them: see pointee
	}
	var fe fieldErrors
	if !isOwn {
		var isNil bool
		if p, isNil = pointee(p); isNil {
			fe.add("Payload", FieldErrorRequired, nil, "must not be a nil pointer")
			return Event{}, fe.err("", false)
		}
		own, isOwn = p.(ownPayload)
	}
	t := safeEventType(p)
	if o.hasID {
		identifier(&fe, "ID", o.id)
	}
	switch {
	case t == "":
		fe.required("Type")
	case !validType(string(t)):
		fe.add("Type", FieldErrorInvalid, string(t), "must be lowercase words of [a-z0-9_] joined by single dots")
	}
	validateSource(&fe, source)
	if o.hasTS {
		o.ts = o.ts.Round(0).UTC()
		timestamp(&fe, "Timestamp", o.ts)
	}
	if err := fe.err(t, true); err != nil {
		return Event{}, err
	}
	var payload []byte
	if isOwn {
		own.validate(&fe)
		if err := fe.err(t, false); err != nil {
			return Event{}, err
		}
		payload = own.appendJSON(make([]byte, 0, 256))
	} else {
		if kindOf(t) != nil {
			// Only the package's struct may carry a known type, or the
			// event would fail its own Validate on the consumer's side.
			fe.add("Type", FieldErrorInvalid, string(t), fmt.Sprintf("is a type of this package; its payload must be the package's struct, not %T", p))
			return Event{}, fe.err(t, false)
		}
		var err error
		if payload, err = encodeOther(t, p); err != nil {
			return Event{}, err
		}
	}
	if f := payloadSizeProblem(len(payload)); f != nil {
		fe.list = append(fe.list, f)
		return Event{}, fe.err(t, false)
	}
	e := Event{ID: o.id, Type: t, Source: source, Timestamp: o.ts, Payload: payload}
	if !o.hasID {
		id, err := uuid.NewV7()
		if err != nil {
			return Event{}, fmt.Errorf("events: cannot make an event ID: %w", err)
		}
		e.ID = id.String()
	}
	if !o.hasTS {
		e.Timestamp = time.Now().Round(0).UTC()
	}
	return e, nil
}

// encodeOther validates and encodes a payload type of another package:
// its Validate method, if any, then encoding/json, which must give an
// object.
func encodeOther(t EventType, p Payload) ([]byte, error) {
	if v, ok := p.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			if !errors.Is(err, ErrInvalidPayload) {
				err = fmt.Errorf("%w (%s): %w", ErrInvalidPayload, t, err)
			}
			return nil, err
		}
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("%w (%s): Payload: cannot be encoded as JSON: %w", ErrInvalidPayload, t, err)
	}
	if payload[0] != '{' && len(payload) <= MaxPayloadBytes {
		var fe fieldErrors
		fe.add("Payload", FieldErrorInvalid, jsonwire.KindOf(payload[0]), "must encode as a JSON object")
		return nil, fe.err(t, false)
	}
	return payload, nil
}

// pointee returns the payload p points to when p is a pointer to a type
// that is itself a Payload, so that a pointer to a payload struct is
// encoded, validated and type-checked as the struct. isNil reports a nil
// pointer.
func pointee(p Payload) (_ Payload, isNil bool) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer {
		return p, p == nil
	}
	if v.IsNil() {
		return p, true
	}
	if q, ok := v.Elem().Interface().(Payload); ok {
		return q, false
	}
	return p, false
}

// safeEventType calls p.EventType(). A payload whose method panics (a nil
// pointer to a payload struct does) gets the empty type, which validation
// then reports as "Type: required".
func safeEventType(p Payload) (t EventType) {
	defer func() {
		if recover() != nil {
			t = ""
		}
	}()
	return p.EventType()
}
