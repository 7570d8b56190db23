package records

import "bytes"

// scanMode says how a record ends.
type scanMode uint8

const (
	// modeNested: an object or array, ending where its brackets balance.
	modeNested scanMode = iota
	// modeLine: anything else outside an array, ending at the end of its line.
	modeLine
	// modeElement: a non-object element of an array, ending before ',', ']'
	// or the end of its line.
	modeElement
)

// scanner finds the end of one record, possibly over several buffers.
type scanner struct {
	mode      scanMode
	topLevel  bool // not inside an array: a line starting with '{' starts a new record
	depth     int
	inString  bool
	escaped   bool
	lineStart bool
	closed    bool // the record ended where its brackets balance
}

// stringStop marks the bytes that end a run of plain string content.
var stringStop = [256]bool{'"': true, '\\': true, '\n': true}

// scan advances over p and returns how many bytes belong to the record
// and whether the record ended within p. It counts newlines into *line.
func (s *scanner) scan(p []byte, line *int) (int, bool) {
	switch s.mode {
	case modeLine:
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			return i, true
		}
		return len(p), false
	case modeElement:
		for i := 0; i < len(p); i++ {
			c := p[i]
			if s.inString {
				s.stringByte(c, line)
				continue
			}
			switch c {
			case '"':
				s.inString = true
			case ',', ']', '\n':
				return i, true
			}
		}
		return len(p), false
	}
	for i := 0; i < len(p); i++ {
		if s.inString {
			for i < len(p) && !s.escaped && !stringStop[p[i]] {
				i++
			}
			if i == len(p) {
				break
			}
			s.stringByte(p[i], line)
			continue
		}
		c := p[i]
		if s.lineStart {
			s.lineStart = false
			if c == '{' && s.topLevel && s.depth > 0 {
				return i, true // the open record was truncated
			}
		}
		switch c {
		case '"':
			s.inString = true
		case '{', '[':
			s.depth++
		case '}', ']':
			s.depth--
			if s.depth <= 0 {
				s.closed = true
				return i + 1, true
			}
		case '\n':
			*line++
			s.lineStart = true
		}
	}
	return len(p), false
}

// stringByte takes one byte inside a string. A raw newline cannot be part
// of a JSON string: it ends the (broken) string, so that the lines after
// it are read as they were written.
func (s *scanner) stringByte(c byte, line *int) {
	if c == '\n' {
		*line++
		s.inString, s.escaped, s.lineStart = false, false, true
		return
	}
	if s.escaped {
		s.escaped = false
		return
	}
	switch c {
	case '\\':
		s.escaped = true
	case '"':
		s.inString = false
	}
}
