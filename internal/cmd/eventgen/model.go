package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// kind is how a field travels on the wire.
type kind int

const (
	kindString kind = iota
	kindBool
	kindInt
	kindFloat
	kindTime
	kindStringMap
	kindStruct
)

// pkgModel is what eventgen reads from the events package.
type pkgModel struct {
	payloads []*structModel       // in the order of their EventType methods
	enums    map[string]*enumType // named string types with constants
}

// enumType is a named string type and its constants, in order.
type enumType struct {
	name   string
	consts []enumConst
}

type enumConst struct{ name, value string }

// structModel is a payload or a struct nested in one.
type structModel struct {
	name      string
	doc       string
	eventType string // the payload's EventType value; "" for a nested struct
	typeConst string // the name of that constant
	fields    []*fieldModel
	subject   *fieldModel
}

// fieldModel is one field and its rules.
type fieldModel struct {
	name     string // Go name
	key      string // wire key
	goType   string // as written in the struct
	kind     kind
	doc      string
	required bool
	subject  bool
	hostport bool
	min, max string // number literals, or "" when absent
	maxField string // max=Field: the sibling it may not exceed
	unit     string
	enum     *enumType
	nested   *structModel
}

// load parses the package in dir: the constants of every non-test file,
// and the payload structs of payloads.go.
func load(dir string) (*pkgModel, error) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	m := &pkgModel{enums: map[string]*enumType{}}
	var payloadsFile *ast.File
	for _, path := range paths {
		base := filepath.Base(path)
		if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "zz_generated_") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		collectConsts(f, m.enums)
		if base == "payloads.go" {
			payloadsFile = f
		}
	}
	if payloadsFile == nil {
		return nil, fmt.Errorf("no payloads.go in %s", dir)
	}
	structs := map[string]*ast.TypeSpec{}
	docs := map[string]string{}
	for _, d := range payloadsFile.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.StructType); ok {
					structs[ts.Name.Name] = ts
					doc := ts.Doc
					if doc == nil {
						doc = g.Doc
					}
					docs[ts.Name.Name] = docText(doc)
				}
			}
		}
	}
	eventTypes := m.enums["EventType"]
	if eventTypes == nil {
		return nil, fmt.Errorf("no EventType constants")
	}
	seen := map[string]bool{}
	for _, d := range payloadsFile.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "EventType" {
			continue
		}
		recv, ok := fn.Recv.List[0].Type.(*ast.Ident)
		if !ok {
			return nil, fmt.Errorf("%s: EventType must have a value receiver", fset.Position(fn.Pos()))
		}
		ts := structs[recv.Name]
		if ts == nil {
			return nil, fmt.Errorf("%s: %s is not a struct of payloads.go", fset.Position(fn.Pos()), recv.Name)
		}
		c, err := returnedConst(fn)
		if err != nil {
			return nil, fmt.Errorf("%s: %s.EventType: %w", fset.Position(fn.Pos()), recv.Name, err)
		}
		value, ok := eventTypes.value(c)
		if !ok {
			return nil, fmt.Errorf("%s: %s.EventType returns %s, not an EventType constant", fset.Position(fn.Pos()), recv.Name, c)
		}
		if seen[value] {
			return nil, fmt.Errorf("%s: two payloads have the type %q", fset.Position(fn.Pos()), value)
		}
		seen[value] = true
		s, err := m.structModel(fset, ts, docs, structs, 0)
		if err != nil {
			return nil, err
		}
		s.eventType, s.typeConst = value, c
		if s.subject == nil {
			return nil, fmt.Errorf("payload %s has no field tagged events:\"subject\"", s.name)
		}
		m.payloads = append(m.payloads, s)
	}
	if len(m.payloads) == 0 {
		return nil, fmt.Errorf("no payloads (struct types with an EventType method) in payloads.go")
	}
	return m, nil
}

func (e *enumType) value(name string) (string, bool) {
	for _, c := range e.consts {
		if c.name == name {
			return c.value, true
		}
	}
	return "", false
}

// collectConsts records the string constants declared with a named type.
func collectConsts(f *ast.File, enums map[string]*enumType) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			typ, ok := vs.Type.(*ast.Ident)
			if !ok {
				continue
			}
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					break
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				e := enums[typ.Name]
				if e == nil {
					e = &enumType{name: typ.Name}
					enums[typ.Name] = e
				}
				e.consts = append(e.consts, enumConst{name.Name, v})
			}
		}
	}
}

// returnedConst returns X from a body that is exactly "return X".
func returnedConst(fn *ast.FuncDecl) (string, error) {
	if fn.Body == nil || len(fn.Body.List) != 1 {
		return "", fmt.Errorf("body must be one return of an EventType constant")
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", fmt.Errorf("body must be one return of an EventType constant")
	}
	id, ok := ret.Results[0].(*ast.Ident)
	if !ok {
		return "", fmt.Errorf("must return an EventType constant by name")
	}
	return id.Name, nil
}

func (m *pkgModel) structModel(fset *token.FileSet, ts *ast.TypeSpec, docs map[string]string, structs map[string]*ast.TypeSpec, depth int) (*structModel, error) {
	if depth > 4 {
		return nil, fmt.Errorf("%s: structs nested too deep", fset.Position(ts.Pos()))
	}
	s := &structModel{name: ts.Name.Name, doc: docs[ts.Name.Name]}
	keys := map[string]bool{}
	for _, f := range ts.Type.(*ast.StructType).Fields.List {
		pos := fset.Position(f.Pos())
		if len(f.Names) != 1 {
			return nil, fmt.Errorf("%s: %s: declare one field per line, with a name", pos, s.name)
		}
		fm := &fieldModel{name: f.Names[0].Name, key: f.Names[0].Name, goType: exprString(f.Type)}
		if !ast.IsExported(fm.name) {
			return nil, fmt.Errorf("%s: %s.%s: payload fields must be exported", pos, s.name, fm.name)
		}
		doc := f.Doc
		if doc == nil {
			doc = f.Comment
		}
		fm.doc = docText(doc)
		if fm.doc == "" {
			return nil, fmt.Errorf("%s: %s.%s has no doc comment", pos, s.name, fm.name)
		}
		var tag reflect.StructTag
		if f.Tag != nil {
			raw, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: %s.%s: bad tag: %w", pos, s.name, fm.name, err)
			}
			tag = reflect.StructTag(raw)
		}
		if j, ok := tag.Lookup("json"); ok {
			name, opts, _ := strings.Cut(j, ",")
			if opts != "" || name == "-" {
				return nil, fmt.Errorf("%s: %s.%s: json tag options are not supported; the wire has every field", pos, s.name, fm.name)
			}
			if name != "" {
				fm.key = name
			}
		}
		for _, c := range fm.key {
			if c >= 0x80 || !(c == '_' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return nil, fmt.Errorf("%s: %s.%s: wire key %q must be ASCII letters, digits and '_'", pos, s.name, fm.name, fm.key)
			}
		}
		if keys[strings.ToUpper(fm.key)] {
			return nil, fmt.Errorf("%s: %s.%s: wire key %q is used twice (keys match without regard to case)", pos, s.name, fm.name, fm.key)
		}
		keys[strings.ToUpper(fm.key)] = true
		if err := m.fieldKind(fm, fset, docs, structs, depth); err != nil {
			return nil, fmt.Errorf("%s: %s.%s: %w", pos, s.name, fm.name, err)
		}
		if err := parseRules(fm, tag.Get("events")); err != nil {
			return nil, fmt.Errorf("%s: %s.%s: %w", pos, s.name, fm.name, err)
		}
		if fm.subject {
			// Only a payload's own field is its subject; one in a nested
			// struct would be described as the subject but never used.
			if depth > 0 {
				return nil, fmt.Errorf("%s: %s.%s: events:\"subject\" belongs on a field of the payload itself, not of a nested struct", pos, s.name, fm.name)
			}
			if s.subject != nil {
				return nil, fmt.Errorf("%s: %s.%s: a payload has one subject, and %s is already it", pos, s.name, fm.name, s.subject.name)
			}
			s.subject = fm
		}
		s.fields = append(s.fields, fm)
	}
	for _, f := range s.fields {
		if f.maxField == "" {
			continue
		}
		sib := s.field(f.maxField)
		if sib == nil || sib.kind != f.kind {
			return nil, fmt.Errorf("%s.%s: max=%s names no sibling of the same type", s.name, f.name, f.maxField)
		}
	}
	return s, nil
}

func (s *structModel) field(name string) *fieldModel {
	for _, f := range s.fields {
		if f.name == name {
			return f
		}
	}
	return nil
}

func (m *pkgModel) fieldKind(fm *fieldModel, fset *token.FileSet, docs map[string]string, structs map[string]*ast.TypeSpec, depth int) error {
	switch fm.goType {
	case "string":
		fm.kind = kindString
	case "bool":
		fm.kind = kindBool
	case "int64", "time.Duration":
		fm.kind = kindInt
	case "float64":
		fm.kind = kindFloat
	case "time.Time":
		fm.kind = kindTime
	case "map[string]string":
		fm.kind = kindStringMap
	default:
		if e := m.enums[fm.goType]; e != nil && fm.goType != "EventType" {
			fm.kind, fm.enum = kindString, e
			return nil
		}
		if ts := structs[fm.goType]; ts != nil {
			n, err := m.structModel(fset, ts, docs, structs, depth+1)
			if err != nil {
				return err
			}
			fm.kind, fm.nested = kindStruct, n
			return nil
		}
		return fmt.Errorf("type %s is not supported (string, bool, int64, float64, time.Duration, time.Time, map[string]string, a named string type with constants, or a struct of payloads.go)", fm.goType)
	}
	return nil
}

// parseRules reads the "events" struct tag.
func parseRules(fm *fieldModel, tag string) error {
	if tag == "" {
		return nil
	}
	for _, rule := range strings.Split(tag, ",") {
		name, arg, hasArg := strings.Cut(rule, "=")
		numeric := fm.kind == kindInt || fm.kind == kindFloat
		switch {
		case name == "required" && !hasArg && (fm.kind == kindString || fm.kind == kindTime):
			fm.required = true
		case name == "subject" && !hasArg && fm.kind == kindString:
			fm.subject = true
		case name == "hostport" && !hasArg && fm.kind == kindString && fm.enum == nil:
			fm.hostport = true
		case name == "min" && hasArg && numeric:
			if _, err := strconv.ParseFloat(arg, 64); err != nil {
				return fmt.Errorf("min=%s is not a number", arg)
			}
			if fm.kind == kindInt {
				if _, err := strconv.ParseInt(arg, 10, 64); err != nil {
					return fmt.Errorf("min=%s is not an integer", arg)
				}
			}
			fm.min = arg
		case name == "max" && hasArg && numeric:
			if _, err := strconv.ParseFloat(arg, 64); err != nil {
				if !token.IsIdentifier(arg) {
					return fmt.Errorf("max=%s is neither a number nor a field", arg)
				}
				fm.maxField = arg
				continue
			}
			if fm.kind == kindInt {
				if _, err := strconv.ParseInt(arg, 10, 64); err != nil {
					return fmt.Errorf("max=%s is not an integer", arg)
				}
			}
			fm.max = arg
		case name == "unit" && hasArg && numeric && arg != "":
			fm.unit = arg
		default:
			return fmt.Errorf("events tag: rule %q does not apply to a field of type %s", rule, fm.goType)
		}
	}
	if fm.hostport {
		fm.required = true
	}
	return nil
}

// docText returns a doc comment as one paragraph of plain text: doc
// links such as [Event].ID lose their brackets.
func docText(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	text := strings.Join(strings.Fields(g.Text()), " ")
	return docLink.ReplaceAllString(text, "$1")
}

var docLink = regexp.MustCompile(`\[([A-Za-z_][A-Za-z0-9_.]*)\]`)

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	}
	return fmt.Sprintf("%T", e)
}
