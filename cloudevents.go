package events

import (
	"bytes"
	"strings"

	"github.com/algoryn/events/internal/jsonwire"
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
	b = jsonwire.AppendString(b, e.ID)
	b = append(b, `,"source":`...)
	b = jsonwire.AppendString(b, e.Source)
	b = append(b, `,"type":"`+CloudEventsTypePrefix...)
	b = append(b, e.Type...) // validType: [a-z0-9_.] only, nothing to escape
	b = append(b, '"')
	if subject != "" {
		b = append(b, `,"subject":`...)
		b = jsonwire.AppendString(b, subject)
	}
	b = append(b, `,"time":"`...)
	b = jsonwire.AppendTime(b, e.Timestamp)
	b = append(b, `","datacontenttype":"`+CloudEventsContentType+`","data":`...)
	b = append(b, e.Payload...)
	return append(b, '}'), nil
}

// checkEvent validates e as Event.Validate does and returns the payload's
// subject.
func checkEvent(e *Event) (subject string, err error) {
	return e.validate()
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
	e, _, err := fromCloudEvent(b, false)
	return e, err
}

// fromCloudEvent reads b, with its string extension attributes when
// withExt. It reads b the quick way first (see ceDecoder.quick); on any
// error it reads b again the careful way, for the exact error.
func fromCloudEvent(b []byte, withExt bool) (Event, map[string]string, error) {
	d := newCEDecoder(withExt)
	d.quick = true
	if e, err := d.read(b); err == nil {
		return e, d.ext, nil
	}
	d = newCEDecoder(withExt)
	e, err := d.read(b)
	return e, d.ext, err
}

// newCEDecoder returns a careful decoder, collecting string extension
// attributes when withExt.
func newCEDecoder(withExt bool) ceDecoder {
	if withExt {
		return ceDecoder{ext: map[string]string{}}
	}
	return ceDecoder{}
}

// read reads the event in b and checks it.
func (d *ceDecoder) read(b []byte) (Event, error) {
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
	if d.quick {
		e.Payload = stamp(e.Payload) // checkEvent has now read it in full
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

// ceQuoted are the names as ToCloudEvent writes them, quoted.
var ceQuoted = func() (q [ceAttrs]string) {
	for a, name := range ceNames {
		q[a] = `"` + name + `"`
	}
	return q
}()

// ceDecoder holds the attributes of one event: the unescaped text of each
// string attribute, and data as raw JSON.
type ceDecoder struct {
	val     [ceAttrs][]byte // nil when absent or null
	present [ceAttrs]bool
	ext     map[string]string // string extension attributes; nil: not collected
	// quick finds the end of an object in data without checking its
	// content, which checkEvent reads in full anyway (decoding a payload
	// of a known type, or checking the bytes of another); so data is read
	// once, not twice. The payload is stamped only after that check. A
	// quick read that fails says nothing: the caller reads again without
	// quick, for the exact error.
	quick bool
}

// decode reads the attributes in one pass.
func (d *ceDecoder) decode(data []byte) error {
	r := jsonwire.NewReader(data)
	if c := r.Peek(); c != '{' {
		start := r.Offset()
		if r.Skip() != nil && r.End() {
			return &SyntaxError{Offset: int64(start), Detail: "a CloudEvent must be a JSON object, got " + jsonwire.KindOf(c)}
		}
		return readerError(&r, "")
	}
	next := 0
	for more := r.Object(); more; more = r.Comma() || r.More() {
		r.Peek()
		attr, keyOff := -1, r.Offset()
		var key []byte
		if next < ceAttrs && r.KeyIs(ceQuoted[next]) {
			attr = next // the attribute ToCloudEvent writes next (key is needed only for others)
		} else {
			var ok bool
			if key, keyOff, ok = r.Key(); !ok {
				break
			}
			attr = ceAttr(key)
		}
		if attr >= 0 {
			next = attr + 1
		}
		if attr < 0 {
			if d.ext != nil && r.Peek() == '"' && !ceDefined(string(key)) {
				if err := d.extension(&r, key, keyOff); err != nil {
					return err
				}
				continue
			}
			if r.Skip() == nil {
				break
			}
			continue
		}
		name := ceNames[attr]
		if d.present[attr] {
			return &SyntaxError{Offset: int64(keyOff), Field: name, Detail: "duplicate key"}
		}
		c, off := r.Peek(), r.Offset()
		switch {
		case c == 'n' && r.Null(): // null counts as absent
			continue
		case attr == ceData && d.quick && c == '{':
			d.val[attr] = r.SkipUnchecked()
		case attr == ceData:
			d.val[attr] = r.Skip()
		case c == '"':
			d.val[attr], _ = r.Str()
		default:
			if r.Skip() != nil {
				return &SyntaxError{Offset: int64(off), Field: name, Detail: "must be a JSON string, got " + jsonwire.KindOf(c)}
			}
		}
		if r.Err != nil {
			return readerError(&r, name)
		}
		d.present[attr] = true
	}
	if r.Err != nil || !r.End() {
		return readerError(&r, "")
	}
	return nil
}

// ceAttr returns the index of the attribute named key in ceNames, or -1.
// Names are case-sensitive.
func ceAttr(key []byte) int {
	for a, name := range ceNames {
		if string(key) == name {
			return a
		}
	}
	return -1
}

// text returns the text of the string attribute a, or nil when it is
// absent. Without escapes it points into the input.
func (d *ceDecoder) text(a int) []byte { return d.val[a] }

// event checks the attributes and builds the event, collecting every
// attribute problem at once.
func (d *ceDecoder) event() (Event, fieldErrors) {
	var fe fieldErrors
	var e Event
	switch v := d.text(ceSpecVersion); {
	case !d.present[ceSpecVersion]:
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
	if !d.present[ceTime] {
		fe.required("time")
	} else {
		if ts, err := jsonwire.ParseTime(d.text(ceTime)); err != nil {
			fe.add("time", FieldErrorInvalid, string(d.text(ceTime)), "must be an RFC 3339 time")
		} else {
			e.Timestamp = ts.UTC()
		}
	}
	if d.present[ceContentType] {
		if ct := d.text(ceContentType); !IsJSONContentType(string(ct)) {
			fe.add("datacontenttype", FieldErrorNotSupported, string(ct), "must be application/json or another JSON media type")
		}
	}
	data, b64 := d.val[ceData], d.val[ceDataBase64]
	switch {
	case d.present[ceData] && d.present[ceDataBase64]:
		fe.add("data_base64", FieldErrorInvalid, nil, "must not be given together with data")
	case d.present[ceData]:
		if data[0] != '{' {
			fe.add("data", FieldErrorInvalid, jsonwire.KindOf(data[0]), "must be a JSON object")
		} else if f := payloadSizeProblem(len(data)); f != nil {
			fe.add("data", f.Kind, f.BadValue, f.Detail)
		} else {
			e.Payload = d.copyData(data)
		}
	case d.present[ceDataBase64]:
		p, f, err := base64Payload(b64)
		switch {
		case err != nil:
			fe.add("data_base64", FieldErrorInvalid, nil, "must be base64 (RFC 4648, with padding): "+err.Error())
		case f != nil:
			fe.add("data", f.Kind, f.BadValue, f.Detail)
		case p == nil:
			fe.required("data")
		default:
			e.Payload = p
		}
	default:
		fe.required("data")
	}
	return e, fe
}

// copyData copies the payload from data, with room for a stamp. Read
// carefully (not quick), Skip has checked it, and it is stamped now.
func (d *ceDecoder) copyData(data []byte) []byte {
	if !d.quick {
		return stampedCopy(data)
	}
	return copyWithStampRoom(data)
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
