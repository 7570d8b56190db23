// Package records splits a stream of JSON text into the records that
// eventctl checks one by one: the values of NDJSON lines, the elements of
// a JSON array, or whole JSON values written over several lines, such as a
// single pretty-printed event.
//
// It finds where each record starts and ends without parsing it (the
// events package does that), holds at most one record in memory, and
// recovers after a broken record, so that one bad line never hides the
// lines after it.
package records

import (
	"bytes"
	"errors"
	"io"
)

// Errors a [Record] can carry instead of data.
var (
	// ErrTooLarge means a record was longer than the Reader's limit; its
	// bytes were skipped, not kept.
	ErrTooLarge = errors.New("records: record too large")
	// ErrUnterminatedArray means the input ended inside a JSON array,
	// before its closing bracket.
	ErrUnterminatedArray = errors.New("records: unterminated JSON array")
)

// readChunk is how much the Reader asks of its source at a time.
const readChunk = 256 << 10

// Record is one record of the input.
type Record struct {
	// Data is the record's bytes, valid until the next call of
	// [Reader.Next]. It is nil when Err is set.
	Data []byte
	// Line is the line, counted from 1, on which the record starts.
	Line int
	// Size is the record's length in bytes, also when it was too large to
	// keep.
	Size int64
	// Err is [ErrTooLarge] or [ErrUnterminatedArray] for a record that
	// cannot be read as an event at all, and nil otherwise.
	Err error
}

// Reader reads records from an io.Reader with a buffer of about the limit
// given to [NewReader], however long the input.
//
// A record is:
//   - in NDJSON, each line that is not blank. The input is NDJSON when its
//     first JSON object or array outside an array ends on the line where
//     it starts; from then on a broken line never hides the next;
//   - otherwise, outside an array, a JSON object or array starting with '{'
//     or '[' and ending where its brackets balance. A line that begins
//     with '{' while such a record is still open, where the record cannot
//     go on with '{' (after a value or a key, or where a key must come),
//     ends that record (it was truncated) and starts the next. Where it
//     can go on, as in pretty-printed JSON without indentation, the
//     record goes on; but if it then never balances (the input ends, or a
//     later line begins with '{' where none may stand) or grows over the
//     limit, it was truncated and ends at the first such line instead, so
//     that a truncated record never hides the records after it;
//   - inside a top-level JSON array (one whose '[' comes where a record
//     would start), each element;
//   - anything else outside an array, up to the end of its line.
//
// Separators between array elements are skipped without being checked. A
// UTF-8 byte order mark at the start of the input is skipped.
type Reader struct {
	src   io.Reader
	buf   []byte
	pos   int // next byte to scan
	end   int // end of the buffered data
	keep  int // first byte that must survive a refill
	limit int
	line  int
	eof   bool
	err   error

	started   bool // the start of the input was looked at for a byte order mark
	inArray   bool
	arrayLine int
	decided   bool  // whether the input is known to be NDJSON or not
	ndjson    bool  // the first record ended on its own line: every line is a record
	offset    int64 // bytes consumed before buf[0]
}

// NewReader returns a Reader of src that refuses records longer than limit
// bytes with [ErrTooLarge].
func NewReader(src io.Reader, limit int) *Reader {
	if limit < 1 {
		limit = 1
	}
	return &Reader{src: src, limit: limit, line: 1}
}

// Offset returns how many bytes of the input have been consumed: for
// progress reports.
func (r *Reader) Offset() int64 { return r.offset + int64(r.pos) }

// Next returns the next record, or io.EOF after the last one, or the
// error of the underlying reader.
func (r *Reader) Next() (Record, error) {
	if !r.started {
		if err := r.skipBOM(); err != nil {
			return Record{}, err
		}
	}
	for {
		if r.pos == r.end {
			r.keep = r.pos
			more, err := r.fill()
			if err != nil {
				return Record{}, err
			}
			if !more {
				if r.inArray {
					r.inArray = false
					return Record{Line: r.arrayLine, Err: ErrUnterminatedArray}, nil
				}
				return Record{}, io.EOF
			}
			continue
		}
		c := r.buf[r.pos]
		switch {
		case c == '\n':
			r.line++
			r.pos++
		case c == ' ' || c == '\t' || c == '\r':
			r.pos++
		case r.inArray && c == ',':
			r.pos++
		case r.inArray && c == ']':
			r.inArray = false
			r.pos++
		case !r.inArray && c == '[' && r.arrayLine == 0:
			// Only the first top-level array opens array mode, so that
			// NDJSON whose lines are arrays is read line by line.
			r.inArray = true
			r.arrayLine = r.line
			r.pos++
		default:
			return r.record()
		}
	}
}

// bom is the UTF-8 byte order mark some editors write first.
var bom = []byte("\xef\xbb\xbf")

// skipBOM skips a byte order mark at the start of the input.
func (r *Reader) skipBOM() error {
	for r.end-r.pos < len(bom) && bytes.HasPrefix(bom, r.buf[r.pos:r.end]) {
		more, err := r.fill()
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	r.started = true
	if bytes.HasPrefix(r.buf[r.pos:r.end], bom) {
		r.pos += len(bom)
	}
	return nil
}

// record reads the record that starts at r.pos.
func (r *Reader) record() (Record, error) {
	rec := Record{Line: r.line}
	r.keep = r.pos
	st := scanner{topLevel: !r.inArray}
	switch c := r.buf[r.pos]; {
	case r.ndjson && !r.inArray:
		st.mode = modeLine
	case c == '{' || c == '[':
		st.mode = modeNested
	case r.inArray:
		st.mode = modeElement
	default:
		st.mode = modeLine
	}
	var size int64
	for {
		n, done := st.scan(r.buf[r.pos:r.end], &r.line)
		r.pos += n
		size += int64(n)
		if done {
			break
		}
		if size > int64(r.limit) && !st.tooLarge {
			if st.hasCut { // it cannot be kept whole: it was truncated there
				st.atCut = true
				break
			}
			st.tooLarge = true
			r.keep = r.pos // stop keeping the record's bytes
		}
		more, err := r.fill()
		if err != nil {
			return Record{}, err
		}
		if !more {
			st.atCut = st.hasCut // unbalanced at the end: truncated
			break
		}
	}
	if st.atCut {
		// The bytes from the record's start are still in buf: a cut is
		// only kept while the record is within the limit.
		r.pos = r.keep + int(st.cut)
		r.line = st.cutLine
		size = st.cut
	}
	rec.Size = size
	if !r.decided && st.mode == modeNested && st.topLevel && st.closed {
		r.decided = true
		r.ndjson = rec.Line == r.line
	}
	if size > int64(r.limit) {
		rec.Err = ErrTooLarge
		return rec, nil
	}
	rec.Data = bytes.TrimRight(r.buf[r.keep:r.pos], " \t\r\n")
	r.keep = r.pos
	return rec, nil
}

// fill reads more input after r.end, first moving the bytes from r.keep on
// to the front of the buffer. It reports false at the end of the input.
func (r *Reader) fill() (bool, error) {
	if r.err != nil {
		return false, r.err
	}
	if r.eof {
		return false, nil
	}
	if r.buf == nil {
		r.buf = make([]byte, r.limit+readChunk)
	}
	if r.keep > 0 {
		copy(r.buf, r.buf[r.keep:r.end])
		r.offset += int64(r.keep)
		r.pos -= r.keep
		r.end -= r.keep
		r.keep = 0
	}
	for tries := 0; tries < 100; tries++ {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		if err == io.EOF {
			r.eof = true
			return n > 0, nil
		}
		if err != nil {
			r.err = err
			if n > 0 {
				return true, nil
			}
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	r.err = io.ErrNoProgress
	return false, r.err
}
