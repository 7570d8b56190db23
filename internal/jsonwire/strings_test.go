package jsonwire

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// appendStringCases are strings with how AppendString writes them; want
// is also what json.Marshal writes, which TestAppendString checks. The
// same table seeds FuzzAppendString.
var appendStringCases = []struct {
	name string
	s    string
	want string
}{
	{"empty", "", `""`},
	{"plain", "hello, world", `"hello, world"`},
	{"quote and backslash", `say "hi" \ bye`, `"say \"hi\" \\ bye"`},
	{"short escapes", "\b\f\n\r\t", `"\b\f\n\r\t"`},
	{"other control characters", "\x00\x01\x0b\x1f", `"\u0000\u0001\u000b\u001f"`},
	{"DEL as is", "\x7f", "\"\x7f\""},
	{"HTML", "<a href='x'>&amp;</a>", `"\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e"`},
	{"slash as is", "a/b", `"a/b"`},
	{"line and paragraph separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
	{"neighbours of the separators as they are", "\u2027\u202a", "\"\u2027\u202a\""},
	{"multi-byte UTF-8", "é日本🎉", `"é日本🎉"`},
	{"U+FFFD as is", "\ufffd", "\"\ufffd\""},
	{"invalid byte", "a\xffb", `"a\ufffdb"`},
	{"each invalid byte", "\xfe\xff", `"\ufffd\ufffd"`},
	{"lone continuation byte", "\x80", `"\ufffd"`},
	{"truncated two-byte sequence", "\xc3", `"\ufffd"`},
	{"truncated three-byte sequence", "x\xe2\x82", `"x\ufffd\ufffd"`},
	{"truncated then valid", "\xe2\x82é", `"\ufffd\ufffdé"`},
	{"overlong encoding", "\xc0\xaf", `"\ufffd\ufffd"`},
	{"UTF-8 of a surrogate", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`},
	{"beyond U+10FFFF", "\xf4\x90\x80\x80", `"\ufffd\ufffd\ufffd\ufffd"`},
	{"escapes past eight plain bytes", "0123456789abcdef\"0123456789<", `"0123456789abcdef\"0123456789\u003c"`},
	{"invalid byte past eight plain bytes", "0123456789\xff0123456789", `"0123456789\ufffd0123456789"`},
	{"everything", "<\x00\"\\\u2028\xffé\n>", `"\u003c\u0000\"\\\u2028\ufffdé\n\u003e"`},
}

func TestAppendString(t *testing.T) {
	for _, tt := range appendStringCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendString(nil, tt.s)); got != tt.want {
				t.Errorf("AppendString(nil, %q) = %s, want %s", tt.s, got, tt.want)
			}
			checkAppendString(t, tt.s)
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, tt := range appendStringCases {
		f.Add(tt.s)
	}
	f.Fuzz(checkAppendString)
}

// checkAppendString checks AppendString(…, s) against json.Marshal(s),
// and that the Reader reads the result back as encoding/json does.
func checkAppendString(t *testing.T, s string) {
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("json.Marshal(%q): %v", s, err)
	}
	got := AppendString(nil, s)
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendString(nil, %q) = %s, encoding/json %s", s, got, want)
	}
	prefix := []byte(`{"k":`)
	if got := AppendString(prefix[:len(prefix):len(prefix)], s); string(got) != string(prefix)+string(want) {
		t.Fatalf("AppendString(%s, %q) = %s, want the prefix then %s", prefix, s, got, want)
	}

	// The output is one valid JSON string, which the Reader unescapes as
	// encoding/json does.
	var back string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", got, err)
	}
	r := NewReader(got)
	if c := r.Peek(); c != '"' {
		t.Fatalf("Peek of %s = %q", got, c)
	}
	str, ok := r.Str()
	if !ok || !r.End() {
		t.Fatalf("Reader of %s: %+v", got, r.Err)
	}
	if string(str) != back {
		t.Fatalf("Str of %s = %q, encoding/json %q", got, str, back)
	}
	if utf8.ValidString(s) && back != s {
		t.Fatalf("%q does not round-trip: %q", s, back)
	}
}

// unescapeCases are the insides of JSON strings (as a Reader has checked
// them) with their unescaped contents, as encoding/json unescapes them.
var unescapeCases = []struct {
	name, inner, want string
}{
	{"empty", ``, ""},
	{"no escapes", `abc é`, "abc é"},
	{"short escapes", `\"\\\/\b\f\n\r\t`, "\"\\/\b\f\n\r\t"},
	{"\\u escapes", `\u0041\u00e9\u65E5\u0000`, "Aé日\x00"},
	{"separators", `\u2028\u2029`, "\u2028\u2029"},
	{"surrogate pair", `\ud83c\udf89`, "🎉"},
	{"surrogate pair in upper case", `\uD83C\uDF89`, "🎉"},
	{"lone high surrogate", `\ud83c`, "\ufffd"},
	{"lone low surrogate", `\udf89`, "\ufffd"},
	{"reversed pair", `\udf89\ud83c`, "\ufffd\ufffd"},
	{"high surrogate then letter escape", `\ud83c\u0041`, "\ufffdA"},
	{"high surrogate twice then low", `\ud83c\ud83c\udf89`, "\ufffd🎉"},
	{"high surrogate then plain byte", `\ud83cx`, "\ufffdx"},
	{"high surrogate then short escape", `\ud83c\n`, "\ufffd\n"},
	{"high surrogate at end after text", `ab\ud800`, "ab\ufffd"},
	{"escaped U+FFFD", `\ufffd`, "\ufffd"},
	{"escape after text", `plain text then \t`, "plain text then \t"},
}

func TestUnescape(t *testing.T) {
	for _, tt := range unescapeCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Unescape([]byte(tt.inner))); got != tt.want {
				t.Errorf("Unescape(%s) = %q, want %q", tt.inner, got, tt.want)
			}
			var viaJSON string
			if err := json.Unmarshal([]byte(`"`+tt.inner+`"`), &viaJSON); err != nil {
				t.Fatal(err)
			}
			if viaJSON != tt.want {
				t.Errorf("encoding/json unescapes %s to %q, the table says %q", tt.inner, viaJSON, tt.want)
			}
		})
	}
}

// Without escapes, Unescape returns its argument: no copy.
func TestUnescapeWithoutEscapesShares(t *testing.T) {
	inner := []byte("no escapes here")
	if got := Unescape(inner); unsafe.SliceData(got) != unsafe.SliceData(inner) || len(got) != len(inner) {
		t.Errorf("Unescape(%s) copied", inner)
	}
}

// foldEqualCases hold FoldEqual's verdicts, each also encoding/json's:
// TestFoldEqual checks them by unmarshalling {key:1} into a struct whose
// one field is named upper.
var foldEqualCases = []struct {
	name, key, upper string
	want             bool
}{
	{"exact", "RUNID", "RUNID", true},
	{"lower case", "runid", "RUNID", true},
	{"mixed case", "RunId", "RUNID", true},
	{"digits and underscore", "run_id2", "RUN_ID2", true},
	{"long s", "ſervice", "SERVICE", true},
	{"Kelvin sign", "\u212a", "K", true},
	{"Kelvin sign in a word", "\u212aey", "KEY", true},
	{"dotless i", "ı", "I", false},
	{"dotted capital I", "İ", "I", false},
	{"other letter", "runix", "RUNID", false},
	{"key shorter", "runi", "RUNID", false},
	{"key longer", "runidx", "RUNID", false},
	{"empty key", "", "RUNID", false},
	{"non-ASCII key longer in bytes", "ſ", "SS", false},
	{"non-ASCII letter", "é", "E", false},
	{"underscore is not folded", "-", "_", false},
	{"lower-case letters only match their upper case", "a", "B", false},
	{"backquote is not a letter", "`", "@", false},
}

func TestFoldEqual(t *testing.T) {
	for _, tt := range foldEqualCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := FoldEqual([]byte(tt.key), tt.upper); got != tt.want {
				t.Errorf("FoldEqual(%q, %q) = %v, want %v", tt.key, tt.upper, got, tt.want)
			}
			if !jsonTagName(tt.upper) {
				return
			}
			if got := jsonMatchesField(t, tt.key, tt.upper); got != tt.want {
				t.Errorf("encoding/json matches %q to field %q: %v, the table says %v", tt.key, tt.upper, got, tt.want)
			}
		})
	}
}

// FuzzFoldEqual checks FoldEqual(key, upper) against encoding/json's
// field matching, for upper made of name's ASCII letters (upper-cased),
// digits and underscores.
func FuzzFoldEqual(f *testing.F) {
	for _, tt := range foldEqualCases {
		f.Add(tt.key, tt.upper)
	}
	f.Fuzz(func(t *testing.T, key, name string) {
		var b strings.Builder
		for _, c := range []byte(name) {
			switch {
			case 'a' <= c && c <= 'z':
				b.WriteByte(c - 'a' + 'A')
			case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
				b.WriteByte(c)
			}
		}
		upper := b.String()
		// The Reader gives FoldEqual only valid UTF-8.
		if upper == "" || !utf8.ValidString(key) {
			return
		}
		got := FoldEqual([]byte(key), upper)
		if want := jsonMatchesField(t, key, upper); got != want {
			t.Fatalf("FoldEqual(%q, %q) = %v, encoding/json %v", key, upper, got, want)
		}
	})
}

// jsonTagName reports whether name can be a json tag's name, as
// FuzzFoldEqual and the table use it.
func jsonTagName(name string) bool {
	for _, c := range []byte(name) {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return name != ""
}

// fieldTypes caches jsonMatchesField's struct types by field name.
var fieldTypes sync.Map

// jsonMatchesField reports whether encoding/json stores the value of key
// in a struct's only field, named name.
func jsonMatchesField(t *testing.T, key, name string) bool {
	typ, ok := fieldTypes.Load(name)
	if !ok {
		typ, _ = fieldTypes.LoadOrStore(name, reflect.StructOf([]reflect.StructField{{
			Name: "F",
			Type: reflect.TypeFor[int](),
			Tag:  reflect.StructTag(`json:"` + name + `"`),
		}}))
	}
	v := reflect.New(typ.(reflect.Type))
	doc := append(AppendString([]byte("{"), key), ":1}"...)
	if err := json.Unmarshal(doc, v.Interface()); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", doc, err)
	}
	return v.Elem().Field(0).Int() == 1
}

// quoteCharCases document QuoteChar; TestQuoteChar checks every byte
// against encoding/json's messages.
var quoteCharCases = []struct {
	c    byte
	want string
}{
	{'a', `'a'`},
	{'}', `'}'`},
	{' ', `' '`},
	{'\'', `'\''`},
	{'"', `'"'`},
	{'\\', `'\\'`},
	{'\n', `'\n'`},
	{'\t', `'\t'`},
	{0, `'\x00'`},
	{0x1f, `'\x1f'`},
	{0x7f, `'\x7f'`},
	{0x80, `'\u0080'`},
	{0xa0, `'\u00a0'`},
	{0xc3, `'Ã'`},
	{0xe9, `'é'`},
	{0xff, `'ÿ'`},
}

func TestQuoteChar(t *testing.T) {
	for _, tt := range quoteCharCases {
		t.Run(tt.want, func(t *testing.T) {
			if got := QuoteChar(tt.c); got != tt.want {
				t.Errorf("QuoteChar(%#x) = %s, want %s", tt.c, got, tt.want)
			}
		})
	}
	t.Run("every byte as encoding/json", func(t *testing.T) {
		for c := 0; c < 256; c++ {
			if got, want := QuoteChar(byte(c)), jsonQuoteChar(t, byte(c)); got != want {
				t.Errorf("QuoteChar(%#x) = %s, encoding/json %s", c, got, want)
			}
		}
	})
}

// jsonQuoteChar returns how encoding/json quotes c in a syntax error: it
// provokes "invalid character c in literal true (expecting …)".
func jsonQuoteChar(t *testing.T, c byte) string {
	data, context := []byte{'t', 'r', 'u', c}, " in literal true (expecting 'e')"
	if c == 'e' {
		data, context = []byte{'t', c}, " in literal true (expecting 'r')"
	}
	err := json.Unmarshal(data, new(json.RawMessage))
	if err == nil {
		t.Fatalf("encoding/json accepts %q", data)
	}
	msg := err.Error()
	quoted, ok := strings.CutPrefix(msg, "invalid character ")
	if quoted, ok2 := strings.CutSuffix(quoted, context); ok && ok2 {
		return quoted
	}
	t.Fatalf("encoding/json's message for %q: %s", data, msg)
	return ""
}

func TestBorrow(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		if got := Borrow(nil); got != "" {
			t.Errorf("Borrow(nil) = %q", got)
		}
		if got := Borrow([]byte{}); got != "" {
			t.Errorf("Borrow([]byte{}) = %q", got)
		}
		if got := Borrow(make([]byte, 0, 8)); got != "" {
			t.Errorf("Borrow of an empty slice with capacity = %q", got)
		}
	})
	t.Run("contents", func(t *testing.T) {
		if got := Borrow([]byte("payload é")); got != "payload é" {
			t.Errorf("Borrow = %q", got)
		}
	})
	// Documented: the string shares b's memory, so it is valid only
	// while b is not changed. This test shows the sharing; callers must
	// not rely on it beyond the life of the input.
	t.Run("shares memory", func(t *testing.T) {
		b := []byte("abc")
		s := Borrow(b)
		if unsafe.StringData(s) != &b[0] {
			t.Fatal("Borrow copied")
		}
		b[0] = 'x'
		if s != "xbc" {
			t.Errorf("after changing the slice, the string is %q, want %q", s, "xbc")
		}
	})
}
