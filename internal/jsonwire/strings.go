package jsonwire

import (
	"bytes"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// AppendString appends s as a JSON string, escaped exactly as
// encoding/json escapes it: HTML-safe ('<', '>' and '&' as \u003c and so
// on), U+2028 and U+2029 escaped, and each invalid UTF-8 byte written as
// the escape \ufffd.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start, i := 0, 0
	for {
		// The common case: bytes written as they are, eight at a time,
		// then one at a time.
		for i+8 <= len(s) {
			n := htmlSafeBytes(stringWord(s, i))
			i += n
			if n < 8 {
				break
			}
		}
		for i < len(s) && s[i] < utf8.RuneSelf && htmlSafe[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// stringWord returns the eight bytes of s at i as a little-endian word
// (the compiler makes it one load).
func stringWord(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// htmlSafeBytes is plainBytes for the bytes encoding/json writes as they
// are (see htmlSafe): plain, and not '<', '>' or '&'.
func htmlSafeBytes(x uint64) int {
	const ones = 0x0101010101010101
	lt := x ^ (ones * '<')
	gt := x ^ (ones * '>')
	amp := x ^ (ones * '&')
	m := plainMask(x) | ((lt-ones)&^lt|(gt-ones)&^gt|(amp-ones)&^amp)&(ones*0x80)
	return bits.TrailingZeros64(m) >> 3
}

// htmlSafe marks the ASCII bytes that encoding/json writes as they are.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// Unescape returns the contents of a JSON string (without its quotes)
// that a [Reader] has checked, unescaped exactly as encoding/json
// unescapes it: a lone or broken surrogate becomes U+FFFD.
func Unescape(inner []byte) []byte {
	i := bytes.IndexByte(inner, '\\')
	if i < 0 {
		return inner
	}
	out := make([]byte, i, len(inner))
	copy(out, inner[:i])
	for i < len(inner) {
		c := inner[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch e := inner[i+1]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(inner[i:])
			i += 6
			if utf16.IsSurrogate(r) {
				if r2 := hex4(inner[i:]); r2 >= 0 {
					if dec := utf16.DecodeRune(r, r2); dec != unicode.ReplacementChar {
						out = utf8.AppendRune(out, dec)
						i += 6
						continue
					}
				}
				r = unicode.ReplacementChar
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, e)
		}
		i += 2
	}
	return out
}

// hex4 decodes the \uXXXX escape at the start of s, or returns -1.
func hex4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// FoldEqual reports whether key equals the ASCII upper-case name upper
// under Unicode simple case folding, which is how encoding/json matches a
// key to a field it does not match exactly: "runid" and "RunID" match, and
// so do "ſervice" (long s) and "Service".
func FoldEqual(key []byte, upper string) bool {
	j := 0
	for i := 0; i < len(key); j++ {
		if j >= len(upper) {
			return false
		}
		if c := key[i]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			if c != upper[j] {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(key[i:])
		if foldRune(r) != rune(upper[j]) {
			return false
		}
		i += n
	}
	return j == len(upper)
}

// foldRune returns the smallest rune of r's case-folding orbit, as
// encoding/json does; for the orbit of an ASCII letter that is the
// upper-case letter.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// QuoteChar formats c for an error message, as encoding/json does.
func QuoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	// As encoding/json: the byte as a Latin-1 rune, quoted as Go quotes
	// it, so '\n', '\\', '\x7f', '\u0080' and 'é' (0xe9).
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// Borrow returns the bytes of b as a string without copying them. The
// string is valid only while b is not changed: use it for values that do
// not outlive the input, such as a payload decoded only to be validated.
func Borrow(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
