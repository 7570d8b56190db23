package goapi

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// Lines describes the exported API of pkg, one sorted line per identifier,
// in the spirit of the Go project's api/go1.*.txt files:
//
//	pkg events, const EventTypeRunCompleted EventType = "run.completed"
//	pkg events, func New[P Payload](string, P, ...Option) (Event, error)
//	pkg events, method (*Router) Types() []EventType
//	pkg events, type Event struct
//	pkg events, type Event struct, ID string
//	pkg events, type Handler interface, HandleEvent(context.Context, Event) error
//	pkg events, var ErrInvalidEvent error
//
// A type is written with package names, not paths; parameter names are
// left out (renaming one breaks no caller), constant values are kept (they
// are on the wire).
func Lines(pkg *types.Package) []string {
	w := apiWriter{pkg: pkg, prefix: "pkg " + pkg.Name() + ", "}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch obj := obj.(type) {
		case *types.Const:
			w.add("const %s %s = %s", name, w.typ(obj.Type()), obj.Val().ExactString())
		case *types.Var:
			w.add("var %s %s", name, w.typ(obj.Type()))
		case *types.Func:
			sig := obj.Type().(*types.Signature)
			w.add("func %s%s%s", name, w.typeParams(sig.TypeParams()), w.signature(sig))
		case *types.TypeName:
			w.typeName(obj)
		}
	}
	slices.Sort(w.lines)
	return slices.Compact(w.lines)
}

type apiWriter struct {
	pkg    *types.Package
	prefix string
	lines  []string
}

func (w *apiWriter) add(format string, args ...any) {
	w.lines = append(w.lines, w.prefix+fmt.Sprintf(format, args...))
}

// typ writes t with package names as qualifiers, this package's
// unqualified, and function types without parameter names.
func (w *apiWriter) typ(t types.Type) string {
	switch t := t.(type) {
	case *types.Signature:
		return "func" + w.signature(t)
	case *types.Pointer:
		return "*" + w.typ(t.Elem())
	case *types.Slice:
		return "[]" + w.typ(t.Elem())
	case *types.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), w.typ(t.Elem()))
	case *types.Map:
		return "map[" + w.typ(t.Key()) + "]" + w.typ(t.Elem())
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			return "chan<- " + w.typ(t.Elem())
		case types.RecvOnly:
			return "<-chan " + w.typ(t.Elem())
		}
		return "chan " + w.typ(t.Elem())
	}
	return types.TypeString(t, func(p *types.Package) string {
		if p == w.pkg {
			return ""
		}
		return p.Name()
	})
}

func (w *apiWriter) typeName(obj *types.TypeName) {
	name := obj.Name()
	if obj.IsAlias() {
		w.add("type %s = %s", name, w.typ(types.Unalias(obj.Type())))
		return
	}
	named, ok := obj.Type().(*types.Named)
	if !ok {
		return
	}
	head := name + w.typeParams(named.TypeParams())
	switch u := named.Underlying().(type) {
	case *types.Struct:
		w.add("type %s struct", head)
		for i := range u.NumFields() {
			f := u.Field(i)
			switch {
			case !f.Exported():
			case f.Embedded():
				w.add("type %s struct, embedded %s", head, w.typ(f.Type()))
			default:
				w.add("type %s struct, %s %s", head, f.Name(), w.typ(f.Type()))
			}
		}
	case *types.Interface:
		var methods []string
		for i := range u.NumMethods() {
			m := u.Method(i)
			if m.Exported() {
				methods = append(methods, m.Name())
				w.add("type %s interface, %s%s", head, m.Name(), w.signature(m.Type().(*types.Signature)))
			} else {
				methods = append(methods, "unexported methods")
			}
		}
		slices.Sort(methods)
		w.add("type %s interface { %s }", head, strings.Join(slices.Compact(methods), ", "))
	default:
		w.add("type %s %s", head, w.typ(u))
	}
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := name
		if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
			recv = "*" + name
		}
		w.add("method (%s) %s%s", recv, m.Name(), w.signature(sig))
	}
}

// typeParams writes [P constraint, ...], or nothing.
func (w *apiWriter) typeParams(tps *types.TypeParamList) string {
	if tps.Len() == 0 {
		return ""
	}
	parts := make([]string, tps.Len())
	for i := range tps.Len() {
		tp := tps.At(i)
		parts[i] = tp.Obj().Name() + " " + w.typ(tp.Constraint())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// signature writes (params) results without parameter names.
func (w *apiWriter) signature(sig *types.Signature) string {
	params := w.tuple(sig.Params(), sig.Variadic())
	results := w.tuple(sig.Results(), false)
	switch sig.Results().Len() {
	case 0:
		return "(" + params + ")"
	case 1:
		return "(" + params + ") " + results
	default:
		return "(" + params + ") (" + results + ")"
	}
}

func (w *apiWriter) tuple(t *types.Tuple, variadic bool) string {
	parts := make([]string, t.Len())
	for i := range t.Len() {
		typ := t.At(i).Type()
		if variadic && i == t.Len()-1 {
			parts[i] = "..." + w.typ(typ.(*types.Slice).Elem())
			continue
		}
		parts[i] = w.typ(typ)
	}
	return strings.Join(parts, ", ")
}

// Diff compares the API lines of a baseline with the current ones (both
// sorted): removed holds the baseline lines no longer present (an
// identifier removed or changed, which breaks importers), added the
// current lines the baseline does not list.
func Diff(baseline, current []string) (removed, added []string) {
	i, j := 0, 0
	for i < len(baseline) || j < len(current) {
		switch {
		case j == len(current) || (i < len(baseline) && baseline[i] < current[j]):
			removed = append(removed, baseline[i])
			i++
		case i == len(baseline) || current[j] < baseline[i]:
			added = append(added, current[j])
			j++
		default:
			i++
			j++
		}
	}
	return removed, added
}
