package events

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// The five payloads are decoded by hand, with the semantics of
// encoding/json (a fuzz target holds the two to the same results): keys
// matched exactly or case-insensitively, unknown keys ignored, null leaves
// a field unchanged, the last of duplicate keys wins, integers must be
// integral and in range. Unlike encoding/json, every field of the wrong
// JSON type is reported, not only the first.

// members iterates over the members of a JSON object that skipValue has
// already checked.
type members struct {
	data []byte
	i    int
	key  []byte // the current key, unescaped
	val  []byte // the current value, raw
	err  error
}

func newMembers(obj []byte) members {
	return members{data: obj, i: skipSpace(obj, 0) + 1}
}

// next moves to the next member; it returns false at the end.
func (m *members) next() bool {
	d := m.data
	i := skipSpace(d, m.i)
	if i < len(d) && d[i] == ',' {
		i = skipSpace(d, i+1)
	}
	if i >= len(d) || d[i] != '"' {
		return false
	}
	end, _ := skipString(d, i)
	key, err := unquote(d[i:end])
	if err != nil {
		m.err = err
		return false
	}
	i = skipSpace(d, end) + 1 // past ':'
	i = skipSpace(d, i)
	vend, _ := skipValue(d, i, 0)
	m.key, m.val, m.i = key, d[i:vend], vend
	return true
}

// is reports whether the current key names field, whose upper-case form
// is upper: exactly, or case-insensitively as encoding/json matches keys.
func (m *members) is(field, upper string) bool {
	return string(m.key) == field || foldEqual(m.key, upper)
}

// foldEqual reports whether key equals the ASCII upper-case name under
// Unicode simple case folding, which is what encoding/json uses: "runid"
// and "RunID" match, and so do "ſervice" (long s) and "Service".
func foldEqual(key []byte, upper string) bool {
	j := 0
	for i := 0; i < len(key); j++ {
		if j >= len(upper) {
			return false
		}
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != upper[j] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(key[i:])
		if foldRune(r) != rune(upper[j]) {
			return false
		}
		i += n
	}
	return j == len(upper)
}

// foldRune returns the smallest rune of r's case-folding orbit, as
// encoding/json does; for the orbit of an ASCII letter that is the
// upper-case letter.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// payloadDecoder decodes values and collects type errors.
type payloadDecoder struct {
	fe fieldErrors
}

func (d *payloadDecoder) wrongType(field string, val []byte, want string) {
	d.fe.add(field, FieldErrorInvalid, rawValue(val), "must be a JSON "+want+", not "+kindOf(val[0]))
}

// rawValue is a raw JSON value as the BadValue of an error, cut short if
// long.
func rawValue(val []byte) string {
	if len(val) > 64 {
		return string(val[:64]) + "…"
	}
	return string(val)
}

func (d *payloadDecoder) string(field string, val []byte, dst *string) {
	switch val[0] {
	case 'n':
	case '"':
		s, err := unquote(val)
		if err != nil {
			d.wrongType(field, val, "string")
			return
		}
		*dst = string(s)
	default:
		d.wrongType(field, val, "string")
	}
}

func (d *payloadDecoder) bool(field string, val []byte, dst *bool) {
	switch val[0] {
	case 'n':
	case 't':
		*dst = true
	case 'f':
		*dst = false
	default:
		d.wrongType(field, val, "boolean")
	}
}

// int64 reads an integral number in range, as strconv.ParseInt does.
func (d *payloadDecoder) int64(field string, val []byte, dst *int64) {
	if val[0] == 'n' {
		return
	}
	if val[0] != '-' && (val[0] < '0' || val[0] > '9') {
		d.wrongType(field, val, "integer")
		return
	}
	n, ok := parseInt(val)
	if !ok {
		d.fe.add(field, FieldErrorInvalid, rawValue(val), "must be an integer within the range of int64")
		return
	}
	*dst = n
}

func parseInt(b []byte) (int64, bool) {
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return 0, false
		}
	}
	if !neg {
		if u > 1<<63-1 {
			return 0, false
		}
		return int64(u), true
	}
	return -int64(u), true
}

func (d *payloadDecoder) float64(field string, val []byte, dst *float64) {
	if val[0] == 'n' {
		return
	}
	if val[0] != '-' && (val[0] < '0' || val[0] > '9') {
		d.wrongType(field, val, "number")
		return
	}
	f, err := strconv.ParseFloat(string(val), 64)
	if err != nil {
		d.fe.add(field, FieldErrorOutOfRange, rawValue(val), "must be a number within the range of float64")
		return
	}
	*dst = f
}

func (d *payloadDecoder) time(field string, val []byte, dst *time.Time) {
	if val[0] != '"' && val[0] != 'n' {
		d.wrongType(field, val, "string (RFC 3339 time)")
		return
	}
	if err := dst.UnmarshalJSON(val); err != nil {
		d.fe.add(field, FieldErrorInvalid, rawValue(val), "must be an RFC 3339 time")
		return
	}
	*dst = dst.UTC()
}

func (d *payloadDecoder) stringMap(field string, val []byte, dst *map[string]string) {
	switch val[0] {
	case 'n':
		*dst = nil
		return
	case '{':
	default:
		d.wrongType(field, val, "object of strings")
		return
	}
	if *dst == nil {
		*dst = make(map[string]string)
	}
	m := newMembers(val)
	for m.next() {
		var s string
		d.string(field+"["+string(m.key)+"]", m.val, &s)
		(*dst)[string(m.key)] = s
	}
}

func (p *RunCompletedPayload) decodeJSON(d *payloadDecoder, obj []byte) {
	m := newMembers(obj)
	for m.next() {
		switch {
		case m.is("RunID", "RUNID"):
			d.string("RunID", m.val, &p.RunID)
		case m.is("Service", "SERVICE"):
			d.string("Service", m.val, &p.Service)
		case m.is("Passed", "PASSED"):
			d.bool("Passed", m.val, &p.Passed)
		case m.is("Duration", "DURATION"):
			d.int64("Duration", m.val, (*int64)(&p.Duration))
		case m.is("Summary", "SUMMARY"):
			p.Summary.decodeJSON(d, m.val)
		}
	}
}

func (s *RunSummary) decodeJSON(d *payloadDecoder, val []byte) {
	switch val[0] {
	case 'n':
		return
	case '{':
	default:
		d.wrongType("Summary", val, "object")
		return
	}
	m := newMembers(val)
	for m.next() {
		switch {
		case m.is("Total", "TOTAL"):
			d.int64("Summary.Total", m.val, &s.Total)
		case m.is("Failed", "FAILED"):
			d.int64("Summary.Failed", m.val, &s.Failed)
		case m.is("RPS", "RPS"):
			d.float64("Summary.RPS", m.val, &s.RPS)
		case m.is("ErrorRate", "ERRORRATE"):
			d.float64("Summary.ErrorRate", m.val, &s.ErrorRate)
		case m.is("P99Ms", "P99MS"):
			d.float64("Summary.P99Ms", m.val, &s.P99Ms)
		}
	}
}

func decodeService(d *payloadDecoder, obj []byte, name, addr *string, tags *map[string]string) {
	m := newMembers(obj)
	for m.next() {
		switch {
		case m.is("Name", "NAME"):
			d.string("Name", m.val, name)
		case m.is("Address", "ADDRESS"):
			d.string("Address", m.val, addr)
		case m.is("Tags", "TAGS"):
			d.stringMap("Tags", m.val, tags)
		}
	}
}

func (p *ThresholdViolatedPayload) decodeJSON(d *payloadDecoder, obj []byte) {
	m := newMembers(obj)
	for m.next() {
		switch {
		case m.is("Service", "SERVICE"):
			d.string("Service", m.val, &p.Service)
		case m.is("Source", "SOURCE"):
			d.string("Source", m.val, &p.Source)
		case m.is("Description", "DESCRIPTION"):
			d.string("Description", m.val, &p.Description)
		case m.is("Actual", "ACTUAL"):
			d.float64("Actual", m.val, &p.Actual)
		case m.is("Limit", "LIMIT"):
			d.float64("Limit", m.val, &p.Limit)
		}
	}
}

func (p *AlertFiredPayload) decodeJSON(d *payloadDecoder, obj []byte) {
	m := newMembers(obj)
	for m.next() {
		switch {
		case m.is("AlertID", "ALERTID"):
			d.string("AlertID", m.val, &p.AlertID)
		case m.is("RuleID", "RULEID"):
			d.string("RuleID", m.val, &p.RuleID)
		case m.is("RuleName", "RULENAME"):
			d.string("RuleName", m.val, &p.RuleName)
		case m.is("Severity", "SEVERITY"):
			d.string("Severity", m.val, (*string)(&p.Severity))
		case m.is("Service", "SERVICE"):
			d.string("Service", m.val, &p.Service)
		case m.is("Summary", "SUMMARY"):
			d.string("Summary", m.val, &p.Summary)
		case m.is("FiredAt", "FIREDAT"):
			d.time("FiredAt", m.val, &p.FiredAt)
		case m.is("Labels", "LABELS"):
			d.stringMap("Labels", m.val, &p.Labels)
		case m.is("CorrelationEventID", "CORRELATIONEVENTID"):
			d.string("CorrelationEventID", m.val, &p.CorrelationEventID)
		}
	}
}

// decodePayloadJSON decodes obj, a checked JSON object, into v: by hand for
// the five payloads, with encoding/json for any other type. It returns a
// *ValidationError listing every field of the wrong JSON type.
func decodePayloadJSON(t EventType, obj []byte, v any) error {
	var d payloadDecoder
	switch p := v.(type) {
	case *RunCompletedPayload:
		p.decodeJSON(&d, obj)
	case *ServiceRegisteredPayload:
		decodeService(&d, obj, &p.Name, &p.Address, &p.Tags)
	case *ServiceDeregisteredPayload:
		decodeService(&d, obj, &p.Name, &p.Address, &p.Tags)
	case *ThresholdViolatedPayload:
		p.decodeJSON(&d, obj)
	case *AlertFiredPayload:
		p.decodeJSON(&d, obj)
	default:
		return decodeWithJSON(t, obj, v)
	}
	return d.fe.err(t, false)
}

// decodeWithJSON decodes with encoding/json, for payload types of other
// packages, naming the field of a type error.
func decodeWithJSON(t EventType, obj []byte, v any) error {
	err := json.Unmarshal(obj, v)
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
