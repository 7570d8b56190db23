package eventhttp

import (
	"container/heap"
	"strings"
	"sync"
	"time"
)

// DefaultReplayMemory is the number of event IDs that
// [WithReplayProtection] remembers unless told otherwise: at about 85
// bytes an ID (a UUID; TestReplayMemoryBytesPerID measures it), some
// 8.5 MB at most. It holds 5 minutes of 330 events/s; a busier receiver
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
// size IDs: when full, it forgets the ID signed earliest and raises a
// floor to its timestamp, below which every request is refused as a
// possible replay (with 503, so an honest sender retries, signing anew).
// Forgetting the earliest keeps the floor as low as it can be, so a
// sender whose clock runs ahead cannot push it over the honest senders'
// requests. So no replay gets through however full the memory, and
// memory stays bounded; a memory that fills within the tolerance window
// only makes requests older than the forgotten ones take one more
// attempt.
//
// The memory keeps its own clock, the latest time it was given: an ID is
// forgotten once its timestamp is older than that clock allows, so a
// request signed that long ago is refused as forgotten too, whenever its
// own time was read (a body sent slowly, a request that waited for the
// lock).
type replayMemory struct {
	mu        sync.Mutex
	tolerance int64 // seconds
	size      int
	byID      map[string]*replayEntry
	bySigned  replayHeap // earliest timestamp first
	floor     int64      // requests with a timestamp ≤ floor are refused
	latest    int64      // the latest time begin was given
	seq       uint64
}

// replayEntry is what the memory knows of an ID.
type replayEntry struct {
	id    string
	unix  int64  // the latest signed timestamp accepted for the ID
	seq   uint64 // tells this acceptance from an earlier one of the ID
	done  bool   // handled successfully
	index int    // in bySigned
}

func newReplayMemory(size int, tolerance time.Duration) *replayMemory {
	return &replayMemory{
		tolerance: int64((tolerance + time.Second - 1) / time.Second),
		size:      size,
		byID:      make(map[string]*replayEntry),
	}
}

// begin says what to do with a request for id signed at unix (seconds),
// received at now. For replayNew, it remembers the ID as being handled,
// and finish must be called with the returned seq.
func (m *replayMemory) begin(id string, unix, now int64) (replayVerdict, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.latest = max(m.latest, now)
	m.expire()
	if e, ok := m.byID[id]; ok {
		if !e.done {
			return replayBusy, 0
		}
		if unix > e.unix { // a retry, signed anew: remember its later timestamp
			e.unix = unix
			heap.Fix(&m.bySigned, e.index)
		}
		return replayDone, 0
	}
	if unix <= m.floor || m.expired(unix) {
		return replayForgotten, 0
	}
	for len(m.bySigned) >= m.size {
		e := heap.Pop(&m.bySigned).(*replayEntry)
		delete(m.byID, e.id)
		m.floor = max(m.floor, e.unix)
	}
	m.seq++
	e := &replayEntry{id: strings.Clone(id), unix: unix, seq: m.seq} // not the request's memory
	heap.Push(&m.bySigned, e)
	m.byID[e.id] = e
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
		return
	}
	heap.Remove(&m.bySigned, e.index)
	delete(m.byID, id)
}

// expired reports whether a request signed at unix is out of the
// tolerance window by the memory's clock.
func (m *replayMemory) expired(unix int64) bool {
	return unix+m.tolerance < m.latest
}

// expire forgets the IDs whose timestamp has left the tolerance window:
// a replay of them is refused as expired.
func (m *replayMemory) expire() {
	for len(m.bySigned) > 0 && m.expired(m.bySigned[0].unix) {
		e := heap.Pop(&m.bySigned).(*replayEntry)
		delete(m.byID, e.id)
	}
}

// replayHeap orders entries by signed timestamp, then acceptance
// (container/heap).
type replayHeap []*replayEntry

func (h replayHeap) Len() int { return len(h) }
func (h replayHeap) Less(i, j int) bool {
	if h[i].unix != h[j].unix {
		return h[i].unix < h[j].unix
	}
	return h[i].seq < h[j].seq
}
func (h replayHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *replayHeap) Push(x any) {
	e := x.(*replayEntry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *replayHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
