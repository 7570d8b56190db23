package jsonwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// eof is the Detail of an input that ends too soon. encoding/json says
// "unexpected end of JSON input"; this is the one message worded
// differently on purpose (the events package shows it in its own errors).
const eof = "unexpected end of input"

// readerErrorCases are malformed inputs with the error the Reader reports:
// the offset of the offending byte and the detail. Besides the table's
// verdict, TestReaderErrors checks each against encoding/json's
// SyntaxError with checkAgainstJSON, which says how the two correspond.
// The short ones seed FuzzReader.
var readerErrorCases = []struct {
	name   string
	data   string
	off    int
	detail string
}{
	{"empty", ``, 0, eof},
	{"white space only", " \n\t", 3, eof},
	{"value missing in object", `{"a":}`, 5, "invalid character '}' looking for beginning of value"},
	{"colon missing", `{"a" 1}`, 5, "invalid character '1' after object key"},
	{"trailing comma in array", `[1,]`, 3, "invalid character ']' looking for beginning of value"},
	{"trailing comma in object", `{"a":1,}`, 7, "invalid character '}' looking for beginning of object key string"},
	{"comma first in object", `{,}`, 1, "invalid character ',' looking for beginning of object key string"},
	{"unquoted key", `{a:1}`, 1, "invalid character 'a' looking for beginning of object key string"},
	{"number as key", `{1:1}`, 1, "invalid character '1' looking for beginning of object key string"},
	{"comma missing in object", `{"a":1 "b":2}`, 7, `invalid character '"' after object key:value pair`},
	{"comma missing in array", `[1 2]`, 3, "invalid character '2' after array element"},
	{"array closed by brace", `[1}`, 2, "invalid character '}' after array element"},
	{"object closed by bracket", `{"a":1]`, 6, "invalid character ']' after object key:value pair"},
	{"unknown escape", `"\x"`, 2, "invalid character 'x' in string escape code"},
	{"short \\u escape", `"\u12"`, 5, `invalid character '"' in \u hexadecimal character escape`},
	{"non-hex digit in \\u escape", `"\u00g0"`, 5, `invalid character 'g' in \u hexadecimal character escape`},
	{"truncated \\u escape", `"\u12`, 5, eof},
	{"truncated after backslash", `"\`, 2, eof},
	{"truncated string", `{"a":"b`, 7, eof},
	{"truncated long string", `"0123456789abcdef`, 17, eof},
	{"truncated object", `{"a":1`, 6, eof},
	{"truncated after key", `{"a"`, 4, eof},
	{"truncated after colon", `{"a":`, 5, eof},
	{"truncated array", `[1,`, 3, eof},
	{"open brace only", `{`, 1, eof},
	{"newline in string", "\"a\nb\"", 2, `invalid character '\n' in string literal`},
	{"tab in string", "\"\t\"", 1, `invalid character '\t' in string literal`},
	{"NUL in string", "\"\x00\"", 1, `invalid character '\x00' in string literal`},
	{"control character past eight plain bytes", "\"0123456789\x1f\"", 11, `invalid character '\x1f' in string literal`},
	{"invalid UTF-8 in string", "\"a\xffb\"", 2, "invalid UTF-8"},
	{"truncated UTF-8 in value", "{\"a\":\"é\xc3\"}", 8, "invalid UTF-8"},
	{"invalid UTF-8 in key", "{\"\xff\":1}", 2, "invalid UTF-8"},
	{"UTF-8 of a surrogate", "\"\xed\xa0\x80\"", 1, "invalid UTF-8"},
	{"invalid UTF-8 past eight plain bytes", "\"0123456789\xff\"", 11, "invalid UTF-8"},
	{"invalid UTF-8 before a syntax error", "[\"\xff\", }", 2, "invalid UTF-8"},
	{"syntax error before invalid UTF-8", "[1 \"\xff\"]", 3, `invalid character '"' after array element`},
	{"invalid UTF-8 outside strings", "\xff", 0, "invalid character 'ÿ' looking for beginning of value"},
	{"non-ASCII outside strings", "é", 0, "invalid character 'Ã' looking for beginning of value"},
	{"backslash outside strings", `\`, 0, `invalid character '\\' looking for beginning of value`},
	{"single quotes", `'a'`, 0, `invalid character '\'' looking for beginning of value`},
	{"DEL", "\x7f", 0, `invalid character '\x7f' looking for beginning of value`},
	{"NUL", "\x00", 0, `invalid character '\x00' looking for beginning of value`},
	{"NaN", `NaN`, 0, "invalid character 'N' looking for beginning of value"},
	{"truncated true", `tru`, 3, eof},
	{"misspelt true", `trUe`, 2, "invalid character 'U' in literal true (expecting 'u')"},
	{"misspelt false", `falsy`, 4, "invalid character 'y' in literal false (expecting 'e')"},
	{"misspelt null", `nulL`, 3, "invalid character 'L' in literal null (expecting 'l')"},
	{"misspelt null in array", `[nil]`, 2, "invalid character 'i' in literal null (expecting 'u')"},
	{"minus only", `-`, 1, eof},
	{"minus letter", `-a`, 1, "invalid character 'a' in numeric literal"},
	{"leading zero", `01`, 1, "invalid character '1' after top-level value"},
	{"leading zero in array", `[01]`, 2, "invalid character '1' after array element"},
	{"dot without digits", `1.`, 2, eof},
	{"dot then exponent", `1.e5`, 2, "invalid character 'e' after decimal point in numeric literal"},
	{"exponent without digits", `1e`, 2, eof},
	{"exponent sign without digits", `1e+`, 3, eof},
	{"letter in exponent", `1e+x`, 3, "invalid character 'x' in exponent of numeric literal"},
	{"empty exponent in object", `{"a":2E}`, 7, "invalid character '}' in exponent of numeric literal"},
	{"leading dot", `.5`, 0, "invalid character '.' looking for beginning of value"},
	{"plus sign", `+1`, 0, "invalid character '+' looking for beginning of value"},
	{"two values", `1 2`, 2, "invalid character '2' after top-level value"},
	{"two objects", `{}{}`, 2, "invalid character '{' after top-level value"},
	{"NUL after a number", "1\x00", 1, `invalid character '\x00' after top-level value`},
	{"NUL after an object", "{}\x00", 2, `invalid character '\x00' after top-level value`},
	{"NUL after white space", "{} \x00", 3, `invalid character '\x00' after top-level value`},
	{"error 40 deep", strings.Repeat("[", 40) + "1,]", 42, "invalid character ']' looking for beginning of value"},
	{"error in an object 40 deep", `{"k":` + strings.Repeat("[", 39) + `{"a" 1}`, 49, "invalid character '1' after object key"},
	{"array too deep", strings.Repeat("[", MaxDepth+1), MaxDepth, "exceeded max depth"},
	{"object too deep", strings.Repeat(`{"a":`, MaxDepth+1), 5 * MaxDepth, "exceeded max depth"},
	{"mixed too deep", strings.Repeat(`[{"a":`, MaxDepth/2) + "[", 3 * MaxDepth, "exceeded max depth"},
}

func TestReaderErrors(t *testing.T) {
	for _, tt := range readerErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			err := readAll(data)
			want := &Error{Off: tt.off, Detail: tt.detail}
			if err == nil || *err != *want {
				t.Fatalf("reading %.40q: error %+v, want %+v", data, err, want)
			}
			if got := Kind(data); got != "invalid JSON" {
				t.Errorf("Kind(%.40q) = %q", data, got)
			}
			if r := NewReader(data); r.Peek() == '{' {
				if _, _, _, werr := walkObject(data); !sameError(werr, err) {
					t.Errorf("walking %.40q with Object, Key, Skip and More: error %+v, want %+v", data, werr, err)
				}
			}
			checkAgainstJSON(t, data, err)
		})
	}
}

// checkAgainstJSON checks err, the Reader's verdict on data, against
// encoding/json's (a *json.SyntaxError or nil). They correspond so:
//
//   - Both accept data, and then it is valid UTF-8 (valid JSON is ASCII
//     outside its strings).
//   - The Reader refuses invalid UTF-8 in a string ("invalid UTF-8", at
//     the first bad byte), which encoding/json takes; if encoding/json
//     refuses data, it is for a later byte.
//   - At the end of the input, both report the offset len(data); the
//     Reader says "unexpected end of input", encoding/json "unexpected
//     end of JSON input" or, when the input ends inside a literal, a
//     number or an escape, what it would say of a space there ("invalid
//     character ' ' in numeric literal" for "1e"): it feeds its scanner
//     a space at the end.
//   - Beyond MaxDepth the Reader says "exceeded max depth",
//     encoding/json "invalid character '[' exceeded max depth".
//   - Otherwise the messages are the same, but Error.Off is the offset of
//     the offending byte and SyntaxError.Offset the number of bytes read
//     with it, one more.
func checkAgainstJSON(t *testing.T, data []byte, err *Error) {
	t.Helper()
	var jerr *json.SyntaxError
	if e := json.Unmarshal(data, new(json.RawMessage)); e != nil && !errors.As(e, &jerr) {
		t.Fatalf("encoding/json's error for %.40q is not a *json.SyntaxError: %v", data, e)
	}
	const jsonEOF = "unexpected end of JSON input"
	switch {
	case err == nil:
		if jerr != nil {
			t.Fatalf("the Reader accepts %.40q, encoding/json refuses it: %v", data, jerr)
		}
		if !utf8.Valid(data) {
			t.Fatalf("the Reader accepts %.40q, which is not valid UTF-8", data)
		}
	case err.Detail == DetailInvalidUTF8:
		if first := firstInvalidUTF8(data); first != err.Off {
			t.Fatalf("the Reader reports invalid UTF-8 at %d in %.40q, the first is at %d", err.Off, data, first)
		}
		if jerr != nil {
			pos := int(jerr.Offset) - 1
			if jerr.Error() == jsonEOF {
				pos = int(jerr.Offset)
			}
			if pos <= err.Off {
				t.Fatalf("in %.40q, encoding/json finds an error before the Reader's invalid UTF-8 at %d: %v at offset %d", data, err.Off, jerr, jerr.Offset)
			}
		}
	case jerr == nil:
		t.Fatalf("the Reader refuses %.40q (%+v), encoding/json accepts it", data, err)
	case err.Detail == eof:
		msg := jerr.Error()
		if msg != jsonEOF && !strings.HasPrefix(msg, "invalid character ' ' ") || int(jerr.Offset) != len(data) || err.Off != len(data) {
			t.Fatalf("for %.40q the Reader reports %+v, encoding/json %q at offset %d", data, err, jerr, jerr.Offset)
		}
	case err.Detail == "exceeded max depth":
		if jerr.Error() != "invalid character "+QuoteChar(data[err.Off])+" exceeded max depth" || int(jerr.Offset) != err.Off+1 {
			t.Fatalf("for %.40q the Reader reports %+v, encoding/json %q at offset %d (one past the byte)", data, err, jerr, jerr.Offset)
		}
	default:
		if jerr.Error() != err.Detail || int(jerr.Offset) != err.Off+1 {
			t.Fatalf("for %.40q the Reader reports %+v, encoding/json %q at offset %d (one past the byte)", data, err, jerr, jerr.Offset)
		}
	}
}

// readAll reads data as Kind does, returning the Reader's error.
func readAll(data []byte) *Error {
	r := NewReader(data)
	r.Skip()
	r.End()
	return r.Err
}

// walkObject reads data as one object with Object, Key, Skip and More,
// returning its keys (unescaped), the keys' offsets and the raw values.
func walkObject(data []byte) (keys []string, offs []int, vals []string, err *Error) {
	r := NewReader(data)
	for more := r.Object(); more; more = r.More() {
		key, off, ok := r.Key()
		if !ok {
			break
		}
		keys, offs = append(keys, string(key)), append(offs, off)
		v := r.Skip()
		if v == nil {
			break
		}
		vals = append(vals, string(v))
	}
	r.End()
	return keys, offs, vals, r.Err
}

// jsonWalkObject reads the object data with a json.Decoder: Token for
// the keys, Decode into json.RawMessage for the values.
func jsonWalkObject(t *testing.T, data []byte) (keys, vals []string) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("json.Decoder on %.40q: %v, %v", data, tok, err)
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			t.Fatalf("json.Decoder on %.40q: key %v, %v", data, tok, err)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("json.Decoder on %.40q: value of %q: %v", data, key, err)
		}
		keys, vals = append(keys, key), append(vals, string(raw))
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		t.Fatalf("json.Decoder on %.40q: %v, %v", data, tok, err)
	}
	return keys, vals
}

func sameError(a, b *Error) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

func TestReaderMaxDepth(t *testing.T) {
	for _, tt := range []struct {
		name, data, kind string
	}{
		{"arrays", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), "array"},
		{"objects", strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth), "object"},
		{"mixed", strings.Repeat(`[{"a":`, MaxDepth/2) + "1" + strings.Repeat("}]", MaxDepth/2), "array"},
		{"arrays in sequence", strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth-1) + ",[]]", "array"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if got := Kind(data); got != tt.kind {
				t.Errorf("Kind of %s nested MaxDepth deep = %q, want %q (error %+v)", tt.name, got, tt.kind, readAll(data))
			}
			checkAgainstJSON(t, data, readAll(data))
		})
	}
}

// readerStrCases are JSON string literals with what Str returns, which
// is also what json.Unmarshal into a string gives. They seed FuzzReader.
var readerStrCases = func() []struct{ name, data, want string } {
	cases := []struct{ name, data, want string }{
		{"raw UTF-8", `"é日本🎉"`, "é日本🎉"},
		{"raw U+FFFD", "\"\ufffd\"", "\ufffd"},
		{"raw separators", "\"\u2028\u2029\"", "\u2028\u2029"},
		{"DEL", "\"\x7f\"", "\x7f"},
		{"longer than eight bytes", `"0123456789abcdef0123456789"`, "0123456789abcdef0123456789"},
		{"escape past eight plain bytes", `"0123456789abcdef\"0123456789"`, "0123456789abcdef\"0123456789"},
		{"UTF-8 past eight plain bytes", `"0123456789abcdefé"`, "0123456789abcdefé"},
	}
	for _, u := range unescapeCases {
		cases = append(cases, struct{ name, data, want string }{u.name, `"` + u.inner + `"`, u.want})
	}
	return cases
}()

func TestReaderStr(t *testing.T) {
	for _, tt := range readerStrCases {
		t.Run(tt.name, func(t *testing.T) {
			for _, data := range []string{tt.data, " \t" + tt.data + "\r\n"} {
				got, err := readStr([]byte(data))
				if err != nil || string(got) != tt.want {
					t.Errorf("Str of %q = %q, %+v, want %q", data, got, err, tt.want)
				}
				var viaJSON string
				if err := json.Unmarshal([]byte(data), &viaJSON); err != nil || viaJSON != tt.want {
					t.Errorf("encoding/json unmarshals %q to %q, %v; the table says %q", data, viaJSON, err, tt.want)
				}
				r := NewReader([]byte(data))
				if raw, ok := r.RawStr(); !ok || string(raw) != tt.data || !r.End() {
					t.Errorf("RawStr of %q = %q, %v, want %q", data, raw, ok, tt.data)
				}
			}
		})
	}
}

// readStr reads data as one string with Peek, Str and End.
func readStr(data []byte) ([]byte, *Error) {
	r := NewReader(data)
	r.Peek()
	s, ok := r.Str()
	if !ok || !r.End() {
		return nil, r.Err
	}
	return s, nil
}

// Without escapes, Str and Key return bytes of the input; with escapes,
// a copy.
func TestReaderStrShares(t *testing.T) {
	data := []byte(`{"key":"value","k\u0065y":"v\u0061lue"}`)
	r := NewReader(data)
	same := func(b []byte, off int) bool { return unsafe.SliceData(b) == &data[off] }
	if !r.Object() {
		t.Fatal(r.Err)
	}
	if k, off, ok := r.Key(); !ok || string(k) != "key" || off != 1 || !same(k, 2) {
		t.Errorf("Key = %q, %d, %v; want \"key\" at 1, in the input", k, off, ok)
	}
	r.Peek()
	if v, ok := r.Str(); !ok || string(v) != "value" || !same(v, 8) {
		t.Errorf("Str = %q, %v; want \"value\", in the input", v, ok)
	}
	if !r.More() {
		t.Fatal(r.Err)
	}
	k, off, ok := r.Key()
	if !ok || string(k) != "key" || off != 15 {
		t.Errorf("Key = %q, %d, %v; want \"key\" at 15", k, off, ok)
	}
	k[0] = 'K'
	r.Peek()
	if v, ok := r.Str(); !ok || string(v) != "value" {
		t.Errorf("Str = %q, %v; want \"value\"", v, ok)
	}
	if r.More() || !r.End() {
		t.Fatal(r.Err)
	}
	if string(data) != `{"key":"value","k\u0065y":"v\u0061lue"}` {
		t.Errorf("changing an unescaped key changed the input: %s", data)
	}
}

// walkCases are objects whose walk with Object, Key, Skip and More the
// tests check against a json.Decoder's. They seed FuzzReader.
var walkCases = []struct {
	name string
	data string
	keys []string
	offs []int
	vals []string
}{
	{"empty", `{}`, nil, nil, nil},
	{"empty with white space", " { \n } ", nil, nil, nil},
	{"one member", `{"a":1}`, []string{"a"}, []int{1}, []string{"1"}},
	{
		"every kind of value",
		`{"s":"x","n":-1.5e3,"t":true,"f":false,"z":null,"a":[1,[]],"o":{"k":{}}}`,
		[]string{"s", "n", "t", "f", "z", "a", "o"},
		[]int{1, 9, 20, 29, 39, 48, 59},
		[]string{`"x"`, `-1.5e3`, `true`, `false`, `null`, `[1,[]]`, `{"k":{}}`},
	},
	{
		"white space everywhere",
		" {\t\"a\" : [ 1 , { } ] ,\n\"b\"\r:\"c\" } ",
		[]string{"a", "b"},
		[]int{3, 23},
		[]string{`[ 1 , { } ]`, `"c"`},
	},
	{
		"escaped keys",
		`{"\u0041":1,"\"q\"":2,"\ud83c\udf89":3,"\ud83c":4,"a\/b":5}`,
		[]string{"A", `"q"`, "🎉", "\ufffd", "a/b"},
		[]int{1, 12, 22, 39, 50},
		[]string{"1", "2", "3", "4", "5"},
	},
	{"duplicate keys in order", `{"b":1,"a":2,"b":3}`, []string{"b", "a", "b"}, []int{1, 7, 13}, []string{"1", "2", "3"}},
	{"UTF-8 key", `{"ключ":"значение"}`, []string{"ключ"}, []int{1}, []string{`"значение"`}},
}

func TestReaderWalk(t *testing.T) {
	for _, tt := range walkCases {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			keys, offs, vals, err := walkObject(data)
			if err != nil {
				t.Fatalf("walking %s: %+v", data, err)
			}
			if !equal(keys, tt.keys) || !equal(offs, tt.offs) || !equal(vals, tt.vals) {
				t.Errorf("walking %s: keys %q at %v, values %q; want %q at %v, %q", data, keys, offs, vals, tt.keys, tt.offs, tt.vals)
			}
			if jkeys, jvals := jsonWalkObject(t, data); !equal(keys, jkeys) || !equal(vals, jvals) {
				t.Errorf("walking %s: keys %q, values %q; json.Decoder %q, %q", data, keys, vals, jkeys, jvals)
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReaderReads reads every kind of value with its own method.
func TestReaderReads(t *testing.T) {
	data := []byte(` { "s" : "x\ty" , "raw":"a\"b", "n" : -1.5e3 , "t" : true , "f":false, "z" : null, "o": {"k": [1, {}]} } `)
	r := NewReader(data)
	var got []string
	for more := r.Object(); more; more = r.More() {
		key, _, ok := r.Key()
		if !ok {
			break
		}
		if KindOf(r.Peek()) == "null" {
			if !r.Null() {
				t.Fatalf("Null at %d: false", r.Offset())
			}
			got = append(got, string(key)+"=null")
			continue
		}
		var v []byte
		switch string(key) {
		case "s":
			v, ok = r.Str()
		case "raw":
			v, ok = r.RawStr()
		case "n":
			if r.Null() {
				t.Fatal("Null consumed a number")
			}
			v, ok = r.Number()
		case "t", "f":
			var b bool
			b, ok = r.Bool()
			v = []byte(strconv.FormatBool(b))
		default:
			v = r.Skip()
			ok = v != nil
		}
		if !ok {
			break
		}
		got = append(got, string(key)+"="+string(v))
	}
	if !r.End() {
		t.Fatalf("reading %s: %+v", data, r.Err)
	}
	want := []string{"s=x\ty", `raw="a\"b"`, "n=-1.5e3", "t=true", "f=false", "z=null", `o={"k": [1, {}]}`}
	if !equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

// After an error every read fails at once, and Err stays the first error.
func TestReaderAfterError(t *testing.T) {
	data := []byte(`{"a":x, "b": "c"}`)
	r := NewReader(data)
	if !r.Object() {
		t.Fatal(r.Err)
	}
	if _, _, ok := r.Key(); !ok {
		t.Fatal(r.Err)
	}
	if r.Skip() != nil {
		t.Fatal("Skip of x succeeded")
	}
	first := *r.Err
	want := Error{Off: 5, Detail: "invalid character 'x' looking for beginning of value"}
	if first != want {
		t.Fatalf("error %+v, want %+v", first, want)
	}
	for _, tt := range []struct {
		name string
		read func() bool
	}{
		{"Peek", func() bool { return r.Peek() != 0 }},
		{"Object", func() bool { return r.Object() }},
		{"Key", func() bool { _, _, ok := r.Key(); return ok }},
		{"More", func() bool { return r.More() }},
		{"Skip", func() bool { return r.Skip() != nil }},
		{"Str", func() bool { _, ok := r.Str(); return ok }},
		{"RawStr", func() bool { _, ok := r.RawStr(); return ok }},
		{"Number", func() bool { _, ok := r.Number(); return ok }},
		{"Bool", func() bool { _, ok := r.Bool(); return ok }},
		{"Null", func() bool { return r.Null() }},
		{"End", func() bool { return r.End() }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.read() {
				t.Errorf("%s succeeded after an error", tt.name)
			}
			if *r.Err != first {
				t.Errorf("after %s, Err = %+v, want the first error %+v", tt.name, *r.Err, first)
			}
			if r.Offset() != len(data) {
				t.Errorf("after %s, Offset = %d, want %d", tt.name, r.Offset(), len(data))
			}
		})
	}
}

// The zero Reader reads an empty input.
func TestReaderZero(t *testing.T) {
	var r Reader
	if c := r.Peek(); c != 0 {
		t.Errorf("Peek = %q", c)
	}
	if !r.End() {
		t.Errorf("End = false: %+v", r.Err)
	}
	if v := r.Skip(); v != nil || r.Err == nil || *r.Err != (Error{Off: 0, Detail: eof}) {
		t.Errorf("Skip = %q, %+v; want nil, %q at 0", v, r.Err, eof)
	}
}

// Null reads nothing when the next value is not null.
func TestReaderNullOnlyNull(t *testing.T) {
	for _, data := range []string{` 1`, ` "null"`, ` {}`} {
		r := NewReader([]byte(data))
		if r.Null() || r.Err != nil || r.Offset() != 1 {
			t.Errorf("Null on %q: consumed to %d, %+v", data, r.Offset(), r.Err)
		}
	}
}

// FuzzReader holds the Reader to encoding/json on any input: Kind
// agrees with json.Valid and utf8.Valid, errors correspond as
// checkAgainstJSON says, a string reads as json.Unmarshal reads it, and
// an object's keys and values come in the order a json.Decoder gives.
func FuzzReader(f *testing.F) {
	for _, tt := range kindCases {
		f.Add([]byte(tt.data))
	}
	for _, tt := range readerErrorCases {
		if len(tt.data) <= 100 {
			f.Add([]byte(tt.data))
		}
	}
	for _, tt := range readerStrCases {
		f.Add([]byte(tt.data))
	}
	for _, tt := range walkCases {
		f.Add([]byte(tt.data))
	}
	for _, tt := range appendStringCases {
		f.Add([]byte(tt.want))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkKind(t, data)
		err := readAll(data)
		if (err == nil) != (Kind(data) != "invalid JSON") {
			t.Fatalf("Kind(%q) = %q, but reading it: %+v", data, Kind(data), err)
		}
		checkAgainstJSON(t, data, err)

		r := NewReader(data)
		switch r.Peek() {
		case '"':
			s, serr := readStr(data)
			if !sameError(serr, err) {
				t.Fatalf("Str of %q: %+v, Skip: %+v", data, serr, err)
			}
			if err != nil {
				return
			}
			var want string
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if string(s) != want {
				t.Fatalf("Str of %q = %q, encoding/json %q", data, s, want)
			}
		case '{':
			keys, _, vals, werr := walkObject(data)
			if !sameError(werr, err) {
				t.Fatalf("walking %q: %+v, Skip: %+v", data, werr, err)
			}
			if err != nil {
				return
			}
			if jkeys, jvals := jsonWalkObject(t, data); !equal(keys, jkeys) || !equal(vals, jvals) {
				t.Fatalf("walking %q: keys %q, values %q; json.Decoder %q, %q", data, keys, vals, jkeys, jvals)
			}
		}
	})
}

// firstInvalidUTF8 returns the offset of the first invalid UTF-8 sequence
// in data, or -1: the oracle for where the Reader reports it.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// FuzzSkipUnchecked holds SkipUnchecked to Skip: on every input that Skip
// accepts as a container, it returns the same span and leaves the reader
// at the same offset.
func FuzzSkipUnchecked(f *testing.F) {
	for _, tt := range kindCases {
		f.Add(tt.data)
	}
	f.Add(`{"a":"}\"]","b":[{"c":"\\"}]} ,1`)
	f.Fuzz(func(t *testing.T, s string) {
		strict := NewReader([]byte(s))
		c := strict.Peek()
		want := strict.Skip()
		if want == nil || (c != '{' && c != '[') {
			return
		}
		lenient := NewReader([]byte(s))
		got := lenient.SkipUnchecked()
		if string(got) != string(want) || lenient.Offset() != strict.Offset() {
			t.Fatalf("SkipUnchecked(%q) = %q at %d, Skip %q at %d", s, got, lenient.Offset(), want, strict.Offset())
		}
	})
}
