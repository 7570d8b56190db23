package events

import (
	"encoding/binary"
	"hash/maphash"
)

// A payload's bytes must pass payloadProblem (an object of valid JSON and
// UTF-8, within MaxPayloadBytes) where they enter and again where they
// leave: New and ParseEvent check them, AppendJSON and Validate check them
// again, since Payload is an exported field anyone may change in between.
// Checking again bytes that this package wrote or checked itself was a
// fifth of a round trip.
//
// So where this package makes or copies a payload it has checked, it
// leaves a stamp in the stampLen bytes past the payload's end, between its
// length and its capacity, where the caller's slice does not reach: a
// hash of the bytes under a key made at start-up. A payload whose stamp
// matches holds bytes this process checked, and the check is skipped. Any
// change to the bytes, or a reslice or an append that moves or overwrites
// the stamp, breaks the match (but for a 2⁻⁶⁴ chance), and the payload is
// checked in full as before; so is a payload made in any other way.
const stampLen = 8

// stampSeed keys the stamps; it is random for each process, so a stamp
// cannot be made outside it.
var stampSeed = maphash.MakeSeed()

// stamp writes the stamp of p, whose bytes passed payloadProblem, past its
// end when its capacity leaves room, and returns p with its capacity cut
// to the stamp's end. Without room p is returned as it is, unstamped.
func stamp(p []byte) []byte {
	if len(p) == 0 || cap(p)-len(p) < stampLen {
		return p
	}
	binary.LittleEndian.PutUint64(p[len(p):len(p)+stampLen], maphash.Bytes(stampSeed, p))
	return p[:len(p):len(p)+stampLen]
}

// stampedCopy returns a stamped copy of p, whose bytes passed
// payloadProblem, in one allocation.
func stampedCopy(p []byte) []byte {
	b := make([]byte, len(p), len(p)+stampLen)
	copy(b, p)
	return stamp(b)
}

// stamped reports whether p carries the stamp of its bytes: they passed
// payloadProblem in this process and have not changed since.
func stamped(p []byte) bool {
	if len(p) == 0 || cap(p)-len(p) < stampLen {
		return false
	}
	return binary.LittleEndian.Uint64(p[len(p):len(p)+stampLen]) == maphash.Bytes(stampSeed, p)
}
