package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

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
//   - ID is a new UUIDv7 string: time-ordered (within the process, IDs
//     increase in the order they are made), and the event's idempotency
//     key, so make the event once and send that same value on every retry.
//     Unless an option sets the ID or the time, the ID's time comes from
//     the same clock reading as Timestamp;
//   - Type is p.EventType();
//   - Source is source, e.g. [SourcePulse];
//   - Timestamp is now, in UTC, with the monotonic clock reading removed;
//   - Payload is p encoded by encoding/json (see the package doc for the
//     wire format), at most [MaxPayloadBytes] bytes.
//
// A new ID and a payload of up to 512 bytes share one allocation, so an
// ID kept on its own keeps at most that many bytes of payload alive.
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
// [Types]. New never panics and never returns a bare encoding/json error;
// every error it returns matches one of the sentinels.
func New[P Payload](source string, p P, opts ...Option) (Event, error) {
	o := applyOptions(opts)
	var fe fieldErrors
	var scratch [newScratch]byte
	t, payload, own := encodeOwn(&p, scratch[:0], &fe)
	if !own { // a payload type of another package, or a pointer
		return newEvent(source, p, o)
	}
	payloadErr := fe.err(t, false)
	fe = fieldErrors{}
	if err := o.checkEnvelope(&fe, t, source); err != nil {
		return Event{}, err
	}
	if payloadErr != nil {
		return Event{}, payloadErr
	}
	// Copied out of scratch (or out of what append grew it into, which
	// the compiler cannot tell apart), at its size.
	if !o.hasID && len(payload) <= maxIDSharing {
		payload, idRoom := copyWithIDRoom(payload)
		return o.finish(t, source, payload, true, idRoom)
	}
	return o.finish(t, source, copyWithStampRoom(payload), true, nil)
}

// maxIDSharing is the largest payload that New copies into one allocation
// with the event's new ID (see copyWithIDRoom). The two then live and die
// together: an ID kept on its own keeps up to this many payload bytes
// alive with it, which the bound keeps small.
const maxIDSharing = 512

// copyWithIDRoom is copyWithStampRoom with room for a new ID past the
// stamp, in the same allocation: one allocation in New instead of two.
// The payload's capacity ends at its stamp, so no append to it reaches
// the ID's bytes, and nothing else refers to them: the ID string made
// over them (see finish) never changes.
func copyWithIDRoom(p []byte) (payload, idRoom []byte) {
	n := len(p) + stampLen
	b := make([]byte, n+idLen)
	copy(b, p)
	return b[:len(p):n], b[n : n : n+idLen]
}

// newScratch is the size of the buffer on New's stack that a payload is
// encoded into before it is copied to the heap at its exact size with
// room for its stamp (see payload_stamp.go), so that the event keeps no
// spare capacity. The five payloads usually fit.
const newScratch = 512

// applyOptions returns the options opts set. Without options nothing is
// allocated.
func applyOptions(opts []Option) options {
	if len(opts) == 0 {
		return options{}
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// checkEnvelope checks what New takes besides the payload: the type the
// payload gives, the source, and the ID and time options.
func (o *options) checkEnvelope(fe *fieldErrors, t EventType, source string) error {
	if o.hasID {
		identifier(fe, "ID", o.id)
	}
	switch {
	case t == "":
		fe.required("Type")
	case !validType(string(t)):
		fe.add("Type", FieldErrorInvalid, string(t), "must be lowercase words of [a-z0-9_] joined by single dots")
	}
	validateSource(fe, source)
	if o.hasTS {
		o.ts = o.ts.Round(0).UTC()
		timestamp(fe, "Timestamp", o.ts)
	}
	return fe.err(t, true)
}

// finish builds the event around an encoded payload, making its ID and
// time unless the options gave them. own reports a payload written by this
// package's encoder from a valid payload struct, which is stamped
// canonical once its size is checked (see stampCanonical). idRoom, when
// not nil, is where a new ID is written (see copyWithIDRoom).
func (o *options) finish(t EventType, source string, payload []byte, own bool, idRoom []byte) (Event, error) {
	if f := payloadSizeProblem(len(payload)); f != nil {
		return Event{}, &ValidationError{Type: t, Fields: []*FieldError{f}}
	}
	if own {
		payload = stampCanonical(payload, t)
	}
	e := Event{ID: o.id, Type: t, Source: source, Timestamp: o.ts, Payload: payload}
	if !o.hasID || !o.hasTS {
		now := time.Now()
		switch {
		case o.hasID:
		case idRoom != nil:
			e.ID = jsonwire.Borrow(processV7.appendID(idRoom, now))
		default:
			e.ID = newID(now)
		}
		if !o.hasTS {
			e.Timestamp = now.Round(0).UTC()
		}
	}
	return e, nil
}

// newEvent is [New] for a payload of another package, or a pointer to a
// payload, held in an interface.
func newEvent(source string, p Payload, o options) (Event, error) {
	var fe fieldErrors
	p, isNil := pointee(p)
	if isNil {
		fe.add("Payload", FieldErrorRequired, nil, "must not be a nil pointer")
		return Event{}, fe.err("", false)
	}
	t := safeEventType(p)
	if err := o.checkEnvelope(&fe, t, source); err != nil {
		return Event{}, err
	}
	payload, own, err := encodeOwnValue(p, &fe, t)
	if !own {
		if kindOf(t) != nil {
			// Only the package's struct may carry a known type, or the
			// event would fail its own Validate on the consumer's side.
			fe.add("Type", FieldErrorInvalid, string(t), fmt.Sprintf("is a type of this package; its payload must be the package's struct, not %T", p))
			return Event{}, fe.err(t, false)
		}
		payload, err = encodeOther(t, p)
	}
	if err != nil {
		return Event{}, err
	}
	return o.finish(t, source, payload, own, nil)
}

// encodeOwnValue is encodeOwn for a payload struct of this package held
// in an interface (as a pointer to one is, after pointee).
func encodeOwnValue(p Payload, fe *fieldErrors, t EventType) ([]byte, bool, error) {
	own, ok := p.(ownPayload)
	if !ok {
		return nil, false, nil
	}
	if own.validate(fe); len(fe.list) > 0 {
		return nil, true, fe.err(t, false)
	}
	return own.appendJSON(make([]byte, 0, 256)), true, nil
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
