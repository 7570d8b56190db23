package jsonwire

import (
	"testing"
)

// TestAtFunctions checks the At functions on what they take and on the
// near misses they must leave to the Reader.
func TestAtFunctions(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // StrAt's contents, or "" when it refuses
		ok   bool
	}{
		{`"plain"`, "plain", true},
		{`""`, "", true},
		{`"a longer string, past one word"x`, "a longer string, past one word", true},
		{`"é😀"`, "é😀", true},
		{`"esc\"aped"`, "", false},
		{`"tab` + "\t" + `"`, "", false},
		{`"bad ` + "\xff" + `"`, "", false},
		{`"unclosed`, "", false},
		{`x"`, "", false},
		{``, "", false},
	} {
		s, end, ok := StrAt([]byte(tt.in), 0)
		if ok != tt.ok || string(s) != tt.want || (ok && end != len(tt.want)+2) { // without escapes, the contents and two quotes
			t.Errorf("StrAt(%q) = %q, %d, %v; want %q, %v", tt.in, s, end, ok, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		in    string
		v, ok bool
		end   int
	}{
		{"true,", true, true, 4}, {"false}", false, true, 5}, {"tru", false, false, 0}, {"null", false, false, 0}, {"", false, false, 0},
	} {
		v, end, ok := BoolAt([]byte(tt.in), 0)
		if v != tt.v || ok != tt.ok || (ok && end != tt.end) {
			t.Errorf("BoolAt(%q) = %v, %d, %v", tt.in, v, end, ok)
		}
	}
	if end, ok := LitAt([]byte(`{"a":1`), 1, `"a":`); !ok || end != 5 {
		t.Errorf("LitAt inside = %d, %v", end, ok)
	}
	if _, ok := LitAt([]byte(`{"a"`), 1, `"a":`); ok {
		t.Error("LitAt past the end of its input says ok")
	}
	for _, tt := range []struct {
		in  string
		end int
		ok  bool
	}{
		{`{"a":[1,"x"]},`, 13, true}, {`{"a":1,}`, 0, false}, {`[1 2]`, 0, false}, {`{"a":"\ud800"}`, 14, true},
	} {
		end, ok := SkipAt([]byte(tt.in), 0)
		if ok != tt.ok || (ok && end != tt.end) {
			t.Errorf("SkipAt(%q) = %d, %v; want %d, %v", tt.in, end, ok, tt.end, tt.ok)
		}
	}
}
