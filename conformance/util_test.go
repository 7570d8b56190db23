package conformance

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func glob(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files match %s: %v", pattern, err)
	}
	return files
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func derefPayload(p any) any {
	return reflectElem(p)
}

func reflectElem(p any) any { return reflect.ValueOf(p).Elem().Interface() }

func equalPayload(a, b any) bool { return reflect.DeepEqual(a, b) }
