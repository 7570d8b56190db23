package records

import (
	"bytes"
	"encoding/json"
)

// HasTopLevelKey reports whether data, a JSON object, has the member key
// at its top level, compared exactly (JSON escapes in the key are
// decoded). A member met before a syntax error counts; nested objects and
// string values that merely contain the text do not.
//
// eventctl tells CloudEvents from Algoryn envelopes with it: a CloudEvent
// has "specversion", an envelope never does.
func HasTopLevelKey(data []byte, key string) bool {
	if !bytes.Contains(data, []byte(key)) && !bytes.Contains(data, []byte(`\u`)) {
		return false // fast path: the key cannot be there, even escaped
	}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '"' {
			return false
		}
		end, escaped := stringEnd(data, i)
		if end < 0 {
			return false
		}
		if escaped {
			var k string
			if json.Unmarshal(data[i:end], &k) == nil && k == key {
				return true
			}
		} else if string(data[i+1:end-1]) == key {
			return true
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipValue(data, skipSpace(data, i+1))
		if i < 0 {
			return false
		}
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != ',' {
			return false
		}
		i++
	}
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the index just after the string starting at data[i]
// (a quote), and whether it holds an escape; -1 if it is not closed.
func stringEnd(data []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return -1, escaped
}

// skipValue returns the index just after the JSON value starting at
// data[i], or -1 if it does not end. It balances brackets and skips
// strings, without checking the value further.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := stringEnd(data, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, _ := stringEnd(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	for j := i; j < len(data); j++ {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return -1
			}
			return j
		}
	}
	return -1
}
