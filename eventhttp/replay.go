package eventhttp

import (
	"strings"
	"sync"
	"time"
)

// DefaultReplayMemory is the number of event IDs that
// [WithReplayProtection] remembers unless told otherwise: at about 140
// bytes an ID (a UUID; TestReplayMemoryBytesPerID measures it), some
// 14 MB at most. It holds 5 minutes of 330 events/s; a busier receiver
// still lets no replay through, but asks more senders to sign again.
const DefaultReplayMemory = 100_000

// A replayVerdict says what to do with a signed request, given the IDs
// accepted before.
type replayVerdict int

const (
	// replayNew: an ID not seen within the tolerance window; handle it.
	replayNew replayVerdict = iota
	// replayDone: an ID handled successfully before; answer 2xx without
	// handling it again.
	replayDone
	// replayBusy: an ID being handled right now; answer 503, so the
	// sender comes back when the first delivery has succeeded or failed.
	replayBusy
	// replayForgotten: a timestamp no newer than that of an ID the
	// memory had to forget while it could still be replayed; answer 503,
	// so the sender signs again with a fresh timestamp.
	replayForgotten
)

// replayMemory remembers the IDs of the signed requests a handler
// accepted, until their timestamp leaves the tolerance window, after
// which the timestamp check refuses a replay by itself. It holds at most
// size IDs: when full, it forgets the ID accepted first and raises a
// floor to its timestamp, below which every request is refused as a
// possible replay (with 503, so an honest sender retries, signing anew).
// So no replay gets through however full the memory, and memory stays
// bounded; a memory that fills within the tolerance window only makes
// requests older than the forgotten ones take one more attempt.
type replayMemory struct {
	mu        sync.Mutex
	tolerance int64 // seconds
	size      int
	byID      map[string]replayEntry
	queue     []replaySlot // ring, in the order of acceptance
	head, n   int
	floor     int64 // requests with a timestamp ≤ floor are refused
	seq       uint64
}

// replayEntry is what the memory knows of an ID.
type replayEntry struct {
	unix int64  // the latest signed timestamp accepted for the ID
	seq  uint64 // of the slot that holds the ID
	done bool   // handled successfully
}

// replaySlot is the place of an ID in the order of acceptance; a slot
// whose seq is not its ID's entry's (the ID failed and was forgotten, or
// taken again) is skipped.
type replaySlot struct {
	id  string
	seq uint64
}

func newReplayMemory(size int, tolerance time.Duration) *replayMemory {
	return &replayMemory{
		tolerance: int64((tolerance + time.Second - 1) / time.Second),
		size:      size,
		byID:      make(map[string]replayEntry),
	}
}

// begin says what to do with a request for id signed at unix (seconds),
// received at now. For replayNew, it remembers the ID as being handled,
// and finish must be called with the returned seq.
func (m *replayMemory) begin(id string, unix, now int64) (replayVerdict, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	if e, ok := m.byID[id]; ok {
		if !e.done {
			return replayBusy, 0
		}
		if unix > e.unix { // a retry, signed anew: remember its later timestamp
			e.unix = unix
			m.byID[id] = e
		}
		return replayDone, 0
	}
	if unix <= m.floor {
		return replayForgotten, 0
	}
	for m.n == m.size {
		m.forgetOldest(true)
	}
	m.seq++
	id = strings.Clone(id) // not the request's memory, which it may share
	m.push(replaySlot{id: id, seq: m.seq})
	m.byID[id] = replayEntry{unix: unix, seq: m.seq}
	return replayNew, m.seq
}

// finish records the outcome of the handling that begin allowed: an ID
// handled successfully is remembered as done; one that failed is
// forgotten, so that the sender's retry is handled.
func (m *replayMemory) finish(id string, seq uint64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, found := m.byID[id]
	if !found || e.seq != seq {
		return
	}
	if ok {
		e.done = true
		m.byID[id] = e
		return
	}
	delete(m.byID, id)
}

// expire forgets the IDs, in the order of acceptance, whose timestamp
// has left the tolerance window, so that a replay is refused by the
// timestamp check anyway.
func (m *replayMemory) expire(now int64) {
	for m.n > 0 {
		s := m.queue[m.head]
		if e, ok := m.byID[s.id]; ok && e.seq == s.seq && e.unix+m.tolerance >= now {
			return
		}
		m.forgetOldest(false)
	}
}

// forgetOldest drops the first slot of the queue; if full, the memory is
// forgetting an ID whose requests could still be replayed, so the floor
// rises to its timestamp.
func (m *replayMemory) forgetOldest(full bool) {
	s := m.queue[m.head]
	m.queue[m.head] = replaySlot{}
	m.head = (m.head + 1) % len(m.queue)
	m.n--
	e, ok := m.byID[s.id]
	if !ok || e.seq != s.seq {
		return
	}
	delete(m.byID, s.id)
	if full && e.unix > m.floor {
		m.floor = e.unix
	}
}

// push appends a slot to the ring, growing it up to size.
func (m *replayMemory) push(s replaySlot) {
	if m.n == len(m.queue) {
		grown := make([]replaySlot, min(max(2*len(m.queue), 64), m.size))
		for i := 0; i < m.n; i++ {
			grown[i] = m.queue[(m.head+i)%len(m.queue)]
		}
		m.queue, m.head = grown, 0
	}
	m.queue[(m.head+m.n)%len(m.queue)] = s
	m.n++
}
