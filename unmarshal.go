package events

import (
	"encoding/base64"
	"strconv"

	"github.com/algoryn/events/internal/jsonwire"
)

// ParseEvent reads an event written by [Event.MarshalJSON] (or in the
// v0.2.0 form, see [Event.UnmarshalJSON]), with exactly the checks and the
// result of UnmarshalJSON. It reads data once: the payload's bytes are
// checked (well-formed JSON, valid UTF-8) as they are found and copied,
// never scanned again. It is the entry point for transports.
//
// It does not check the event's content; call [Event.Validate] for that.
func ParseEvent(data []byte) (Event, error) {
	var e Event
	if err := parseEvent(data, &e); err != nil {
		return Event{}, err
	}
	return e, nil
}

// UnmarshalJSON reads an event written by [Event.MarshalJSON], and also the
// v0.2.0 form, where Payload is a base64 string (what plain encoding/json
// wrote for a []byte), so stored v0.2.0 events still read.
//
// Like encoding/json it matches keys case-insensitively, ignores unknown
// keys (a newer producer may add some) and reads null as the zero value.
// Unlike it, it refuses rather than repairs: malformed or truncated JSON,
// invalid UTF-8, a key given twice, a value of the wrong JSON type, a
// Timestamp that is not RFC 3339, broken base64, or a payload larger than
// [MaxPayloadBytes] all give a [*SyntaxError] (matching [ErrInvalidEvent])
// that names the field and the byte offset. The receiver is changed only
// on success.
//
// Through [encoding/json.Unmarshal], input that is not JSON at all is
// reported by encoding/json itself, as a *json.SyntaxError, before this
// method runs; call [ParseEvent] to always get a [*SyntaxError] (and to
// skip encoding/json's two extra scans of the input).
//
// It does not check the event's content; call [Event.Validate] for that.
func (e *Event) UnmarshalJSON(data []byte) error {
	var out Event
	if err := parseEvent(data, &out); err != nil {
		return err
	}
	*e = out
	return nil
}

// envelopeKeys are the wire keys, in field order.
var envelopeKeys = [5]string{"ID", "Type", "Source", "Timestamp", "Payload"}

// envelopeQuoted are the keys as MarshalJSON writes them.
var envelopeQuoted = [5]string{`"ID"`, `"Type"`, `"Source"`, `"Timestamp"`, `"Payload"`}

// envelopeUpper are the keys in upper case, for case-insensitive matching.
var envelopeUpper = [5]string{"ID", "TYPE", "SOURCE", "TIMESTAMP", "PAYLOAD"}

const fieldPayload = 4 // the index of Payload in envelopeKeys

// eventSyntaxError is a *SyntaxError of the envelope.
func eventSyntaxError(off int, field, detail string, err error) *SyntaxError {
	return &SyntaxError{Offset: int64(off), Field: field, Detail: detail, Err: err}
}

// readerError turns the reader's error into a *SyntaxError of field.
func readerError(r *jsonwire.Reader, field string) *SyntaxError {
	return eventSyntaxError(r.Err.Off, field, r.Err.Detail, nil)
}

// parseEvent reads data into out in one pass: by parseCanonical, the
// fast path for what AppendJSON writes, or else by parseFull.
func parseEvent(data []byte, out *Event) error {
	if parseCanonical(data, out) {
		return nil
	}
	return parseFull(data, out)
}

// parseFull is parseEvent for any input: it reads the envelope with a
// Reader, which finds and describes every problem.
func parseFull(data []byte, out *Event) error {
	r := jsonwire.NewReader(data)
	if c := r.Peek(); c != '{' {
		start := r.Offset()
		if r.Skip() != nil && r.End() {
			return eventSyntaxError(start, "", "an event must be a JSON object, got "+jsonwire.KindOf(c), nil)
		}
		return readerError(&r, "")
	}
	var seen [len(envelopeKeys)]bool
	next := 0
	for more := r.Object(); more; more = r.Comma() || r.More() {
		f, keyOff := -1, r.Offset()
		if next < len(envelopeKeys) && r.KeyIs(envelopeQuoted[next]) {
			f = next // the key MarshalJSON writes next, written as it writes it
		} else {
			key, off, ok := r.Key()
			if !ok {
				break
			}
			f, keyOff = fieldIndex(key), off
		}
		next = f + 1
		if f < 0 {
			if r.Skip() == nil {
				break
			}
			continue
		}
		name := envelopeKeys[f]
		if seen[f] {
			return eventSyntaxError(keyOff, name, "duplicate key", nil)
		}
		seen[f] = true
		if err := readEnvelopeField(&r, f, out); err != nil {
			return err
		}
	}
	if r.Err != nil || !r.End() {
		return readerError(&r, "")
	}
	return nil
}

// parseCanonical is parseEvent's fast path, for an event written as
// AppendJSON writes it: the five members in order, with no white space,
// strings without escapes and the payload an object. It reads such an
// event as parseEvent reads it, with its offset in a local variable, and
// reports whether it did; for anything else (or any problem) parseEvent
// reads the input in full; out is left as it was.
func parseCanonical(data []byte, out *Event) bool {
	i, ok := jsonwire.LitAt(data, 0, `{"ID":`)
	if !ok {
		return false
	}
	var id, typ, src, s []byte
	if id, i, ok = jsonwire.StrAt(data, i); !ok {
		return false
	}
	if i, ok = jsonwire.LitAt(data, i, `,"Type":`); !ok {
		return false
	}
	if typ, i, ok = jsonwire.StrAt(data, i); !ok {
		return false
	}
	if i, ok = jsonwire.LitAt(data, i, `,"Source":`); !ok {
		return false
	}
	if src, i, ok = jsonwire.StrAt(data, i); !ok {
		return false
	}
	if i, ok = jsonwire.LitAt(data, i, `,"Timestamp":`); !ok {
		return false
	}
	if s, i, ok = jsonwire.StrAt(data, i); !ok {
		return false
	}
	ts, err := jsonwire.ParseTime(s)
	if err != nil {
		return false
	}
	if i, ok = jsonwire.LitAt(data, i, `,"Payload":{`); !ok {
		return false
	}
	start := i - 1
	if i, ok = jsonwire.SkipAt(data, start); !ok || payloadSizeProblem(i-start) != nil {
		return false
	}
	if end, ok := jsonwire.LitAt(data, i, "}"); !ok || end != len(data) {
		return false
	}
	// Nothing is allocated before the event is known to be taken.
	out.ID = string(id)
	out.Type = internType(typ)
	out.Source = internSource(src)
	out.Timestamp = ts.UTC()
	out.Payload = stampedCopy(data[start:i])
	return true
}

// readEnvelopeField reads the value of the envelope field numbered f.
func readEnvelopeField(r *jsonwire.Reader, f int, out *Event) error {
	name := envelopeKeys[f]
	c := r.Peek()
	off := r.Offset()
	switch {
	case c == 'n' && r.Null():
		return nil // null: the zero value
	case f == fieldPayload:
		return readPayload(r, c, out)
	case c != '"':
		if r.Skip() == nil {
			return readerError(r, name)
		}
		return eventSyntaxError(off, name, "must be a JSON string, got "+jsonwire.KindOf(c), nil)
	}
	s, ok := r.Str()
	if !ok {
		return readerError(r, name)
	}
	switch f {
	case 0:
		out.ID = string(s)
	case 1:
		out.Type = internType(s)
	case 2:
		out.Source = internSource(s)
	case 3:
		ts, err := jsonwire.ParseTime(s)
		if err != nil {
			return eventSyntaxError(off, name, "must be an RFC 3339 time", err)
		}
		out.Timestamp = ts.UTC()
	}
	return nil
}

// readPayload reads the Payload value, which starts with c: an embedded
// object (the current form) or a base64 string (the v0.2.0 form).
func readPayload(r *jsonwire.Reader, c byte, out *Event) error {
	off := r.Offset()
	switch c {
	case '{':
		raw := r.Skip()
		if raw == nil {
			return readerError(r, "Payload")
		}
		if f := payloadSizeProblem(len(raw)); f != nil {
			return eventSyntaxError(off, "Payload", f.Detail+", got "+strconv.Itoa(len(raw)), nil)
		}
		out.Payload = stampedCopy(raw)
		return nil
	case '"':
		s, ok := r.Str()
		if !ok {
			return readerError(r, "Payload")
		}
		p, f, err := base64Payload(s)
		switch {
		case err != nil:
			return eventSyntaxError(off, "Payload", "invalid base64 (v0.2.0 form)", err)
		case f != nil:
			return eventSyntaxError(off, "Payload", "base64 content (v0.2.0 form): "+f.Error(), nil)
		}
		out.Payload = p
		return nil
	}
	if r.Skip() == nil {
		return readerError(r, "Payload")
	}
	return eventSyntaxError(off, "Payload", "must be a JSON object (or, in the v0.2.0 form, a base64 string), got "+jsonwire.KindOf(c), nil)
}

// base64Payload decodes the base64 form of a payload (the v0.2.0 envelope,
// CloudEvents data_base64) and applies the payload-bytes rule. Empty
// content gives no payload and no error.
func base64Payload(s []byte) ([]byte, *FieldError, error) {
	n := base64.StdEncoding.DecodedLen(len(s))
	if n > MaxPayloadBytes+2 { // DecodedLen may count two bytes of padding
		return nil, payloadSizeProblem(n), nil
	}
	p := make([]byte, n)
	n, err := base64.StdEncoding.Decode(p, s)
	if err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return nil, nil, nil
	}
	if f := payloadProblem(p[:n]); f != nil {
		return nil, f, nil
	}
	return stamp(p[:n]), nil, nil
}

// fieldIndex returns the index of key in envelopeKeys, matched as
// encoding/json matches keys (exactly or case-insensitively), or -1.
func fieldIndex(key []byte) int {
	for f, k := range envelopeKeys {
		if string(key) == k {
			return f
		}
	}
	for f := range envelopeKeys {
		if jsonwire.FoldEqual(key, envelopeUpper[f]) {
			return f
		}
	}
	return -1
}

// internType returns the constant for a known type, saving an allocation.
func internType(s []byte) EventType {
	for _, k := range knownTypes {
		if string(s) == string(k) {
			return k
		}
	}
	return EventType(s)
}

// internSource returns the constant for a known source, saving an
// allocation.
func internSource(s []byte) string {
	switch string(s) {
	case SourcePulse:
		return SourcePulse
	case SourceRelay:
		return SourceRelay
	case SourceDeploy:
		return SourceDeploy
	case SourceBeacon:
		return SourceBeacon
	}
	return string(s)
}
