package main

import (
	"bytes"
	"fmt"
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
	b.WriteString("// payloadTable says, for each type of knownTypes and in that order, how\n// its payload is read and checked.\n")
	b.WriteString("var payloadTable = [...]payloadKind{\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "{typ: %s, zero: %s{}, check: check%s},\n", s.typeConst, s.name, s.name)
	}
	b.WriteString("}\n\n")
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "// check%s decodes a %s from d and, when that\n// succeeds, validates it into d; see payloadKind.\n", s.name, s.name)
		fmt.Fprintf(&b, "func check%s(d *payloadDecoder, keep bool) (Payload, string) {\nvar p %s\np.decodeJSON(d)\nif !d.decoded() {\nreturn nil, \"\"\n}\np.validate(&d.fe)\nif keep {\nreturn p, p.%s\n}\nreturn nil, p.%s\n}\n\n", s.name, s.name, s.subject.name, s.subject.name)
		fmt.Fprintf(&b, "// Subject returns %s, the subject of the event: what it is about,\n// for use as the CloudEvents \"subject\" and as a partition or ordering key.\n", s.subject.name)
		fmt.Fprintf(&b, "func (p %s) Subject() string { return p.%s }\n\n", s.name, s.subject.name)
	}
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
