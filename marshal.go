package events

import (
	"time"

	"github.com/algoryn/events/internal/jsonwire"
)

// MarshalJSON writes the event in the canonical wire form:
//
//	{"ID":"…","Type":"…","Source":"…","Timestamp":"2026-05-01T12:00:00.123456789Z","Payload":{…}}
//
// Keys are the Go field names in this order; Timestamp is RFC 3339 with
// nanoseconds, converted to UTC; Payload is embedded as the JSON object it
// holds, not base64 (an empty Payload is written as null). Strings are
// escaped as encoding/json escapes them.
//
// It returns a [*ValidationError] matching [ErrInvalidEvent] when a string
// is not valid UTF-8, the Timestamp's year (in UTC) is outside 0000–9999,
// or the Payload is not a JSON object of at most [MaxPayloadBytes]; so it
// never writes what [Event.UnmarshalJSON] would refuse.
//
// [Event.AppendJSON] does the same into a buffer of the caller's.
func (e Event) MarshalJSON() ([]byte, error) {
	b, err := e.AppendJSON(nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// AppendJSON appends the event's wire form, exactly as [Event.MarshalJSON]
// writes it and with the same checks, to dst and returns the extended
// buffer. On error dst is returned unchanged with the error. It is the
// entry point for transports: unlike [encoding/json.Marshal], which
// validates and compacts a Marshaler's output again, it writes the bytes
// once, and it can reuse a buffer.
func (e Event) AppendJSON(dst []byte) ([]byte, error) {
	var fe fieldErrors
	text(&fe, "ID", e.ID)
	text(&fe, "Type", string(e.Type))
	text(&fe, "Source", e.Source)
	ts := e.Timestamp.UTC()
	if !jsonwire.Writable(ts) {
		fe.add("Timestamp", FieldErrorOutOfRange, ts.Format(time.RFC3339Nano), "must have a year from 0000 to 9999")
	}
	if checked, _ := stampOf(e.Payload, e.Type); len(e.Payload) > 0 && !checked {
		if f := payloadProblem(e.Payload); f != nil {
			fe.list = append(fe.list, f)
		}
	}
	if err := fe.err(e.Type, true); err != nil {
		return dst, err
	}
	if cap(dst)-len(dst) < e.jsonSize() {
		grown := make([]byte, len(dst), len(dst)+e.jsonSize())
		copy(grown, dst)
		dst = grown
	}
	return e.appendJSON(dst, ts), nil
}

// jsonSize is the length of the wire form of an event with no character
// to escape.
func (e *Event) jsonSize() int {
	return len(e.ID) + len(e.Type) + len(e.Source) + len(e.Payload) + 96
}

// appendJSON appends the canonical form; the fields are already checked.
func (e *Event) appendJSON(b []byte, ts time.Time) []byte {
	b = append(b, `{"ID":`...)
	b = jsonwire.AppendString(b, e.ID)
	b = append(b, `,"Type":`...)
	b = jsonwire.AppendString(b, string(e.Type))
	b = append(b, `,"Source":`...)
	b = jsonwire.AppendString(b, e.Source)
	b = append(b, `,"Timestamp":"`...)
	b = jsonwire.AppendTime(b, ts)
	b = append(b, `","Payload":`...)
	if len(e.Payload) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Payload...)
	}
	return append(b, '}')
}
