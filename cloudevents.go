package events

import (
	"bytes"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"
)

// CloudEventsSpecVersion is the CloudEvents version that [ToCloudEvent]
// writes and [FromCloudEvent] accepts, the value of the "specversion"
// attribute.
const CloudEventsSpecVersion = "1.0"

// CloudEventsTypePrefix is put before an [EventType] to make the
// CloudEvents "type" attribute, in the reverse-DNS form the CloudEvents
// specification recommends: run.completed travels as
// "io.algoryn.run.completed".
const CloudEventsTypePrefix = "io.algoryn."

// CloudEventsContentType is the "datacontenttype" that [ToCloudEvent]
// writes: the data of an Algoryn event is always a JSON object.
const CloudEventsContentType = "application/json"

// ToCloudEvent writes e as a CloudEvents 1.0 event in the structured JSON
// format:
//
//	{"specversion":"1.0","id":"…","source":"pulse","type":"io.algoryn.run.completed",
//	 "subject":"checkout","time":"2026-05-01T12:00:00.123456789Z",
//	 "datacontenttype":"application/json","data":{…}}
//
// The attributes map the envelope one to one: id is ID, source is Source,
// type is [CloudEventsTypePrefix] + Type, time is Timestamp (RFC 3339 in
// UTC with nanoseconds), data is the payload embedded as JSON. subject is
// the service the event is about, from the payload's Subject method; it is
// left out for a type this version does not know. Attributes are written
// in this fixed order, strings escaped as encoding/json escapes them, so
// the same event always gives the same bytes.
//
// The event is checked first as by [Event.Validate]; an invalid event
// gives a [*ValidationError] (or, for a payload that cannot be decoded, a
// [*SyntaxError]) matching [ErrInvalidEvent], with Go field names such as
// "Payload.Summary.ErrorRate".
func ToCloudEvent(e Event) ([]byte, error) {
	subject, err := checkEvent(&e)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(e.ID)+len(e.Source)+len(e.Type)+len(subject)+len(e.Payload)+176)
	b = append(b, `{"specversion":"1.0","id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"source":`...)
	b = appendString(b, e.Source)
	b = append(b, `,"type":"`+CloudEventsTypePrefix...)
	b = append(b, e.Type...) // validType: [a-z0-9_.] only, nothing to escape
	b = append(b, '"')
	if subject != "" {
		b = append(b, `,"subject":`...)
		b = appendString(b, subject)
	}
	b = append(b, `,"time":"`...)
	b = e.Timestamp.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","datacontenttype":"`+CloudEventsContentType+`","data":`...)
	b = append(b, e.Payload...)
	return append(b, '}'), nil
}

// subjecter is implemented by the five payloads of this package.
type subjecter interface{ Subject() string }

// checkEvent validates e as Event.Validate does and returns the payload's
// subject.
func checkEvent(e *Event) (subject string, err error) {
	p, err := e.validate()
	if s, ok := p.(subjecter); ok && err == nil {
		subject = s.Subject()
	}
	return subject, err
}

// FromCloudEvent reads a CloudEvents 1.0 event in the structured JSON
// format, as [ToCloudEvent] writes it or as any CloudEvents SDK does, and
// returns the Algoryn event it carries.
//
// It requires the attributes specversion (exactly
// [CloudEventsSpecVersion]), id, source, type (starting with
// [CloudEventsTypePrefix], which is removed) and time (RFC 3339), and the
// data as a JSON object, either embedded as "data" or base64-encoded as
// "data_base64" (not both). A datacontenttype, if present, must be JSON:
// application/json or any media type ending in "+json", with optional
// parameters. The subject, dataschema and every extension attribute are
// ignored: the subject is derived from the payload again, and attributes
// this package does not know are not kept, so a round trip through
// FromCloudEvent drops extensions. Attribute names are case-sensitive, as
// the specification requires; a null attribute counts as absent.
//
// The event is then checked as by [Event.Validate]. Every error matches
// [ErrInvalidEvent] and names the attribute: malformed JSON, a key given
// twice or an attribute of the wrong JSON type give a [*SyntaxError] with
// Field set to the attribute name; missing or wrong attributes give a
// [*ValidationError] whose [*FieldError]s name the attribute ("id",
// "specversion", "time", "datacontenttype", "data"), or, for a payload
// field, the path below data such as "data.Summary.ErrorRate" (such an
// error also matches [ErrInvalidPayload]). FromCloudEvent never panics.
func FromCloudEvent(b []byte) (Event, error) {
	if !utf8.Valid(b) {
		off := invalidUTF8Offset(b)
		return Event{}, &SyntaxError{Offset: int64(off), Detail: "invalid UTF-8"}
	}
	var d ceDecoder
	if err := d.decode(b); err != nil {
		return Event{}, err
	}
	e, fe := d.event()
	if len(fe.list) > 0 {
		return Event{}, fe.err(e.Type, true)
	}
	if _, err := checkEvent(&e); err != nil {
		return Event{}, ceError(err)
	}
	return e, nil
}

// CloudEvents attributes that FromCloudEvent reads.
const (
	ceSpecVersion = iota
	ceID
	ceSource
	ceType
	ceTime
	ceContentType
	ceData
	ceDataBase64
	ceAttrs
)

var ceNames = [ceAttrs]string{"specversion", "id", "source", "type", "time", "datacontenttype", "data", "data_base64"}

// ceDecoder holds the raw values of the attributes of one event.
type ceDecoder struct {
	raw [ceAttrs][]byte // the JSON value, nil when absent or null
	off [ceAttrs]int    // where the value starts
}

func (d *ceDecoder) decode(data []byte) error {
	fail := func(off int, field, detail string) error {
		return &SyntaxError{Offset: int64(off), Field: field, Detail: detail}
	}
	i := skipSpace(data, 0)
	if i >= len(data) {
		return fail(i, "", "unexpected end of input")
	}
	if data[i] != '{' {
		if end, serr := skipValue(data, i, 0); serr != nil {
			return fail(serr.off, "", serr.detail)
		} else if skipSpace(data, end) == len(data) {
			return fail(i, "", "a CloudEvent must be a JSON object, got "+jsonKind(data))
		}
		return fail(i, "", "invalid character "+quoteChar(data[i])+" looking for beginning of value")
	}
	var seen [ceAttrs]bool
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return d.end(data, i+1)
	}
	for {
		if i >= len(data) {
			return fail(i, "", "unexpected end of input")
		}
		if data[i] != '"' {
			return fail(i, "", "invalid character "+quoteChar(data[i])+" looking for beginning of object key string")
		}
		keyStart := i
		end, serr := skipString(data, i)
		if serr != nil {
			return fail(serr.off, "", serr.detail)
		}
		key, _ := unquote(data[keyStart:end]) // checked by skipString
		i = skipSpace(data, end)
		if i >= len(data) {
			return fail(i, "", "unexpected end of input")
		}
		if data[i] != ':' {
			return fail(i, "", "invalid character "+quoteChar(data[i])+" after object key")
		}
		i = skipSpace(data, i+1)
		attr := -1
		for a, name := range ceNames {
			if string(key) == name {
				attr = a
				break
			}
		}
		name := ""
		if attr >= 0 {
			name = ceNames[attr]
			if seen[attr] {
				return fail(keyStart, name, "duplicate key")
			}
			seen[attr] = true
		}
		end, serr = skipValue(data, i, 0)
		if serr != nil {
			return fail(serr.off, name, serr.detail)
		}
		if attr >= 0 && data[i] != 'n' { // null counts as absent
			if attr != ceData && data[i] != '"' {
				return fail(i, name, "must be a JSON string, got "+jsonKind(data[i:end]))
			}
			d.raw[attr], d.off[attr] = data[i:end], i
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return fail(i, "", "unexpected end of input")
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return d.end(data, i+1)
		default:
			return fail(i, "", "invalid character "+quoteChar(data[i])+" after object key:value pair")
		}
	}
}

func (d *ceDecoder) end(data []byte, i int) error {
	if i = skipSpace(data, i); i < len(data) {
		return &SyntaxError{Offset: int64(i), Detail: "invalid character " + quoteChar(data[i]) + " after top-level value"}
	}
	return nil
}

// text returns the contents of the string value of attribute a, which
// decode has checked to be a well-formed JSON string, or nil when it is
// absent. Without escapes it points into the input.
func (d *ceDecoder) text(a int) []byte {
	raw := d.raw[a]
	if raw == nil {
		return nil
	}
	s, _ := unquote(raw) // checked by skipString; escapes cannot fail
	return s
}

// event checks the attributes and builds the event, collecting every
// attribute problem at once.
func (d *ceDecoder) event() (Event, fieldErrors) {
	var fe fieldErrors
	var e Event
	switch v := d.text(ceSpecVersion); {
	case d.raw[ceSpecVersion] == nil:
		fe.required("specversion")
	case string(v) != CloudEventsSpecVersion:
		fe.add("specversion", FieldErrorNotSupported, string(v), `must be "`+CloudEventsSpecVersion+`"`)
	}
	// ID and Source share one allocation.
	id, source := d.text(ceID), d.text(ceSource)
	both := string(id) + string(source)
	e.ID, e.Source = both[:len(id)], both[len(id):]
	if e.ID == "" {
		fe.required("id")
	}
	if e.Source == "" {
		fe.required("source")
	}
	switch t := d.text(ceType); {
	case len(t) == 0:
		fe.required("type")
	case !bytes.HasPrefix(t, []byte(CloudEventsTypePrefix)):
		fe.add("type", FieldErrorInvalid, string(t), `must start with "`+CloudEventsTypePrefix+`"`)
	default:
		e.Type = internType(t[len(CloudEventsTypePrefix):])
		if !validType(string(e.Type)) {
			fe.add("type", FieldErrorInvalid, string(t), `must be "`+CloudEventsTypePrefix+`" then lowercase words of [a-z0-9_] joined by single dots`)
		}
	}
	if raw := d.raw[ceTime]; raw == nil {
		fe.required("time")
	} else {
		var ts time.Time
		if err := ts.UnmarshalText(d.text(ceTime)); err != nil {
			fe.add("time", FieldErrorInvalid, string(d.text(ceTime)), "must be an RFC 3339 time")
		} else {
			e.Timestamp = ts.UTC()
		}
	}
	if d.raw[ceContentType] != nil {
		if ct := d.text(ceContentType); !isJSONContentType(string(ct)) {
			fe.add("datacontenttype", FieldErrorNotSupported, string(ct), "must be application/json or another JSON media type")
		}
	}
	data, b64 := d.raw[ceData], d.raw[ceDataBase64]
	switch {
	case data != nil && b64 != nil:
		fe.add("data_base64", FieldErrorInvalid, nil, "must not be given together with data")
	case data != nil:
		if data[0] != '{' {
			fe.add("data", FieldErrorInvalid, jsonKind(data), "must be a JSON object")
		} else if len(data) > MaxPayloadBytes {
			fe.add("data", FieldErrorTooLarge, len(data), "must be at most 1048576 bytes (MaxPayloadBytes)")
		} else {
			e.Payload = append([]byte(nil), data...)
		}
	case b64 != nil:
		s, _ := unquote(b64)
		if n := base64.StdEncoding.DecodedLen(len(s)); n > MaxPayloadBytes+2 {
			fe.add("data", FieldErrorTooLarge, n, "must be at most 1048576 bytes (MaxPayloadBytes)")
			break
		}
		p := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
		n, err := base64.StdEncoding.Decode(p, s)
		switch {
		case err != nil:
			fe.add("data_base64", FieldErrorInvalid, nil, "must be base64 (RFC 4648, with padding): "+err.Error())
		case n > MaxPayloadBytes:
			fe.add("data", FieldErrorTooLarge, n, "must be at most 1048576 bytes (MaxPayloadBytes)")
		case n == 0:
			fe.required("data")
		default:
			if kind := jsonKind(p[:n]); kind != "object" {
				fe.add("data", FieldErrorInvalid, kind, "must be a JSON object")
				break
			}
			e.Payload = p[:n]
		}
	default:
		fe.required("data")
	}
	return e, fe
}

// ceFieldNames maps the envelope's Go field names to CloudEvents
// attribute names.
var ceFieldNames = map[string]string{
	"ID":        "id",
	"Type":      "type",
	"Source":    "source",
	"Timestamp": "time",
	"Payload":   "data",
}

// ceError renames the fields of an error of checkEvent to CloudEvents
// attribute names: "Timestamp" becomes "time", "Payload.RunID" becomes
// "data.RunID".
func ceError(err error) error {
	switch err := err.(type) {
	case *ValidationError:
		fields := make([]*FieldError, len(err.Fields))
		for i, f := range err.Fields {
			g := *f
			g.Field = ceFieldName(f.Field)
			fields[i] = &g
		}
		return &ValidationError{Type: err.Type, Fields: fields, event: true}
	case *SyntaxError:
		s := *err
		s.Field = ceFieldName(s.Field)
		return &s
	}
	return err
}

func ceFieldName(f string) string {
	head, rest, dotted := strings.Cut(f, ".")
	if name, ok := ceFieldNames[head]; ok {
		if dotted {
			return name + "." + rest
		}
		return name
	}
	return f
}

// isJSONContentType reports whether the media type ct (a CloudEvents
// datacontenttype value) is JSON: application/json, text/json,
// or a type with the structured syntax suffix "+json" such as
// application/cloudevents+json. Case and parameters (";charset=utf-8")
// are ignored.
func isJSONContentType(ct string) bool {
	mt := mediaType(ct)
	return mt == "application/json" || mt == "text/json" ||
		(strings.HasSuffix(mt, "+json") && strings.IndexByte(mt, '/') > 0)
}

// mediaType returns the media type of a Content-Type value in lower case,
// without parameters or surrounding white space: "Application/JSON;
// charset=utf-8" gives "application/json".
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for i := 0; i < len(ct); i++ {
		if c := ct[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(ct)
		}
	}
	return ct
}
