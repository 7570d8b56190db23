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

// expect is what may come next in a nested record, as far as telling
// where a '{' may stand: a loose view of JSON's grammar, not a check.
type expect uint8

const (
	expectValue expect = iota // after '[', ':' or ',' in an array: '{' may start a value
	expectKey                 // after '{' or ',' in an object
	expectColon               // after a key
	expectMore                // after a value: ',' or a closing bracket
)

// maxKinds is how many levels of nesting the scanner remembers as object
// or array; deeper levels are taken for arrays.
const maxKinds = 512

// scanner finds the end of one record, possibly over several buffers.
//
// At top level, a line that begins with '{' inside an open record may be
// the start of the next record, the open one having been truncated. Where
// a '{' cannot continue the record (after a value, a key, or '{' or ','
// in an object) it ends the record at once. Where it can, the record goes
// on, and the line is remembered as a cut: if the record does not end
// where its brackets balance (the input ends, a later line begins with
// '{' where none may stand, or it grows over the limit), it was truncated
// and ends at the cut instead, so that nothing after it is hidden.
type scanner struct {
	mode      scanMode
	topLevel  bool // not inside an array: lines starting with '{' may start a new record
	tooLarge  bool // over the limit: its bytes are not kept, so any line starting with '{' ends it
	depth     int
	objects   [maxKinds / 64]uint64 // bit d-1: level d is an object
	expect    expect
	inString  bool
	escaped   bool
	lineStart bool
	closed    bool // the record ended where its brackets balance

	scanned int64 // bytes of the record scanned so far
	hasCut  bool  // a line starting with '{' where a value may stand was seen
	cut     int64 // where that line starts, from the record's start
	cutLine int   // its line number
	atCut   bool  // the record ends at cut, not where scanning stopped
}

// stringStop marks the bytes that end a run of plain string content.
var stringStop = [256]bool{'"': true, '\\': true, '\n': true}

// scan advances over p and returns how many bytes belong to the record
// and whether the record ended within p. It counts newlines into *line.
// When it sets s.atCut, the record ends at s.cut instead.
func (s *scanner) scan(p []byte, line *int) (int, bool) {
	n, done := s.scanBytes(p, line)
	s.scanned += int64(n)
	return n, done
}

func (s *scanner) scanBytes(p []byte, line *int) (int, bool) {
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
				switch {
				case s.tooLarge:
					return i, true
				case s.expect != expectValue: // the open record was truncated
					s.atCut = s.hasCut
					return i, true
				case !s.hasCut:
					s.hasCut, s.cut, s.cutLine = true, s.scanned+int64(i), *line
				}
			}
		}
		switch c {
		case '"':
			s.inString = true
			if s.expect == expectKey {
				s.expect = expectColon
			} else {
				s.expect = expectMore
			}
		case '{', '[':
			s.depth++
			if s.depth <= maxKinds {
				bit := uint64(1) << ((s.depth - 1) % 64)
				if c == '{' {
					s.objects[(s.depth-1)/64] |= bit
				} else {
					s.objects[(s.depth-1)/64] &^= bit
				}
			}
			s.expect = expectValue
			if c == '{' {
				s.expect = expectKey
			}
		case '}', ']':
			s.depth--
			if s.depth <= 0 {
				s.closed = true
				return i + 1, true
			}
			s.expect = expectMore
		case ':':
			s.expect = expectValue
		case ',':
			s.expect = expectValue
			if s.inObject() {
				s.expect = expectKey
			}
		case '\n':
			*line++
			s.lineStart = true
		case ' ', '\t', '\r':
		default: // part of a number or a literal
			s.expect = expectMore
		}
	}
	return len(p), false
}

// inObject reports whether the innermost open level is an object.
func (s *scanner) inObject() bool {
	d := s.depth - 1
	return d >= 0 && d < maxKinds && s.objects[d/64]&(1<<(d%64)) != 0
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
