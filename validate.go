package events

import (
	"net"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/algoryn/events/internal/jsonwire"
)

// Validate reports every problem with the event at once, as a
// [*ValidationError] matching [ErrInvalidEvent], or nil:
//
//   - ID and Source are not empty, valid UTF-8, free of control
//     characters and of spaces at either end (transports carry them in
//     headers); Source is a URI-reference (RFC 3986), as CloudEvents
//     requires;
//   - Timestamp is not zero;
//   - Type is well formed: lowercase words of [a-z0-9_] joined by single dots;
//   - Payload is a JSON object of at most [MaxPayloadBytes] bytes;
//   - for the types in [Types], the payload decodes into its struct and
//     passes that struct's Validate; its field errors are prefixed
//     "Payload.".
//
// When any problem is with the payload (a "Payload" or "Payload.…"
// field), the error also matches [ErrInvalidPayload].
//
// An event of an unknown but well-formed type passes.
func (e Event) Validate() error {
	_, err := e.validate()
	return err
}

// validate is Validate that also returns the subject of a payload of a
// known type ("" for other types), so callers need not decode it twice.
func (e *Event) validate() (subject string, err error) {
	var fe fieldErrors
	e.validateEnvelope(&fe)
	checked, canonical := stampOf(e.Payload, e.Type)
	d := payloadDecoder{r: jsonwire.NewReader(e.Payload)}
	d.fe.prefix = "Payload."
	if k := kindOf(e.Type); k != nil && canonical {
		subject = canonicalSubject(e.Payload, k.subjectKey) // checked when New wrote it
	} else if k != nil && payloadSizeProblem(len(e.Payload)) == nil && d.r.Peek() == '{' {
		// One pass reads, checks and decodes the payload.
		_, subject, _ = checkPayload(k.typ, &d, false)
		if d.r.Err != nil {
			fe.list = append(fe.list, payloadShapeProblem('{', d.r.Err))
		} else {
			fe.list = append(fe.list, d.fe.list...)
		}
	} else if checked {
		// bytes this package checked: an object within the size limit
	} else if f := payloadProblem(e.Payload); f != nil {
		fe.list = append(fe.list, f)
	}
	return subject, fe.err(e.Type, true)
}

// canonicalSubject returns the subject of a payload stamped canonical,
// borrowed from it: the string under key (quoted), which such a payload
// holds once, as written by the encoder.
func canonicalSubject(p []byte, key string) string {
	r := jsonwire.NewReader(p)
	for more := r.Object(); more; more = r.Comma() || r.More() {
		if r.KeyIs(key) {
			s, _ := r.Str()
			return jsonwire.Borrow(s)
		}
		if _, _, ok := r.Key(); !ok || r.Skip() == nil {
			break
		}
	}
	return ""
}

// validateEnvelope checks everything but the payload.
func (e *Event) validateEnvelope(fe *fieldErrors) {
	identifier(fe, "ID", e.ID)
	switch {
	case e.Type == "":
		fe.required("Type")
	case !validType(string(e.Type)):
		fe.add("Type", FieldErrorInvalid, string(e.Type), "must be lowercase words of [a-z0-9_] joined by single dots")
	}
	validateSource(fe, e.Source)
	timestamp(fe, "Timestamp", e.Timestamp)
}

// validType reports whether t is dot-separated words of [a-z0-9_].
func validType(t string) bool {
	for _, k := range knownTypes {
		if t == string(k) {
			return true // the common case, spared the scan below
		}
	}
	if t == "" {
		return false
	}
	word := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			word++
		case c == '.' && word > 0:
			word = 0
		default:
			return false
		}
	}
	return word > 0
}

// identifier checks an ID or a Source: required, valid UTF-8, with no
// control character (U+0000–U+001F, U+007F–U+009F) and no space at either
// end. Transports carry these values in headers, which trim white space and
// cannot hold line breaks; a value they would change could collide with
// another event's, so it is refused here, once, for all of them.
func identifier(fe *fieldErrors, field, v string) {
	if v == "" {
		fe.required(field)
		return
	}
	if plainASCII(v) {
		if v[0] == ' ' || v[len(v)-1] == ' ' {
			fe.add(field, FieldErrorInvalid, v, "must not begin or end with a space")
		}
		return
	}
	if !utf8.ValidString(v) {
		fe.add(field, FieldErrorInvalid, v, "must be valid UTF-8")
		return
	}
	for _, r := range v {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			fe.add(field, FieldErrorInvalid, v, "must not contain control characters")
			return
		}
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		fe.add(field, FieldErrorInvalid, v, "must not begin or end with a space")
	}
}

// plainASCII reports whether v is printable ASCII only (' ' to '~'): the
// common case of identifier, which needs no decoding of runes.
func plainASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

// validateSource checks an event's Source: an identifier that is also a
// URI-reference (RFC 3986), as CloudEvents requires of its source.
func validateSource(fe *fieldErrors, v string) {
	switch v {
	case SourcePulse, SourceRelay, SourceDeploy, SourceBeacon:
		return
	}
	n := len(fe.list)
	identifier(fe, "Source", v)
	if len(fe.list) > n {
		return
	}
	if !isURIReference(v) {
		fe.add("Source", FieldErrorInvalid, v, "must be a URI-reference (RFC 3986: ASCII, no spaces, '%' only in escapes), e.g. a tool name such as \"pulse\"")
	}
}

// requiredText checks a required string field.
func requiredText(fe *fieldErrors, field, v string) {
	if v == "" {
		fe.required(field)
		return
	}
	text(fe, field, v)
}

// text checks an optional string field.
func text(fe *fieldErrors, field, v string) {
	if !validUTF8(v) {
		fe.add(field, FieldErrorInvalid, v, "must be valid UTF-8")
	}
}

// validUTF8 is utf8.ValidString with its usual case here, a short ASCII
// string, tested inline rather than in a call: it is asked of every
// string of every event, several times in a round trip.
func validUTF8(s string) bool {
	if len(s) <= 16 {
		var or byte
		for i := 0; i < len(s); i++ {
			or |= s[i]
		}
		if or < utf8.RuneSelf {
			return true
		}
	}
	return utf8.ValidString(s)
}

// timestamp checks a required time: not zero, and with a year, in UTC,
// that RFC 3339 can write (0000 to 9999).
func timestamp(fe *fieldErrors, field string, t time.Time) {
	switch {
	case t.IsZero():
		fe.required(field)
	case !jsonwire.Writable(t):
		fe.add(field, FieldErrorOutOfRange, t.Format(time.RFC3339Nano), "must have a year from 0000 to 9999")
	}
}

// stringMap checks metadata maps: keys not empty, all text valid UTF-8.
// Keys are checked in sorted order so that errors come out stable.
func stringMap(fe *fieldErrors, field string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	for _, k := range sortedKeys(m) {
		if k == "" {
			fe.add(field, FieldErrorInvalid, k, "keys must not be empty")
			continue
		}
		text(fe, field+"["+k+"]", k)
		text(fe, field+"["+k+"]", m[k])
	}
}

// hostPort checks a host:port address with a numeric port 1–65535.
func hostPort(fe *fieldErrors, field, addr string) {
	if addr == "" {
		fe.required(field)
		return
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		fe.add(field, FieldErrorInvalid, addr, "must be host:port")
		return
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		fe.add(field, FieldErrorInvalid, addr, "must have a port from 1 to 65535")
	}
	text(fe, field, addr)
}
