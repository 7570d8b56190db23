package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// genTable writes the table of event types and their payloads, the
// Subject methods and the Known methods of enumerations.
func genTable(m *pkgModel) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// knownTypes lists the types this version defines, in the order of\n// [Types]: the order of the payloads' EventType methods in payloads.go.\n// It is never handed out, so callers cannot change it.\n")
	b.WriteString("var knownTypes = [...]EventType{\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "%s,\n", s.typeConst)
	}
	b.WriteString("}\n\n")
	b.WriteString("// payloadTable lists, for each type of knownTypes and in that order, its\n// payload struct and the wire key of its subject, quoted.\n")
	b.WriteString("var payloadTable = [...]payloadKind{\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "{typ: %s, zero: %s{}, subjectKey: %s},\n", s.typeConst, s.name, "`"+strconv.Quote(s.subject.key)+"`")
	}
	b.WriteString("}\n\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "// Subject returns %s, the subject of the event: what it is about,\n// for use as the CloudEvents \"subject\" and as a partition or ordering key.\n", s.subject.name)
		fmt.Fprintf(&b, "func (p %s) Subject() string { return p.%s }\n\n", s.name, s.subject.name)
	}

	// The dispatch functions are the table in code: direct calls, so that
	// payloads and decoders stay on the stack.
	b.WriteString("// checkPayload decodes the payload of an event of type t from d, which\n// is at its opening brace, and, when that succeeds, validates it into\n// d.fe. It returns the payload (only when keep; otherwise its strings are\n// borrowed from the input, sparing allocations) and its subject, which is\n// then borrowed too; ok is false for a type not in knownTypes.\n")
	b.WriteString("func checkPayload(t EventType, d *payloadDecoder, keep bool) (p Payload, subject string, ok bool) {\nd.borrow = !keep\nswitch t {\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "case %s:\nvar p %s\np.decodeJSON(d)\nif !d.decoded() {\nreturn nil, \"\", true\n}\np.validate(&d.fe)\nif keep {\nreturn p, p.%s, true\n}\nreturn nil, p.%s, true\n", s.typeConst, s.name, s.subject.name, s.subject.name)
	}
	b.WriteString("}\nreturn nil, \"\", false\n}\n\n")

	b.WriteString("// encodeOwn validates and encodes *p when p points to a payload struct\n// of this package: it returns the event type, the payload appended to b\n// (b itself when the payload is invalid, its problems added to fe), and\n// ok. For any other p, ok is false.\n")
	b.WriteString("func encodeOwn(p any, b []byte, fe *fieldErrors) (t EventType, out []byte, ok bool) {\nswitch p := p.(type) {\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "case *%s:\nif p.validate(fe); len(fe.list) > 0 {\nreturn %s, b, true\n}\nreturn %s, p.appendJSON(b), true\n", s.name, s.typeConst, s.typeConst)
	}
	b.WriteString("}\nreturn \"\", b, false\n}\n\n")

	b.WriteString("// decodeOwn decodes and validates the payload of an event of type t into\n// *p when p points to a payload struct of this package, as Decode\n// promises; ok is false for any other p.\n")
	b.WriteString("func decodeOwn(p any, t EventType, data []byte) (ok bool, err error) {\nswitch p := p.(type) {\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "case *%s:\nif t != %s {\nreturn true, &mismatchError{got: t, want: %s}\n}\nvar d payloadDecoder\nif err := d.start(t, data); err != nil {\nreturn true, err\n}\np.decodeJSON(&d)\nif !d.decoded() {\nreturn true, d.result(t)\n}\np.validate(&d.fe)\nreturn true, d.fe.err(t, false)\n", s.name, s.typeConst, s.typeConst)
	}
	b.WriteString("}\nreturn false, nil\n}\n\n")
	var enums []*enumType
	seen := map[string]bool{}
	var collect func(s *structModel)
	collect = func(s *structModel) {
		for _, f := range s.fields {
			if f.enum != nil && !seen[f.enum.name] {
				seen[f.enum.name] = true
				enums = append(enums, f.enum)
			}
			if f.nested != nil {
				collect(f.nested)
			}
		}
	}
	for _, s := range m.payloads {
		collect(s)
	}
	for _, e := range enums {
		var names []string
		for _, c := range e.consts {
			names = append(names, c.name)
		}
		list := strings.Join(names, ", ")
		if n := len(names); n > 1 {
			list = strings.Join(names[:n-1], ", ") + " or " + names[n-1]
		}
		recv := strings.ToLower(e.name[:1])
		fmt.Fprintf(&b, "// Known reports whether %s is one of %s.\n", recv, list)
		fmt.Fprintf(&b, "func (%s %s) Known() bool {\nswitch %s {\ncase %s:\nreturn true\n}\nreturn false\n}\n\n", recv, e.name, recv, strings.Join(names, ", "))
	}
	return withHeader(&b)
}
