package events

import (
	"strconv"
	"time"

	"github.com/algoryn/events/internal/jsonwire"
)

// The payload structs of payloads.go get their codec, validation and
// subject from generated code (zz_generated_*.go). This file is what that
// code builds on: the interfaces it implements, the row type of its table
// of event types, and the readers and writers of each kind of field.

// ownPayload is implemented by the payload structs of this package.
type ownPayload interface {
	Payload
	// appendJSON appends the payload as encoding/json writes it, times in
	// UTC. The payload must be valid.
	appendJSON(b []byte) []byte
	// validate adds every problem to fe, in field order.
	validate(fe *fieldErrors)
	// Subject returns the field tagged as the event's subject.
	Subject() string
}

// ownPayloadPtr is implemented by pointers to the payload structs.
type ownPayloadPtr interface {
	ownPayload
	// decodeJSON reads the object that d's reader is at into the zero
	// payload, with encoding/json's semantics.
	decodeJSON(d *payloadDecoder)
	// decodeCanonical is decodeJSON's fast path, for the payload as
	// appendJSON writes it at data[i]: it returns the offset past it, or
	// false for anything else.
	decodeCanonical(d *payloadDecoder, data []byte, i int) (int, bool)
}

// payloadKind is a row of payloadTable: an event type of this package and
// its payload struct. The generated functions checkPayload, encodeOwn and
// decodeOwn dispatch on the same list.
type payloadKind struct {
	typ  EventType
	zero Payload // the payload struct's zero value
	// subjectKey is the wire key of the subject field, quoted as the
	// encoder writes it: `"Service"`.
	subjectKey string
}

// kindOf returns the row of payloadTable for t, or nil.
func kindOf(t EventType) *payloadKind {
	for i := range payloadTable {
		if payloadTable[i].typ == t {
			return &payloadTable[i]
		}
	}
	return nil
}

// tooLargeDetail is the one statement of the payload size limit in
// messages.
var tooLargeDetail = "must be at most " + strconv.Itoa(MaxPayloadBytes) + " bytes (MaxPayloadBytes)"

// payloadProblem is the one rule for the bytes of a payload: present, at
// most MaxPayloadBytes, and one JSON object of valid UTF-8. It reads b
// once and returns the problem as an error of the field "Payload", or nil.
func payloadProblem(b []byte) *FieldError {
	if f := payloadSizeProblem(len(b)); f != nil {
		return f
	}
	r := jsonwire.NewReader(b)
	c := r.Peek()
	r.Skip()
	r.End()
	return payloadShapeProblem(c, r.Err)
}

// payloadSizeProblem is the size part of payloadProblem.
func payloadSizeProblem(n int) *FieldError {
	switch {
	case n == 0:
		return &FieldError{Field: "Payload", Kind: FieldErrorRequired, Detail: "required"}
	case n > MaxPayloadBytes:
		return &FieldError{Field: "Payload", Kind: FieldErrorTooLarge, BadValue: n, Detail: tooLargeDetail}
	}
	return nil
}

// payloadShapeProblem is the shape part of payloadProblem, for a payload
// whose first byte is c and whose reading found err.
func payloadShapeProblem(c byte, err *jsonwire.Error) *FieldError {
	switch {
	case err != nil && err.Detail == jsonwire.DetailInvalidUTF8:
		return &FieldError{Field: "Payload", Kind: FieldErrorInvalid, Detail: "must be valid UTF-8"}
	case err != nil:
		return &FieldError{Field: "Payload", Kind: FieldErrorInvalid, BadValue: "invalid JSON", Detail: "must be a JSON object"}
	case c != '{':
		return &FieldError{Field: "Payload", Kind: FieldErrorInvalid, BadValue: jsonwire.KindOf(c), Detail: "must be a JSON object"}
	}
	return nil
}

// appendTime appends t in UTC as encoding/json writes a time.Time (RFC
// 3339 with nanoseconds). Its year must be within 0000–9999.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = jsonwire.AppendTime(b, t)
	return append(b, '"')
}

// appendStringMap appends m as an object with sorted keys, or null.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonwire.AppendString(b, k)
		b = append(b, ':')
		b = jsonwire.AppendString(b, m[k])
	}
	return append(b, '}')
}

// payloadDecoder reads a payload's fields with the semantics of
// encoding/json: a key matches a field exactly or under case folding,
// unknown keys are skipped (but checked), null leaves a field as it is,
// the last of duplicate keys wins, integers must be integral and in
// range. Unlike encoding/json it reports every value of the wrong JSON
// type, in fe, not only the first.
type payloadDecoder struct {
	r  jsonwire.Reader
	fe fieldErrors
	// borrow makes strings point into the input instead of copying it,
	// for a payload decoded only to be validated, which does not outlive
	// the input (see jsonwire.Borrow).
	borrow bool
}

// text returns s as a string: borrowed or copied, see borrow.
func (d *payloadDecoder) text(s []byte) string {
	if d.borrow {
		return jsonwire.Borrow(s)
	}
	return string(s)
}

// decoded checks that nothing but white space follows the payload and
// reports whether it was read without a problem.
func (d *payloadDecoder) decoded() bool {
	return d.r.End() && len(d.fe.list) == 0
}

// wrongType reports a value of the wrong JSON type (skipping it).
func (d *payloadDecoder) wrongType(field, want string) {
	c := d.r.Peek()
	if raw := d.r.Skip(); raw != nil {
		d.fe.add(field, FieldErrorInvalid, rawValue(raw), "must be a JSON "+want+", not "+jsonwire.KindOf(c))
	}
}

// rawValue is a raw JSON value as the BadValue of an error, cut short if
// long.
func rawValue(val []byte) string {
	if len(val) > 64 {
		return string(val[:64]) + "…"
	}
	return string(val)
}

func (d *payloadDecoder) string(field string, dst *string) {
	switch d.r.Peek() {
	case '"':
		if s, ok := d.r.Str(); ok {
			*dst = d.text(s)
		}
	case 'n':
		d.r.Null()
	default:
		d.wrongType(field, "string")
	}
}

func (d *payloadDecoder) bool(field string, dst *bool) {
	switch d.r.Peek() {
	case 't', 'f':
		if v, ok := d.r.Bool(); ok {
			*dst = v
		}
	case 'n':
		d.r.Null()
	default:
		d.wrongType(field, "boolean")
	}
}

// int64 reads an integral number in range, as encoding/json does.
func (d *payloadDecoder) int64(field string, dst *int64) {
	switch c := d.r.Peek(); {
	case c == '-' || (c >= '0' && c <= '9'):
		switch n, num, ok := d.r.Int64(); {
		case ok:
			*dst = n
		case d.r.Err == nil:
			d.fe.add(field, FieldErrorInvalid, rawValue(num), "must be an integer within the range of int64")
		}
	case c == 'n':
		d.r.Null()
	default:
		d.wrongType(field, "integer")
	}
}

func (d *payloadDecoder) float64(field string, dst *float64) {
	switch c := d.r.Peek(); {
	case c == '-' || (c >= '0' && c <= '9'):
		switch f, num, ok := d.r.Float64(); {
		case ok:
			*dst = f
		case d.r.Err == nil:
			d.fe.add(field, FieldErrorOutOfRange, rawValue(num), "must be a number within the range of float64")
		}
	case c == 'n':
		d.r.Null()
	default:
		d.wrongType(field, "number")
	}
}

// time reads a time as time.Time.UnmarshalJSON does (RFC 3339, escapes
// not decoded), into UTC.
func (d *payloadDecoder) time(field string, dst *time.Time) {
	switch d.r.Peek() {
	case '"':
		raw, ok := d.r.RawStr()
		if !ok {
			return
		}
		t, err := jsonwire.ParseTime(raw[1 : len(raw)-1]) // escapes are not decoded, as in time.Time.UnmarshalJSON
		if err != nil {
			d.fe.add(field, FieldErrorInvalid, rawValue(raw), "must be an RFC 3339 time")
			return
		}
		*dst = t.UTC()
	case 'n':
		d.r.Null()
	default:
		d.wrongType(field, "string (RFC 3339 time)")
	}
}

// stringMap reads an object of strings into *dst, making the map if it
// is nil; null sets it to nil, and a null member value to "".
func (d *payloadDecoder) stringMap(field string, dst *map[string]string) {
	switch d.r.Peek() {
	case '{':
	case 'n':
		if d.r.Null() {
			*dst = nil
		}
		return
	default:
		d.wrongType(field, "object of strings")
		return
	}
	if *dst == nil {
		*dst = make(map[string]string)
	}
	if !d.r.Object() {
		return
	}
	for {
		key, _, ok := d.r.Key()
		if !ok {
			return
		}
		var v string
		switch d.r.Peek() {
		case '"':
			s, ok := d.r.Str()
			if !ok {
				return
			}
			v = d.text(s)
		case 'n':
			d.r.Null()
		default:
			d.wrongType(field+"["+string(key)+"]", "string")
		}
		(*dst)[d.text(key)] = v
		if !d.r.Comma() && !d.r.More() {
			return
		}
	}
}

// timeAt is time for decodeCanonical: a time without escapes at data[i].
func (d *payloadDecoder) timeAt(data []byte, i int, dst *time.Time) (int, bool) {
	s, end, ok := jsonwire.StrAt(data, i)
	if !ok {
		return 0, false
	}
	t, err := jsonwire.ParseTime(s)
	if err != nil {
		return 0, false // for decodeJSON to report
	}
	*dst = t.UTC()
	return end, true
}

// stringMapAt is stringMap for decodeCanonical: null, or an object of
// strings without escapes at data[i], as appendStringMap writes them.
func (d *payloadDecoder) stringMapAt(data []byte, i int, dst *map[string]string) (int, bool) {
	if end, ok := jsonwire.LitAt(data, i, "null"); ok {
		*dst = nil
		return end, true
	}
	i, ok := jsonwire.LitAt(data, i, "{")
	if !ok {
		return 0, false
	}
	if *dst == nil {
		*dst = make(map[string]string)
	}
	if end, ok := jsonwire.LitAt(data, i, "}"); ok {
		return end, true
	}
	for {
		var k, v []byte
		if k, i, ok = jsonwire.StrAt(data, i); !ok {
			return 0, false
		}
		if i, ok = jsonwire.LitAt(data, i, ":"); !ok {
			return 0, false
		}
		if v, i, ok = jsonwire.StrAt(data, i); !ok {
			return 0, false
		}
		(*dst)[d.text(k)] = d.text(v)
		if i < len(data) && data[i] == ',' {
			i++
			continue
		}
		return jsonwire.LitAt(data, i, "}")
	}
}

// object enters a nested object: true when it has members to read. null,
// {} and a value of the wrong type (reported) are consumed.
func (d *payloadDecoder) object(field string) bool {
	switch d.r.Peek() {
	case '{':
		return d.r.Object()
	case 'n':
		d.r.Null()
	default:
		d.wrongType(field, "object")
	}
	return false
}
