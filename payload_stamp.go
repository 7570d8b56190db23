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
//
// A payload that New wrote for a payload struct of type T carries a
// stronger, canonical stamp, bound to T: its content also passed T's
// validation, and it holds each field once, under its exact key, as the
// encoder writes it. Validate (and so ToCloudEvent, Subject and the
// transports) then checks only the envelope, and reads the subject
// without decoding the rest; under any other Type the stamp does not
// match at all.
const stampLen = 8

// stampSeed and typeSeed key the stamps; they are random for each
// process, so a stamp cannot be made outside it.
var stampSeed, typeSeed = maphash.MakeSeed(), maphash.MakeSeed()

// stamp writes the stamp of p, whose bytes passed payloadProblem, past its
// end when its capacity leaves room, and returns p with its capacity cut
// to the stamp's end. Without room p is returned as it is, unstamped.
func stamp(p []byte) []byte { return writeStamp(p, 0) }

// stampCanonical is stamp for p written by the encoder of the payload
// struct of type t, from a payload that passed its validation.
func stampCanonical(p []byte, t EventType) []byte { return writeStamp(p, typeKey(t)) }

func writeStamp(p []byte, key uint64) []byte {
	if len(p) == 0 || cap(p)-len(p) < stampLen {
		return p
	}
	binary.LittleEndian.PutUint64(p[len(p):len(p)+stampLen], maphash.Bytes(stampSeed, p)^key)
	return p[: len(p) : len(p)+stampLen]
}

// typeKey is what a canonical stamp for t adds to a plain one; never 0.
func typeKey(t EventType) uint64 { return maphash.String(typeSeed, string(t)) | 1 }

// stampedCopy returns a stamped copy of p, whose bytes passed
// payloadProblem, in one allocation.
func stampedCopy(p []byte) []byte { return stamp(copyWithStampRoom(p)) }

// copyWithStampRoom returns a copy of p with room for a stamp past its
// end, unstamped.
func copyWithStampRoom(p []byte) []byte {
	b := make([]byte, len(p), len(p)+stampLen)
	copy(b, p)
	return b
}

// stampOf reports whether p, the payload of an event of type t, carries a
// stamp of its bytes (checked: they passed payloadProblem in this process
// and have not changed since), and whether that stamp is canonical for t.
func stampOf(p []byte, t EventType) (checked, canonical bool) {
	if len(p) == 0 || cap(p)-len(p) < stampLen {
		return false, false
	}
	switch s, h := binary.LittleEndian.Uint64(p[len(p):len(p)+stampLen]), maphash.Bytes(stampSeed, p); s {
	case h:
		return true, false
	case h ^ typeKey(t):
		return true, true
	}
	return false, false
}
