package main

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/algoryn/events/internal/uriref"
)

// schemaBase is the base of every schema's "$id" (events.SchemaBaseURI).
const schemaBase = "https://algoryn.dev/schemas/events/v1/"

// hostPortPattern is a host:port with a port from 1 to 65535 (leading
// zeros allowed, as net.SplitHostPort and strconv allow them) and a host
// that is not empty, in brackets when it holds a colon.
const hostPortPattern = `^(\[[^\[\]]+\]|[^:\[\]]+):0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})$`

// obj is a JSON object that keeps its keys in order.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(p.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func encodeSchema(o obj) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// genSchemas writes schemas/<type>.json for each payload and
// schemas/event.json for the envelope.
func genSchemas(m *pkgModel) ([]file, error) {
	var files []file
	for _, s := range m.payloads {
		props, required := schemaProperties(s)
		desc := s.doc
		if !strings.Contains(desc, s.eventType) {
			desc = "Payload of " + s.eventType + ". " + desc
		}
		if rules := beyondSchema(s); len(rules) > 0 {
			desc += " Rules JSON Schema cannot express, checked by Validate: " + strings.Join(rules, "; ") + "."
		}
		desc += " Readers ignore unknown properties, so producers may add fields."
		o := obj{
			{"$schema", "https://json-schema.org/draft/2020-12/schema"},
			{"$id", schemaBase + s.eventType + ".json"},
			{"title", s.name},
			{"description", desc},
			{"type", "object"},
		}
		if len(required) > 0 {
			o = append(o, kv{"required", required})
		}
		o = append(o, kv{"properties", props}, kv{"additionalProperties", true})
		data, err := encodeSchema(o)
		if err != nil {
			return nil, err
		}
		files = append(files, file{"schemas/" + s.eventType + ".json", data})
	}
	data, err := encodeSchema(envelopeSchema(m))
	if err != nil {
		return nil, err
	}
	return append(files, file{"schemas/event.json", data}), nil
}

func schemaProperties(s *structModel) (obj, []string) {
	var props obj
	required := []string{}
	for _, f := range s.fields {
		if f.required {
			required = append(required, f.key)
		}
		props = append(props, kv{f.key, fieldSchema(f)})
	}
	return props, required
}

func fieldSchema(f *fieldModel) obj {
	desc := f.doc
	if f.unit != "" {
		desc += " Unit: " + f.unit + "."
	}
	if f.subject {
		desc += " It is the event's subject."
	}
	var o obj
	switch f.kind {
	case kindString:
		o = obj{{"type", "string"}}
		switch {
		case f.enum != nil:
			var values []string
			for _, c := range f.enum.consts {
				values = append(values, c.value)
			}
			o = append(o, kv{"enum", values})
		case f.required:
			o = append(o, kv{"minLength", 1})
		}
		if f.hostport {
			o = append(o, kv{"pattern", hostPortPattern})
		}
	case kindBool:
		o = obj{{"type", "boolean"}}
	case kindInt:
		min, max := json.Number("-9223372036854775808"), json.Number("9223372036854775807")
		if f.min != "" {
			min = json.Number(f.min)
		}
		if f.max != "" {
			max = json.Number(f.max)
		}
		o = obj{{"type", "integer"}, {"minimum", min}, {"maximum", max}}
	case kindFloat:
		o = obj{{"type", "number"}}
		if f.min != "" {
			o = append(o, kv{"minimum", json.Number(f.min)})
		}
		if f.max != "" {
			o = append(o, kv{"maximum", json.Number(f.max)})
		}
	case kindTime:
		o = obj{{"type", "string"}, {"format", "date-time"}}
	case kindStringMap:
		o = obj{
			{"type", []string{"object", "null"}},
			{"propertyNames", obj{{"minLength", 1}}},
			{"additionalProperties", obj{{"type", "string"}}},
		}
	case kindStruct:
		props, required := schemaProperties(f.nested)
		o = obj{{"type", "object"}}
		if len(required) > 0 {
			o = append(o, kv{"required", required})
		}
		o = append(o, kv{"properties", props}, kv{"additionalProperties", true})
	}
	return append(o, kv{"description", desc})
}

// beyondSchema lists the rules of s that JSON Schema cannot state.
func beyondSchema(s *structModel) []string {
	var rules, ints []string
	floats := false
	var walk func(s *structModel, path string)
	walk = func(s *structModel, path string) {
		for _, f := range s.fields {
			name := path + f.name
			switch f.kind {
			case kindStruct:
				walk(f.nested, name+".")
			case kindInt:
				ints = append(ints, name)
				if f.maxField != "" {
					rules = append(rules, name+" must be at most "+path+f.maxField)
				}
			case kindFloat:
				floats = true
				if f.maxField != "" {
					rules = append(rules, name+" must be at most "+path+f.maxField)
				}
			case kindTime:
				r := name + " must use an upper-case T and Z and no leap second (:60), which RFC 3339 allows but Go's parser refuses"
				if f.required {
					r = name + " must not be the zero time 0001-01-01T00:00:00Z, and" + strings.TrimPrefix(r, name)
				}
				rules = append(rules, r)
			}
		}
	}
	walk(s, "")
	if len(ints) > 0 {
		rules = append(rules, "integers ("+strings.Join(ints, ", ")+") must be written without a fraction or exponent, as the Go reader refuses 1.0 or 1e3")
	}
	if floats {
		rules = append(rules, "numbers that overflow a float64 (such as 1e400) are refused by the Go reader")
	}
	return rules
}

// envelopeSchema is the schema of the Event envelope; for each payload it
// requires the Payload to match that payload's schema.
func envelopeSchema(m *pkgModel) obj {
	var allOf []obj
	for _, s := range m.payloads {
		allOf = append(allOf, obj{
			{"if", obj{{"properties", obj{{"Type", obj{{"const", s.eventType}}}}}, {"required", []string{"Type"}}}},
			{"then", obj{{"properties", obj{{"Payload", obj{{"$ref", s.eventType + ".json"}}}}}}},
		})
	}
	return obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", schemaBase + "event.json"},
		{"title", "Event"},
		{"description", "The Algoryn event envelope, as Event.MarshalJSON writes it; for the types listed in allOf the Payload must also match that type's schema. Rules JSON Schema cannot express, checked by Validate: Payload is at most 1048576 bytes (MaxPayloadBytes) of JSON; Timestamp must not be the zero time 0001-01-01T00:00:00Z, and must use an upper-case T and Z and no leap second (:60), which RFC 3339 allows but Go's parser refuses. The Go reader is more lenient than this schema in two ways: it matches keys case-insensitively, and it still reads the v0.2.0 form where Payload is a base64 string. An event of a well-formed type not listed here is valid with any object Payload. Readers ignore unknown properties."},
		{"type", "object"},
		{"required", []string{"ID", "Type", "Source", "Timestamp", "Payload"}},
		{"properties", obj{
			{"ID", obj{
				{"type", "string"},
				{"minLength", 1},
				{"pattern", `^[^\x00-\x20\x7f-\x9f]([^\x00-\x1f\x7f-\x9f]*[^\x00-\x20\x7f-\x9f])?$`},
				{"description", "Unique identifier of the event and its idempotency key; New sets a UUIDv7. No control characters, no space at either end."},
			}},
			{"Type", obj{
				{"type", "string"},
				{"pattern", `^[a-z0-9_]+(\.[a-z0-9_]+)*$`},
				{"description", "What happened: lowercase words of [a-z0-9_] joined by single dots, e.g. run.completed."},
			}},
			{"Source", obj{
				{"type", "string"},
				{"minLength", 1},
				{"pattern", uriref.Pattern},
				{"format", "uri-reference"},
				{"description", "The tool that emitted the event: pulse, relay, deploy or beacon. A URI-reference (RFC 3986), as CloudEvents requires: ASCII only, no spaces or control characters, '%' only in a valid escape; the pattern is the grammar of RFC 3986, appendix A."},
			}},
			{"Timestamp", obj{
				{"type", "string"},
				{"format", "date-time"},
				{"description", "When the event occurred, RFC 3339 in UTC with nanoseconds; not the zero time (checked by Validate)."},
			}},
			{"Payload", obj{
				{"type", "object"},
				{"description", "The event-specific data, a JSON object; see the payload schemas."},
			}},
		}},
		{"additionalProperties", true},
		{"allOf", allOf},
	}
}
