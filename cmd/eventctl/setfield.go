package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var (
	durationType = reflect.TypeOf(time.Duration(0))
	timeType     = reflect.TypeOf(time.Time{})
)

// payloadTree is a payload being built as JSON values, before the events
// package decodes and checks it.
type payloadTree = map[string]any

// parsePayloadJSON reads --payload's JSON object, keeping numbers as
// written.
func parsePayloadJSON(data []byte) (payloadTree, error) {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("is not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree payloadTree
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("is not a JSON object: %w", err)
	}
	if tree == nil {
		return nil, fmt.Errorf("is not a JSON object")
	}
	if dec.More() {
		return nil, fmt.Errorf("has data after its JSON object")
	}
	return tree, nil
}

// checkKeys refuses members of tree that no field of t takes, even by the
// case-insensitive match the events package reads keys with: readers
// ignore unknown keys, so a misspelt key would vanish silently.
func checkKeys(tree payloadTree, t reflect.Type, path string) error {
	for k, v := range tree {
		f, ok := fieldByName(t, k)
		if !ok {
			return fmt.Errorf("%s has no field %q (fields: %s)", describe(t, path), k, fieldNames(t))
		}
		if sub, isObj := v.(map[string]any); isObj && f.Type.Kind() == reflect.Struct && f.Type != timeType {
			if err := checkKeys(sub, f.Type, join(path, f.Name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// setField sets path (Go field names joined by dots, such as
// "Summary.P99Ms"; for a map field the rest of the path is the key, as in
// "Tags.region") to value in tree, converting it to the JSON the field's
// Go type has on the wire: a duration such as 90s becomes nanoseconds, a
// time is RFC 3339 (or "now"), numbers and booleans are JSON literals.
func setField(tree payloadTree, t reflect.Type, path, value string) error {
	parts := strings.Split(path, ".")
	node := tree
	typ := t
	done := ""
	for i, name := range parts {
		f, ok := fieldByName(typ, name)
		if !ok {
			return fmt.Errorf("%s has no field %q (fields: %s)", describe(typ, done), name, fieldNames(typ))
		}
		done = join(done, f.Name)
		last := i == len(parts)-1
		switch {
		case f.Type.Kind() == reflect.Map && !last:
			key := strings.Join(parts[i+1:], ".")
			m, _ := node[f.Name].(map[string]any)
			if m == nil {
				m = map[string]any{}
				node[f.Name] = m
			}
			m[key] = value
			return nil
		case last:
			v, err := wireValue(f.Type, value)
			if err != nil {
				return fmt.Errorf("%s: %w", done, err)
			}
			node[f.Name] = v
			return nil
		case f.Type.Kind() == reflect.Struct && f.Type != timeType:
			sub, _ := node[f.Name].(map[string]any)
			if sub == nil {
				sub = map[string]any{}
				node[f.Name] = sub
			}
			node, typ = sub, f.Type
		default:
			return fmt.Errorf("%s is a %s, not a struct or map: nothing to set below it", done, f.Type)
		}
	}
	return nil
}

// wireValue converts value, as typed on the command line, to the JSON
// value of a field of type t.
func wireValue(t reflect.Type, value string) (any, error) {
	switch {
	case t == durationType:
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return n, nil
		}
		d, err := time.ParseDuration(value)
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration such as 90s or 1m30s", value)
		}
		return int64(d), nil
	case t == timeType:
		if value == "now" {
			return time.Now().UTC().Format(time.RFC3339Nano), nil
		}
		ts, err := time.Parse(time.RFC3339Nano, value)
		if err != nil {
			return nil, fmt.Errorf("%q is not an RFC 3339 time such as 2026-05-01T12:00:00Z, or now", value)
		}
		return ts.UTC().Format(time.RFC3339Nano), nil
	}
	switch t.Kind() {
	case reflect.String:
		return value, nil
	case reflect.Bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return nil, fmt.Errorf("%q is not true or false", value)
		}
		return b, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(value, 10, t.Bits())
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", value)
		}
		return n, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(value, 10, t.Bits())
		if err != nil {
			return nil, fmt.Errorf("%q is not a non-negative integer", value)
		}
		return n, nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("%q is not a finite number", value)
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	case reflect.Map, reflect.Struct, reflect.Slice:
		var v any
		dec := json.NewDecoder(strings.NewReader(value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%q is not JSON, as a %s needs", value, t.Kind())
		}
		return v, nil
	}
	return nil, fmt.Errorf("cannot be set from the command line (a %s)", t)
}

// fieldByName finds the exported field of struct t named name, exactly or,
// as the events package reads keys, ignoring case.
func fieldByName(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	if f, ok := t.FieldByName(name); ok && f.IsExported() {
		return f, true
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// fieldNames lists the exported fields of t for messages.
func fieldNames(t reflect.Type) string {
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}

// describe names a struct in messages: the payload type, or its field.
func describe(t reflect.Type, path string) string {
	if path == "" {
		return t.Name()
	}
	return path + " (" + t.Name() + ")"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// jsonMarshal writes a payload tree as JSON.
func jsonMarshal(tree payloadTree) ([]byte, error) { return json.Marshal(tree) }
