package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// genValidate writes each payload's Validate and validate methods.
func genValidate(m *pkgModel) ([]byte, error) {
	var b bytes.Buffer
	for _, s := range m.payloads {
		fmt.Fprintf(&b, "// Validate reports every problem with the payload at once, as a\n// [*ValidationError] matching [ErrInvalidPayload], or nil.\n//\n")
		for _, line := range wrap(rulesText(s), 72) {
			fmt.Fprintf(&b, "// %s\n", line)
		}
		fmt.Fprintf(&b, "func (p %s) Validate() error {\nvar fe fieldErrors\np.validate(&fe)\nreturn fe.err(%s, false)\n}\n\n", s.name, s.typeConst)
		fmt.Fprintf(&b, "// validate adds the payload's problems to fe, in field order.\n")
		fmt.Fprintf(&b, "func (p %s) validate(fe *fieldErrors) {\n", s.name)
		emitValidate(&b, s, "p.", "")
		b.WriteString("}\n\n")
	}
	return withHeader(&b, "math", "strconv")
}

func emitValidate(b *bytes.Buffer, s *structModel, recv, path string) {
	for _, f := range s.fields {
		v := recv + f.name
		name := strconv.Quote(path + f.name)
		switch f.kind {
		case kindString:
			switch {
			case f.enum != nil:
				fmt.Fprintf(b, "switch {\n")
				if f.required {
					fmt.Fprintf(b, "case %s == \"\":\nfe.required(%s)\n", v, name)
					fmt.Fprintf(b, "case !%s.Known():\n", v)
				} else {
					fmt.Fprintf(b, "case %s != \"\" && !%s.Known():\n", v, v)
				}
				fmt.Fprintf(b, "fe.add(%s, FieldErrorNotSupported, string(%s), %s)\n}\n", name, v, strconv.Quote(enumDetail(f.enum)))
			case f.hostport:
				fmt.Fprintf(b, "hostPort(fe, %s, %s)\n", name, v)
			case f.required:
				fmt.Fprintf(b, "requiredText(fe, %s, %s)\n", name, v)
			default:
				fmt.Fprintf(b, "text(fe, %s, %s)\n", name, v)
			}
		case kindInt, kindFloat:
			emitNumber(b, s, f, recv, path)
		case kindTime:
			if f.required {
				fmt.Fprintf(b, "timestamp(fe, %s, %s)\n", name, v)
			} else {
				fmt.Fprintf(b, "if !%s.IsZero() {\ntimestamp(fe, %s, %s)\n}\n", v, name, v)
			}
		case kindStringMap:
			fmt.Fprintf(b, "stringMap(fe, %s, %s)\n", name, v)
		case kindStruct:
			emitValidate(b, f.nested, v+".", path+f.name+".")
		}
	}
}

// emitNumber writes the range checks of a number: finite (floats), then
// its bounds, then a sibling it may not exceed.
func emitNumber(b *bytes.Buffer, s *structModel, f *fieldModel, recv, path string) {
	v := recv + f.name
	name := strconv.Quote(path + f.name)
	bad := "int64(v)"
	if f.kind == kindFloat {
		bad = "v"
	}
	var cases []string
	if f.kind == kindFloat {
		cases = append(cases, fmt.Sprintf("case math.IsNaN(v) || math.IsInf(v, 0):\nfe.add(%s, FieldErrorOutOfRange, v, \"must be a finite number\")\n", name))
	}
	unit := "" // messages state bounds; docs and schemas state units
	switch {
	case f.min != "" && f.max != "":
		cases = append(cases, fmt.Sprintf("case v < %s || v > %s:\nfe.add(%s, FieldErrorOutOfRange, %s, %q)\n", f.min, f.max, name, bad, "must be within ["+f.min+","+f.max+"]"+unit))
	case f.min != "":
		cases = append(cases, fmt.Sprintf("case v < %s:\nfe.add(%s, FieldErrorOutOfRange, %s, %q)\n", f.min, name, bad, "must be at least "+f.min+unit))
	case f.max != "":
		cases = append(cases, fmt.Sprintf("case v > %s:\nfe.add(%s, FieldErrorOutOfRange, %s, %q)\n", f.max, name, bad, "must be at most "+f.max+unit))
	}
	if f.maxField != "" {
		sib := s.field(f.maxField)
		sv := recv + sib.name
		cond := fmt.Sprintf("v > %s", sv)
		if sib.min != "" { // a sibling out of range is reported on its own
			cond += fmt.Sprintf(" && %s >= %s", sv, sib.min)
		}
		format := "strconv.FormatInt(int64(" + sv + "), 10)"
		if f.kind == kindFloat {
			format = "strconv.FormatFloat(" + sv + ", 'g', -1, 64)"
		}
		cases = append(cases, fmt.Sprintf("case %s:\nfe.add(%s, FieldErrorOutOfRange, %s, %q+%s+\")\")\n", cond, name, bad, "must be at most "+path+sib.name+" (", format))
	}
	if len(cases) == 0 {
		return
	}
	fmt.Fprintf(b, "switch v := %s; {\n%s}\n", v, strings.Join(cases, ""))
}

func enumDetail(e *enumType) string {
	var q []string
	for _, c := range e.consts {
		q = append(q, strconv.Quote(c.value))
	}
	return "must be one of " + strings.Join(q, ", ")
}

// rulesText states a payload's rules in words, for its Validate doc.
func rulesText(s *structModel) string {
	var parts []string
	var walk func(s *structModel, path string)
	walk = func(s *structModel, path string) {
		for _, f := range s.fields {
			if f.nested != nil {
				walk(f.nested, path+f.name+".")
				continue
			}
			if r := fieldRules(s, f, path); r != "" {
				parts = append(parts, path+f.name+" "+r)
			}
		}
	}
	walk(s, "")
	text := "The rules come from the struct tags in payloads.go: " + strings.Join(parts, "; ") + "."
	return text + " Every string must be valid UTF-8, every float finite, every time within the years 0000 to 9999 and every map key not empty."
}

// fieldRules states one field's rules, or "" when it has none of its own.
func fieldRules(s *structModel, f *fieldModel, path string) string {
	var r []string
	switch {
	case f.enum != nil:
		var names []string
		for _, c := range f.enum.consts {
			names = append(names, c.name)
		}
		r = append(r, "is one of "+strings.Join(names, ", "))
	case f.hostport:
		r = append(r, "is host:port with a port from 1 to 65535")
	case f.required && f.kind == kindTime:
		r = append(r, "is not zero")
	case f.required:
		r = append(r, "is required")
	}
	unit := ""
	if f.unit != "" {
		unit = " (" + f.unit + ")"
	}
	switch {
	case f.min != "" && f.max != "":
		r = append(r, "is within ["+f.min+","+f.max+"]"+unit)
	case f.min != "":
		r = append(r, "is at least "+f.min+unit)
	case f.max != "":
		r = append(r, "is at most "+f.max+unit)
	}
	if f.maxField != "" {
		r = append(r, "is at most "+path+f.maxField)
	}
	return strings.Join(r, " and ")
}

// wrap breaks text into lines of at most width characters.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
