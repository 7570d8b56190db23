package events

import (
	"slices"
	"unicode/utf8"

	"github.com/algoryn/events/internal/jsonwire"
)

// MaxCloudEventsExtensionName is the longest extension attribute name, in
// characters, that [ToCloudEventWithExtensions] writes: the length the
// CloudEvents specification asks names to keep within.
const MaxCloudEventsExtensionName = 20

// ToCloudEventWithExtensions is [ToCloudEvent] with extension attributes
// added, each a string, such as the distributed-tracing extension's
// "traceparent" and "tracestate". They are written after
// "datacontenttype" and before "data", sorted by name, so the same event
// and extensions always give the same bytes; with no extensions the bytes
// are those of ToCloudEvent.
//
// An extension name must be 1 to [MaxCloudEventsExtensionName] characters
// of [a-z0-9], as the specification requires, and not the name of an
// attribute the specification defines (id, source, type, subject, time,
// dataschema, datacontenttype, data, specversion); a value must be valid
// UTF-8. A bad name or value gives a [*ValidationError] matching
// [ErrInvalidEvent] whose field is the extension's name.
func ToCloudEventWithExtensions(e Event, ext map[string]string) ([]byte, error) {
	if len(ext) == 0 {
		return ToCloudEvent(e)
	}
	var fe fieldErrors
	names := make([]string, 0, len(ext))
	size := 0
	for name, v := range ext {
		names = append(names, name)
		size += len(name) + len(v) + 6
	}
	slices.Sort(names)
	for _, name := range names {
		if detail := extensionNameProblem(name); detail != "" {
			fe.add(name, FieldErrorInvalid, name, detail)
		} else if !utf8.ValidString(ext[name]) {
			fe.add(name, FieldErrorInvalid, ext[name], "must be valid UTF-8")
		}
	}
	if err := fe.err(e.Type, true); err != nil {
		return nil, err
	}
	b, err := ToCloudEvent(e)
	if err != nil {
		return nil, err
	}
	// ToCloudEvent ends with `,"data":` and the payload as it is, then
	// '}': insert the extensions before that.
	at := len(b) - 1 - len(e.Payload) - len(`,"data":`)
	out := make([]byte, 0, len(b)+size)
	out = append(out, b[:at]...)
	for _, name := range names {
		out = append(out, ',', '"')
		out = append(out, name...)
		out = append(out, '"', ':')
		out = jsonwire.AppendString(out, ext[name])
	}
	return append(out, b[at:]...), nil
}

// FromCloudEventWithExtensions is [FromCloudEvent] that also returns the
// event's extension attributes whose values are JSON strings, such as
// "traceparent" and "tracestate", by name; extension attributes of
// other JSON types are ignored, as FromCloudEvent ignores them all. An
// extension attribute given twice gives a [*SyntaxError] as a duplicate
// attribute does. The map is nil when there are none.
func FromCloudEventWithExtensions(b []byte) (Event, map[string]string, error) {
	e, ext, err := fromCloudEvent(b, true)
	if err != nil || len(ext) == 0 {
		return e, nil, err
	}
	return e, ext, nil
}

// extension reads the string value of the extension attribute key.
func (d *ceDecoder) extension(r *jsonwire.Reader, key []byte, keyOff int) error {
	name := string(key)
	if _, dup := d.ext[name]; dup {
		return &SyntaxError{Offset: int64(keyOff), Field: name, Detail: "duplicate key"}
	}
	v, _ := r.Str()
	if r.Err != nil {
		return readerError(r, name)
	}
	d.ext[name] = string(v)
	return nil
}

// extensionNameProblem says what is wrong with an extension attribute
// name, or "".
func extensionNameProblem(name string) string {
	if name == "" || len(name) > MaxCloudEventsExtensionName {
		return "an extension name must be 1 to 20 characters of [a-z0-9]"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return "an extension name must be 1 to 20 characters of [a-z0-9]"
		}
	}
	if ceDefined(name) {
		return "is an attribute the CloudEvents specification defines, not an extension"
	}
	return ""
}

// ceDefined reports whether name is an attribute the CloudEvents
// specification defines, so not an extension.
func ceDefined(name string) bool {
	switch name {
	case "specversion", "id", "source", "type", "subject", "time", "dataschema", "datacontenttype", "data", "data_base64":
		return true
	}
	return false
}
