package events

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// newID returns a new UUIDv7 (RFC 9562) string for an event made at now,
// laid out as uuid.NewV7 lays it out: 48 bits of Unix milliseconds, then
// 12 bits of the millisecond's fraction as a sequence, kept increasing
// within the process, then 62 random bits.
//
// It is uuid.NewV7 with two costs removed, which were half the time of
// [New]: it takes the clock reading the event's Timestamp is made from
// instead of reading the clock again (so the ID's time is the event's),
// and its random bits come from the runtime's generator (the one behind
// math/rand/v2's top-level functions: ChaCha8, one state per thread,
// seeded from the system's source) instead of a read of the system's
// source for each ID. The bits serve uniqueness, not secrecy, which is
// all an event ID needs; Go does not promise that generator for secrets.
// uuid.EnableRandPool would save the reads too, but for every user of
// uuid in the process.
func newID(now time.Time) string { return processV7.newID(now) }

// newID makes the ID; c keeps the IDs it makes increasing. The text is
// written on the stack, so the string is the one allocation.
func (c *v7Clock) newID(now time.Time) string {
	var buf [idLen]byte
	return string(c.appendID(buf[:0], now))
}

// appendID appends the ID, in the form of uuid.UUID.String, to dst.
func (c *v7Clock) appendID(dst []byte, now time.Time) []byte {
	nano := now.UnixNano()
	milli := nano / int64(time.Millisecond)
	seq := (nano - milli*int64(time.Millisecond)) >> 8 // 0 to 3906: 12 bits
	stamp := c.next(milli<<12 + seq)
	milli, seq = stamp>>12, stamp&0xfff

	var id uuid.UUID
	binary.BigEndian.PutUint64(id[0:8], uint64(milli)<<16)
	id[6] = 0x70 | byte(seq>>8) // version 7
	id[7] = byte(seq)
	binary.BigEndian.PutUint64(id[8:16], rand.Uint64())
	id[8] = id[8]&0x3f | 0x80 // variant 10 (RFC 9562)
	return appendUUID(dst, id)
}

// idLen is the length of a UUID's string form.
const idLen = 36

// appendUUID appends id in its string form, as id.String() writes it
// (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, lower-case), without the
// allocation of that string.
func appendUUID(dst []byte, id uuid.UUID) []byte {
	const hex = "0123456789abcdef"
	n := len(dst)
	dst = slices.Grow(dst, idLen)[:n+idLen]
	s := (*[idLen]byte)(dst[n:])
	for i, at := range uuidDigits {
		s[at], s[at+1] = hex[id[i]>>4], hex[id[i]&0xf]
	}
	s[8], s[13], s[18], s[23] = '-', '-', '-', '-'
	return dst
}

// uuidDigits is where the two hex digits of each byte of a UUID go in
// its string form.
var uuidDigits = [16]uint8{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

// v7Clock keeps the IDs made in this process increasing, as uuid.NewV7
// does: a stamp (milliseconds << 12 | sequence) at or below the last one
// becomes the last one plus one.
type v7Clock struct {
	last atomic.Int64
}

// processV7 is the clock of every ID New makes.
var processV7 v7Clock

func (c *v7Clock) next(stamp int64) int64 {
	for {
		last := c.last.Load()
		next := max(stamp, last+1)
		if c.last.CompareAndSwap(last, next) {
			return next
		}
	}
}
