package events

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

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
// method runs; call UnmarshalJSON directly to always get a [*SyntaxError]
// (and to skip encoding/json's two extra scans of the input).
//
// It does not check the event's content; call [Event.Validate] for that.
func (e *Event) UnmarshalJSON(data []byte) error {
	d := eventDecoder{data: data}
	var out Event
	if err := d.decode(&out); err != nil {
		return err
	}
	*e = out
	return nil
}

type eventDecoder struct {
	data []byte
	seen [5]bool
}

// envelopeKeys are the wire keys, in field order.
var envelopeKeys = [5]string{"ID", "Type", "Source", "Timestamp", "Payload"}

// envelopeUpper are the keys in upper case, for case-insensitive matching.
var envelopeUpper = [5]string{"ID", "TYPE", "SOURCE", "TIMESTAMP", "PAYLOAD"}

func (d *eventDecoder) fail(off int, field, detail string, err error) *SyntaxError {
	return &SyntaxError{Offset: int64(off), Field: field, Detail: detail, Err: err}
}

func (d *eventDecoder) decode(out *Event) error {
	data := d.data
	i := skipSpace(data, 0)
	if i >= len(data) {
		return d.fail(i, "", "unexpected end of input", nil)
	}
	if data[i] != '{' {
		if end, serr := skipValue(data, i, 0); serr != nil {
			return d.fail(serr.off, "", serr.detail, nil)
		} else if skipSpace(data, end) == len(data) {
			return d.fail(i, "", "an event must be a JSON object, got "+jsonKind(data), nil)
		}
		return d.fail(i, "", "invalid character "+quoteChar(data[i])+" looking for beginning of value", nil)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return d.end(i + 1)
	}
	for {
		if i >= len(data) {
			return d.fail(i, "", "unexpected end of input", nil)
		}
		if data[i] != '"' {
			return d.fail(i, "", "invalid character "+quoteChar(data[i])+" looking for beginning of object key string", nil)
		}
		keyStart := i
		end, serr := skipString(data, i)
		if serr != nil {
			return d.fail(serr.off, "", serr.detail, nil)
		}
		if !utf8.Valid(data[keyStart:end]) {
			return d.fail(keyStart+invalidUTF8Offset(data[keyStart:end]), "", "invalid UTF-8 in object key", nil)
		}
		key, err := unquote(data[keyStart:end])
		if err != nil {
			return d.fail(keyStart, "", "invalid object key", err)
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return d.fail(i, "", "unexpected end of input", nil)
		}
		if data[i] != ':' {
			return d.fail(i, "", "invalid character "+quoteChar(data[i])+" after object key", nil)
		}
		i = skipSpace(data, i+1)
		field := fieldIndex(key)
		if field >= 0 {
			if d.seen[field] {
				return d.fail(keyStart, envelopeKeys[field], "duplicate key", nil)
			}
			d.seen[field] = true
		}
		if i, err = d.value(i, field, out); err != nil {
			return err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return d.fail(i, "", "unexpected end of input", nil)
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return d.end(i + 1)
		default:
			return d.fail(i, "", "invalid character "+quoteChar(data[i])+" after object key:value pair", nil)
		}
	}
}

// end checks that only white space follows the object.
func (d *eventDecoder) end(i int) error {
	if i = skipSpace(d.data, i); i < len(d.data) {
		return d.fail(i, "", "invalid character "+quoteChar(d.data[i])+" after top-level value", nil)
	}
	return nil
}

// fieldIndex returns the index of key in envelopeKeys, matched as
// encoding/json matches keys (exactly or case-insensitively), or -1.
func fieldIndex(key []byte) int {
	for f, k := range envelopeKeys {
		if string(key) == k || foldEqual(key, envelopeUpper[f]) {
			return f
		}
	}
	return -1
}

// value reads the value at data[i] into the field numbered f (or skips it
// for f < 0) and returns the offset past it.
func (d *eventDecoder) value(i, f int, out *Event) (int, error) {
	data := d.data
	end, serr := skipValue(data, i, 1) // depth 1: inside the envelope
	name := ""
	if f >= 0 {
		name = envelopeKeys[f]
	}
	if serr != nil {
		return serr.off, d.fail(serr.off, name, serr.detail, nil)
	}
	if !utf8.Valid(data[i:end]) {
		return end, d.fail(i+invalidUTF8Offset(data[i:end]), name, "invalid UTF-8", nil)
	}
	if f < 0 || data[i] == 'n' { // unknown key, or null: the zero value
		return end, nil
	}
	raw := data[i:end]
	if f == 4 {
		return end, d.payload(i, raw, out)
	}
	if data[i] != '"' {
		return end, d.fail(i, name, "must be a JSON string, got "+jsonKind(raw), nil)
	}
	s, err := unquote(raw)
	if err != nil {
		return end, d.fail(i, name, "invalid string", err)
	}
	switch f {
	case 0:
		out.ID = string(s)
	case 1:
		out.Type = internType(s)
	case 2:
		out.Source = internSource(s)
	case 3:
		var ts time.Time
		if err := ts.UnmarshalText(s); err != nil { // s is unescaped, unlike raw
			return end, d.fail(i, name, "must be an RFC 3339 time", err)
		}
		out.Timestamp = ts.UTC()
	}
	return end, nil
}

// payload reads the Payload value: an embedded object (the current form)
// or a base64 string (the v0.2.0 form).
func (d *eventDecoder) payload(i int, raw []byte, out *Event) error {
	switch raw[0] {
	case '{':
		if len(raw) > MaxPayloadBytes {
			return d.fail(i, "Payload", tooLarge(len(raw)), nil)
		}
		out.Payload = append([]byte(nil), raw...)
		return nil
	case '"':
		s, err := unquote(raw)
		if err != nil {
			return d.fail(i, "Payload", "invalid string", err)
		}
		if n := base64.StdEncoding.DecodedLen(len(s)); n > MaxPayloadBytes+2 {
			return d.fail(i, "Payload", tooLarge(n), nil)
		}
		p := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, err := base64.StdEncoding.Decode(p, s)
		if err != nil {
			return d.fail(i, "Payload", "invalid base64 (v0.2.0 form)", err)
		}
		if n > MaxPayloadBytes {
			return d.fail(i, "Payload", tooLarge(n), nil)
		}
		if n == 0 {
			return nil
		}
		if kind := jsonKind(p[:n]); kind != "object" || !utf8.Valid(p[:n]) {
			return d.fail(i, "Payload", "base64 content (v0.2.0 form) must be a JSON object of valid UTF-8", nil)
		}
		out.Payload = p[:n]
		return nil
	default:
		return d.fail(i, "Payload", "must be a JSON object (or, in the v0.2.0 form, a base64 string), got "+jsonKind(raw), nil)
	}
}

func tooLarge(n int) string {
	return "payload of " + strconv.Itoa(n) + " bytes is larger than MaxPayloadBytes (1048576)"
}

// unquote returns the contents of the JSON string raw (quotes included),
// which skipString has already checked, unescaped exactly as
// encoding/json unescapes it (a lone or broken surrogate becomes U+FFFD).
// Strings without escapes are returned without copying.
func unquote(raw []byte) ([]byte, error) {
	inner := raw[1 : len(raw)-1]
	i := bytes.IndexByte(inner, '\\')
	if i < 0 {
		return inner, nil
	}
	out := make([]byte, i, len(inner))
	copy(out, inner[:i])
	for i < len(inner) {
		c := inner[i]
		if c != '\\' {
			if c < utf8.RuneSelf {
				out = append(out, c)
				i++
				continue
			}
			r, size := utf8.DecodeRune(inner[i:])
			out = utf8.AppendRune(out, r)
			i += size
			continue
		}
		if i+1 >= len(inner) {
			return nil, errEscape
		}
		switch e := inner[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(inner[i:])
			if r < 0 {
				return nil, errEscape
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2 := hex4(inner[i:]); r2 >= 0 {
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						out = utf8.AppendRune(out, dec)
						i += 6
						continue
					}
				}
				r = unicode.ReplacementChar
			}
			out = utf8.AppendRune(out, r)
			continue
		default:
			return nil, errEscape
		}
		i += 2
	}
	return out, nil
}

// errEscape reports a malformed escape; skipString refuses those first,
// so it is a safety net.
var errEscape = errors.New("events: invalid string escape")

// hex4 decodes the \uXXXX escape at the start of s, or returns -1.
func hex4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// invalidUTF8Offset returns the offset of the first invalid UTF-8 sequence.
func invalidUTF8Offset(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
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
