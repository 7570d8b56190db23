package events

// A small validating JSON scanner: it checks and skips one value without
// building anything, so that the envelope codec can locate the payload and
// check it in one pass. Its verdicts agree with encoding/json's Valid (a
// fuzz test holds it to that).

// maxDepth bounds nesting, as encoding/json does, so hostile input cannot
// exhaust the stack.
const maxDepth = 10000

// scanError is a problem found at an offset.
type scanError struct {
	off    int
	detail string
}

// skipValue checks the JSON value starting at data[i] (after optional
// white space) and returns the offset just past it.
func skipValue(data []byte, i, depth int) (int, *scanError) {
	i = skipSpace(data, i)
	if i >= len(data) {
		return i, &scanError{i, "unexpected end of input"}
	}
	switch c := data[i]; {
	case c == '{':
		return skipObject(data, i, depth+1)
	case c == '[':
		return skipArray(data, i, depth+1)
	case c == '"':
		return skipString(data, i)
	case c == '-' || (c >= '0' && c <= '9'):
		return skipNumber(data, i)
	case c == 't':
		return skipLiteral(data, i, "true")
	case c == 'f':
		return skipLiteral(data, i, "false")
	case c == 'n':
		return skipLiteral(data, i, "null")
	default:
		return i, &scanError{i, "invalid character " + quoteChar(c) + " looking for beginning of value"}
	}
}

func skipObject(data []byte, i, depth int) (int, *scanError) {
	if depth > maxDepth {
		return i, &scanError{i, "exceeded max depth"}
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) {
			return i, &scanError{i, "unexpected end of input"}
		}
		if data[i] != '"' {
			return i, &scanError{i, "invalid character " + quoteChar(data[i]) + " looking for beginning of object key string"}
		}
		var err *scanError
		if i, err = skipString(data, i); err != nil {
			return i, err
		}
		if i = skipSpace(data, i); i >= len(data) {
			return i, &scanError{i, "unexpected end of input"}
		}
		if data[i] != ':' {
			return i, &scanError{i, "invalid character " + quoteChar(data[i]) + " after object key"}
		}
		if i, err = skipValue(data, i+1, depth); err != nil {
			return i, err
		}
		if i = skipSpace(data, i); i >= len(data) {
			return i, &scanError{i, "unexpected end of input"}
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, &scanError{i, "invalid character " + quoteChar(data[i]) + " after object key:value pair"}
		}
	}
}

func skipArray(data []byte, i, depth int) (int, *scanError) {
	if depth > maxDepth {
		return i, &scanError{i, "exceeded max depth"}
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err *scanError
		if i, err = skipValue(data, i, depth); err != nil {
			return i, err
		}
		if i = skipSpace(data, i); i >= len(data) {
			return i, &scanError{i, "unexpected end of input"}
		}
		switch data[i] {
		case ',':
			i++
		case ']':
			return i + 1, nil
		default:
			return i, &scanError{i, "invalid character " + quoteChar(data[i]) + " after array element"}
		}
	}
}

// skipString checks the string starting at data[i] == '"' and returns the
// offset past its closing quote. It checks escapes and control characters;
// UTF-8 validity is checked once for the whole input by the caller.
func skipString(data []byte, i int) (int, *scanError) {
	i++
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(data) {
				return i + 1, &scanError{i + 1, "unexpected end of input"}
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := 2; k < 6; k++ {
					if i+k >= len(data) {
						return i + k, &scanError{i + k, "unexpected end of input"}
					}
					if !isHex(data[i+k]) {
						return i + k, &scanError{i + k, "invalid character " + quoteChar(data[i+k]) + " in \\u hexadecimal character escape"}
					}
				}
				i += 6
			default:
				return i + 1, &scanError{i + 1, "invalid character " + quoteChar(data[i+1]) + " in string escape code"}
			}
		case c < 0x20:
			return i, &scanError{i, "invalid character " + quoteChar(c) + " in string literal"}
		default:
			i++
		}
	}
	return i, &scanError{i, "unexpected end of input"}
}

func skipNumber(data []byte, i int) (int, *scanError) {
	if data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return i, &scanError{i, "unexpected end of input"}
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i = skipDigits(data, i)
	default:
		return i, &scanError{i, "invalid character " + quoteChar(data[i]) + " in numeric literal"}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return i, numberEnd(data, i)
		}
		i = skipDigits(data, i)
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return i, numberEnd(data, i)
		}
		i = skipDigits(data, i)
	}
	return i, nil
}

func numberEnd(data []byte, i int) *scanError {
	if i >= len(data) {
		return &scanError{i, "unexpected end of input"}
	}
	return &scanError{i, "invalid character " + quoteChar(data[i]) + " in numeric literal"}
}

func skipLiteral(data []byte, i int, lit string) (int, *scanError) {
	for k := 0; k < len(lit); k++ {
		if i+k >= len(data) {
			return i + k, &scanError{i + k, "unexpected end of input"}
		}
		if data[i+k] != lit[k] {
			return i + k, &scanError{i + k, "invalid character " + quoteChar(data[i+k]) + " in literal " + lit}
		}
	}
	return i + len(lit), nil
}

func skipDigits(data []byte, i int) int {
	for i < len(data) && isDigit(data[i]) {
		i++
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// quoteChar formats c for an error message, as encoding/json does.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789abcdef"
	return `'\x` + string([]byte{hex[c>>4], hex[c&0xf]}) + "'"
}

// jsonKind names the kind of the single JSON value in data ("object",
// "array", "string", "number", "boolean", "null"), or "invalid JSON" when
// data is not exactly one well-formed value.
func jsonKind(data []byte) string {
	end, err := skipValue(data, 0, 0)
	if err != nil || skipSpace(data, end) != len(data) {
		return "invalid JSON"
	}
	return kindOf(data[skipSpace(data, 0)])
}

// kindOf names the kind of the JSON value that starts with byte c.
func kindOf(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}
