package events

import (
	"time"
	"unicode/utf8"
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
func (e Event) MarshalJSON() ([]byte, error) {
	var fe fieldErrors
	text(&fe, "ID", e.ID)
	text(&fe, "Type", string(e.Type))
	text(&fe, "Source", e.Source)
	ts := e.Timestamp.UTC()
	if y := ts.Year(); y < 0 || y > 9999 {
		fe.add("Timestamp", FieldErrorOutOfRange, ts.Format(time.RFC3339Nano), "must have a year from 0000 to 9999")
	}
	if len(e.Payload) > MaxPayloadBytes {
		fe.add("Payload", FieldErrorTooLarge, len(e.Payload), "must be at most 1048576 bytes (MaxPayloadBytes)")
	} else if len(e.Payload) > 0 {
		if !utf8.Valid(e.Payload) {
			fe.add("Payload", FieldErrorInvalid, nil, "must be valid UTF-8")
		} else if kind := jsonKind(e.Payload); kind != "object" {
			fe.add("Payload", FieldErrorInvalid, kind, "must be a JSON object")
		}
	}
	if err := fe.err(e.Type, true); err != nil {
		return nil, err
	}
	return e.appendJSON(make([]byte, 0, len(e.ID)+len(e.Type)+len(e.Source)+len(e.Payload)+96), ts), nil
}

// appendJSON appends the canonical form; the fields are already checked.
func (e *Event) appendJSON(b []byte, ts time.Time) []byte {
	b = append(b, `{"ID":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"Type":`...)
	b = appendString(b, string(e.Type))
	b = append(b, `,"Source":`...)
	b = appendString(b, e.Source)
	b = append(b, `,"Timestamp":"`...)
	b = ts.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","Payload":`...)
	if len(e.Payload) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Payload...)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string, escaped exactly as
// encoding/json escapes it (HTML-safe). s must be valid UTF-8.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
