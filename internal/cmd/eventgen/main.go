// Command eventgen derives everything that follows from the payload
// structs in payloads.go: their JSON encoders and decoders, their
// validation, their Subject methods, the table of event types and the
// JSON Schemas under schemas/. It is run by go generate in the events
// package directory:
//
//	go generate ./...
//
// A payload is a struct type of payloads.go with an EventType method that
// returns one of the EventType constants. Its fields, in order, are its
// wire keys (the field name, or the name of a json tag); a field's doc
// comment is its description, and its "events" struct tag its rules:
//
//	required    must not be empty (a string), zero (a time), or absent
//	subject     the field is the event's subject (one per payload, and
//	            not in a nested struct)
//	hostport    a host:port address with a port from 1 to 65535
//	min=N       a number at least N
//	max=N       a number at most N; max=Field: at most the sibling Field
//	unit=U      the unit of a number, for docs, schemas and messages
//
// A field of a named string type with constants (such as Severity) must
// be one of them. Every string must be valid UTF-8, every float finite,
// every time in years 0000–9999, and every map key not empty.
//
// The field types understood are string, bool, int64, float64,
// time.Duration, time.Time, map[string]string, a named string type and a
// struct type of the same file (nested). Anything else is an error, so
// a payload cannot silently lose a field.
//
// Flags: -dir is the package directory (default "."); -out writes the
// generated files under another directory, for the staleness check.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "directory of the events package")
	out := flag.String("out", "", "directory to write to (default: -dir)")
	flag.Parse()
	if *out == "" {
		*out = *dir
	}
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "eventgen:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	pkg, err := load(dir)
	if err != nil {
		return err
	}
	files, err := generate(pkg)
	if err != nil {
		return err
	}
	for _, f := range files {
		path := filepath.Join(out, f.name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// file is one generated file, its name relative to the package directory.
type file struct {
	name string
	data []byte
}

func generate(pkg *pkgModel) ([]file, error) {
	var files []file
	for _, g := range []struct {
		name string
		gen  func(*pkgModel) ([]byte, error)
	}{
		{"zz_generated_codec.go", genCodec},
		{"zz_generated_validate.go", genValidate},
		{"zz_generated_table.go", genTable},
	} {
		data, err := g.gen(pkg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", g.name, err)
		}
		files = append(files, file{g.name, data})
	}
	schemas, err := genSchemas(pkg)
	if err != nil {
		return nil, err
	}
	return append(files, schemas...), nil
}
