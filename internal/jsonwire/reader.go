package jsonwire

import "math/bits"

// MaxDepth bounds nesting, as encoding/json does, so hostile input cannot
// exhaust the stack.
const MaxDepth = 10000

// DetailInvalidUTF8 is the Detail of an [Error] for invalid UTF-8 in a
// string.
const DetailInvalidUTF8 = "invalid UTF-8"

// Error is a syntax error found at a byte offset of the input.
type Error struct {
	// Off is the offset of the offending byte.
	Off int
	// Detail says what is wrong, in encoding/json's words, e.g.
	// "unexpected end of input" or "invalid UTF-8".
	Detail string
}

// Reader reads one JSON text in a single pass. Every value it reads or
// skips is checked as encoding/json checks it, and, unlike encoding/json,
// strings must be valid UTF-8. The first problem is kept in Err; after
// it, every read fails at once, so callers check Err once at the end.
//
// The zero Reader reads an empty input. A Reader is a small value: keep
// it on the stack.
type Reader struct {
	data  []byte
	i     int
	depth int
	// Err is the first syntax error, or nil.
	Err *Error
}

// NewReader returns a Reader of data, positioned at its start.
func NewReader(data []byte) Reader { return Reader{data: data} }

// Offset returns the offset of the next byte to read.
func (r *Reader) Offset() int { return r.i }

// Data returns the reader's whole input, for a decoder that reads ahead
// with the At functions from Offset.
func (r *Reader) Data() []byte { return r.data }

// SkipTo moves the reader to end, past input that the caller has read and
// checked itself with the At functions; it must not be before Offset.
func (r *Reader) SkipTo(end int) { r.i = end }

// fail records the first error and returns false. It also moves the
// reader to the end of its input, where every read fails: so the fast
// paths (Peek, KeyIs, Comma), which look at the next byte, need not check
// Err too.
func (r *Reader) fail(off int, detail string) bool {
	if r.Err == nil {
		r.Err = &Error{Off: off, Detail: detail}
	}
	r.i = len(r.data)
	return false
}

func (r *Reader) unexpected(off int, what string) bool {
	if off >= len(r.data) {
		return r.fail(off, "unexpected end of input")
	}
	return r.fail(off, "invalid character "+QuoteChar(r.data[off])+" "+what)
}

// Peek skips white space and returns the next byte, or 0 at the end of
// the input or after an error. Its byte says what the next value is:
// '{', '[', '"', 't', 'f', 'n', or a number's '-' or digit.
func (r *Reader) Peek() byte {
	if r.i < len(r.data) && r.data[r.i] > ' ' { // after an error r.i is len(r.data)
		return r.data[r.i] // the common case: no white space
	}
	return r.peekSpace()
}

// peekSpace is Peek after white space, at the end, or after an error.
func (r *Reader) peekSpace() byte {
	if r.Err != nil {
		return 0
	}
	i := r.i
	for i < len(r.data) {
		switch c := r.data[i]; c {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			r.i = i
			return c
		}
	}
	r.i = i
	return 0
}

// End checks that only white space is left.
func (r *Reader) End() bool {
	// Not c != 0: Peek returns 0 at the end, but a NUL byte in the input
	// is a character like any other.
	if c := r.Peek(); r.i < len(r.data) {
		return r.fail(r.i, "invalid character "+QuoteChar(c)+" after top-level value")
	}
	return r.Err == nil
}

// Object enters the object that Peek found ('{'), reporting whether it
// has a member: after true, read the member with Key, its value with any
// read method, then call More.
func (r *Reader) Object() bool {
	if r.Peek() != '{' {
		return r.unexpected(r.i, "looking for beginning of object")
	}
	if r.depth++; r.depth > MaxDepth {
		return r.fail(r.i, "exceeded max depth")
	}
	r.i++
	if r.Peek() == '}' {
		r.i++
		r.depth--
		return false
	}
	return r.Err == nil
}

// Key reads a member's key and the colon after it and returns the key
// unescaped; it points into the input when the key has no escapes. keyOff
// is where the key starts. ok is false on error.
func (r *Reader) Key() (key []byte, keyOff int, ok bool) {
	if c := r.Peek(); c != '"' {
		return nil, r.i, r.unexpected(r.i, "looking for beginning of object key string")
	}
	keyOff = r.i
	key, ok = r.Str()
	if !ok {
		return nil, keyOff, false
	}
	if c := r.Peek(); c != ':' {
		return nil, keyOff, r.unexpected(r.i, "after object key")
	}
	r.i++
	return key, keyOff, true
}

// KeyIs reads the next member's key and the colon after it when they are
// written exactly as quoted (a key in quotes, without escapes) and ':',
// with no white space before either, and reports whether it did;
// otherwise the reader is left as it was, for Key to read the key. It is
// a fast path, small enough to be inlined, for readers that expect keys
// in a known order in compact JSON: a key that matches here matches
// exactly.
func (r *Reader) KeyIs(quoted string) bool {
	if j := r.i + len(quoted); j < len(r.data) && r.data[j] == ':' && string(r.data[r.i:j]) == quoted {
		r.i = j + 1
		return true
	}
	return false
}

// skipKey is Key without unescaping the key.
func (r *Reader) skipKey() bool {
	if c := r.Peek(); c != '"' {
		return r.unexpected(r.i, "looking for beginning of object key string")
	}
	if _, ok := r.str(false); !ok {
		return false
	}
	if c := r.Peek(); c != ':' {
		return r.unexpected(r.i, "after object key")
	}
	r.i++
	return true
}

// More consumes what follows a member's value: true after a comma (a
// member follows), false after the closing brace or on error. Loops that
// read many members call Comma first, which the compiler inlines:
// Comma() || More().
func (r *Reader) More() bool {
	switch r.Peek() {
	case ',':
		r.i++
		return r.Err == nil
	case '}':
		r.i++
		r.depth--
		return false
	}
	return r.unexpected(r.i, "after object key:value pair")
}

// Comma consumes the comma after a member's value when it comes next,
// with no white space before it, and reports whether it did: the usual
// case of More, small enough to be inlined. When it reports false, call
// More.
func (r *Reader) Comma() bool {
	if i := r.i; i < len(r.data) && r.data[i] == ',' { // after an error r.i is len(r.data)
		r.i = i + 1
		return true
	}
	return false
}

// Skip checks and skips the next value and returns its raw bytes (nil on
// error).
func (r *Reader) Skip() []byte {
	start := r.skipSpace()
	if r.Err != nil {
		return nil
	}
	if r.depth < MaxDepth-32 { // the fast path cannot pass the depth limit
		if end, ok := skipFast(r.data, start); ok {
			r.i = end
			return r.data[start:end]
		}
	}
	if !r.skip() {
		return nil
	}
	return r.data[start:r.i]
}

func (r *Reader) skipSpace() int {
	r.Peek()
	return r.i
}

func (r *Reader) skip() bool {
	switch c := r.Peek(); {
	case c == '{':
		if !r.Object() {
			return r.Err == nil
		}
		for {
			if !r.skipKey() || !r.skip() {
				return false
			}
			if !r.More() {
				return r.Err == nil
			}
		}
	case c == '[':
		return r.skipArray()
	case c == '"':
		_, ok := r.str(false)
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := r.Number()
		return ok
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	default:
		return r.unexpected(r.i, "looking for beginning of value")
	}
}

func (r *Reader) skipArray() bool {
	if r.depth++; r.depth > MaxDepth {
		return r.fail(r.i, "exceeded max depth")
	}
	r.i++
	if r.Peek() == ']' {
		r.i++
		r.depth--
		return true
	}
	for {
		if !r.skip() {
			return false
		}
		switch r.Peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			r.depth--
			return true
		default:
			return r.unexpected(r.i, "after array element")
		}
	}
}

func (r *Reader) literal(lit string) bool {
	d, i := r.data, r.i
	for k := 0; k < len(lit); k++ {
		if i+k >= len(d) || d[i+k] != lit[k] {
			return r.unexpected(i+k, "in literal "+lit+" (expecting "+QuoteChar(lit[k])+")")
		}
	}
	r.i = i + len(lit)
	return true
}

// Null consumes a null if one is next and reports whether it did.
func (r *Reader) Null() bool {
	if r.Peek() == 'n' {
		return r.literal("null")
	}
	return false
}

// Bool reads true or false, which Peek found as 't' or 'f'.
func (r *Reader) Bool() (v, ok bool) {
	if r.Peek() == 't' {
		return true, r.literal("true")
	}
	return false, r.literal("false")
}

// Str reads the string that Peek found ('"') and returns its contents
// unescaped as encoding/json unescapes them (a lone surrogate becomes
// U+FFFD). Without escapes the result points into the input.
func (r *Reader) Str() ([]byte, bool) { return r.str(true) }

// RawStr reads the string that Peek found and returns it as written,
// quotes included.
func (r *Reader) RawStr() ([]byte, bool) {
	start := r.skipSpace()
	if _, ok := r.str(false); !ok {
		return nil, false
	}
	return r.data[start:r.i], true
}

// str scans a string, checking escapes, control characters and UTF-8;
// with unescape it also returns the contents. The scanning is scanStr's;
// on a problem, the offset scanStr stopped at says what it is.
func (r *Reader) str(unescape bool) ([]byte, bool) {
	d := r.data
	start := r.i + 1
	if end := shortStr(d, r.i); end > 0 { // no escape
		r.i = end
		return d[start : end-1], true
	}
	end, escaped, ok := scanStr(d, r.i)
	if !ok {
		return nil, r.strError(end)
	}
	r.i = end
	switch {
	case !unescape:
		return nil, true
	case !escaped:
		return d[start : end-1], true
	}
	return Unescape(d[start : end-1]), true
}

// strError reports the problem at d[i], where scanStr stopped.
func (r *Reader) strError(i int) bool {
	d := r.data
	switch {
	case i >= len(d):
		return r.fail(len(d), "unexpected end of input")
	case d[i] == '\\':
		switch {
		case i+1 >= len(d):
			return r.fail(i+1, "unexpected end of input")
		case d[i+1] != 'u':
			return r.unexpected(i+1, "in string escape code")
		}
		for k := i + 2; k < i+6; k++ {
			if k >= len(d) {
				return r.fail(k, "unexpected end of input")
			}
			if !isHex(d[k]) {
				return r.unexpected(k, "in \\u hexadecimal character escape")
			}
		}
	case d[i] < 0x20:
		return r.unexpected(i, "in string literal")
	}
	return r.fail(i, DetailInvalidUTF8)
}

// Number reads the number that Peek found ('-' or a digit) and returns
// its text.
func (r *Reader) Number() ([]byte, bool) {
	d := r.data
	start := r.i
	i := start
	if i >= len(d) { // at the end, or after an error
		return nil, r.fail(i, "unexpected end of input")
	}
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		return nil, r.fail(i, "unexpected end of input")
	case d[i] == '0':
		i++
	case d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		return nil, r.unexpected(i, "in numeric literal")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return nil, r.unexpected(i, "after decimal point in numeric literal")
		}
		i = digits(d, i)
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return nil, r.unexpected(i, "in exponent of numeric literal")
		}
		i = digits(d, i)
	}
	r.i = i
	return d[start:i], true
}

func digits(d []byte, i int) int {
	for i < len(d) && isDigit(d[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// plainBytes returns how many of the eight bytes of x (in little-endian
// order: the first byte of the input is the lowest) are plain (see plain)
// before the first that is not, 8 if all are. It uses the bit tricks of
// "Bit Twiddling Hacks", which flag exactly the first byte below 0x20, at
// or above 0x80, or equal to '"' or '\\' (a borrow only disturbs the
// bytes above it), without a branch per byte.
func plainBytes(x uint64) int {
	return bits.TrailingZeros64(plainMask(x)) >> 3
}

// plainMask has the high bit of the first byte of x that is not plain set
// (and maybe of some after it), or is 0 when all eight are plain.
func plainMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below20 := (x - ones*0x20) & ^x
	quote := x ^ (ones * '"')
	backslash := x ^ (ones * '\\')
	return (below20 | (quote-ones)&^quote | (backslash-ones)&^backslash | x) & highs
}

// plain marks the bytes a string holds as they are: printable ASCII but
// '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()
