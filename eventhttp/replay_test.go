package eventhttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
)

func TestReplayMemory(t *testing.T) {
	const tol = 300
	m := newReplayMemory(3, tol*time.Second)
	now := int64(1_000_000)
	begin := func(id string, unix int64) (replayVerdict, uint64) { return m.begin(id, unix, now) }

	v, seqA := begin("a", now)
	if v != replayNew {
		t.Fatalf("a: %v, want new", v)
	}
	if v, _ := begin("a", now); v != replayBusy {
		t.Errorf("a while being handled: %v, want busy", v)
	}
	m.finish("a", seqA, true)
	if v, _ := begin("a", now); v != replayDone {
		t.Errorf("a handled: %v, want done", v)
	}
	if v, _ := begin("a", now+5); v != replayDone { // a retry, signed anew
		t.Errorf("a retried: %v, want done", v)
	}

	v, seqB := begin("b", now)
	if v != replayNew {
		t.Fatalf("b: %v", v)
	}
	m.finish("b", seqB, false) // failed: forgotten, so the retry is handled
	if v, _ := begin("b", now+1); v != replayNew {
		t.Errorf("b after a failure: %v, want new", v)
	}

	// Full (a at now+5, b at now+1, c at now+6): d forgets b, signed
	// earliest, whose timestamp becomes the floor.
	if v, _ := begin("c", now+6); v != replayNew {
		t.Fatalf("c: %v", v)
	}
	if v, _ := begin("d", now+7); v != replayNew {
		t.Fatalf("d: %v", v)
	}
	if m.floor != now+1 {
		t.Errorf("floor %d, want %d", m.floor, now+1)
	}
	if v, _ := begin("b", now+1); v != replayForgotten {
		t.Errorf("b replayed after being forgotten: %v, want forgotten", v)
	}
	if v, _ := begin("a", now); v != replayDone {
		t.Errorf("a, still remembered: %v, want done", v)
	}
	if v, _ := begin("e", now+1); v != replayForgotten {
		t.Errorf("e signed at the floor: %v, want forgotten", v)
	}
	if len(m.bySigned) > m.size || len(m.byID) > m.size {
		t.Errorf("%d entries, %d IDs; at most %d", len(m.bySigned), len(m.byID), m.size)
	}

	// Past the tolerance window, IDs expire: a replay of them is refused
	// by the timestamp check instead.
	now += 2 * tol
	if v, _ := begin("f", now); v != replayNew {
		t.Fatalf("f: %v", v)
	}
	if len(m.byID) != 1 {
		t.Errorf("%d IDs remembered after the window, want 1 (f)", len(m.byID))
	}
}

// A replay whose own time was read before the memory forgot its ID (its
// headers arrived in time, its body slowly; or another request moved
// the memory's clock first) is refused, not taken for a new ID.
func TestReplayMemoryRefusesWhatItMayHaveForgotten(t *testing.T) {
	const tol = 300
	m := newReplayMemory(10, tol*time.Second)
	signed := int64(1_000_000)
	v, seq := m.begin("a", signed, signed)
	if v != replayNew {
		t.Fatalf("a: %v", v)
	}
	m.finish("a", seq, true)
	if v, _ := m.begin("z", signed+tol+1, signed+tol+1); v != replayNew { // forgets a
		t.Fatalf("z: %v", v)
	}
	if v, _ := m.begin("a", signed, signed+tol); v != replayForgotten {
		t.Errorf("a replayed with a time read within the window, after a was forgotten: %v, want forgotten", v)
	}
}

// A sender whose clock runs ahead cannot make the memory refuse honest
// senders: when full, the memory forgets the ID signed earliest, not the
// one accepted first.
func TestReplayMemoryFutureSignatures(t *testing.T) {
	const tol = 300
	m := newReplayMemory(2, tol*time.Second)
	now := int64(1_000_000)
	for _, r := range []struct {
		id   string
		unix int64
	}{{"ahead", now + 240}, {"x1", now}, {"x2", now}} {
		v, seq := m.begin(r.id, r.unix, now)
		if v != replayNew {
			t.Fatalf("%s: %v", r.id, v)
		}
		m.finish(r.id, seq, true)
	}
	if v, _ := m.begin("honest", now+60, now+60); v != replayNew {
		t.Errorf("an honest request a minute later: %v (floor %d), want new", v, m.floor-now)
	}
	if v, _ := m.begin("ahead", now+240, now+60); v != replayDone {
		t.Errorf("ahead replayed: %v, want done", v)
	}
}

// However full, the memory lets no replay through: every ID accepted
// within the window is either remembered or below the floor.
func TestReplayMemoryNeverForgetsSilently(t *testing.T) {
	m := newReplayMemory(50, 300*time.Second)
	now := int64(1_000_000)
	accepted := map[string]int64{}
	for i := 0; i < 2000; i++ {
		if i%7 == 0 {
			now++
		}
		id := fmt.Sprint(i)
		unix := now - int64(i%5) // not quite in order, as senders' clocks
		v, seq := m.begin(id, unix, now)
		if v != replayNew {
			continue
		}
		m.finish(id, seq, i%11 != 0)
		if i%11 != 0 {
			accepted[id] = unix
		}
		if i%13 == 0 {
			for old, at := range accepted {
				if at+300 < now {
					continue // refused by the timestamp check
				}
				if v, _ := m.begin(old, at, now); v != replayDone && v != replayForgotten {
					t.Fatalf("replay of %s (signed at %d, floor %d) got %v", old, at, m.floor, v)
				}
			}
		}
	}
	if len(m.bySigned) > m.size || len(m.byID) > m.size {
		t.Errorf("%d entries, %d IDs; at most %d", len(m.bySigned), len(m.byID), m.size)
	}
}

// TestReplayMemoryBytesPerID measures what DefaultReplayMemory's doc
// says: the heap an ID takes.
func TestReplayMemoryBytesPerID(t *testing.T) {
	const n = 20_000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("0196a1b2-0000-7000-8000-%012d", i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := newReplayMemory(n, DefaultTolerance)
	for _, id := range ids {
		_, seq := m.begin(id, 1_000_000, 1_000_000)
		m.finish(id, seq, true)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := float64(after.HeapAlloc-before.HeapAlloc) / n
	t.Logf("%.0f bytes per ID", per)
	if per > 120 {
		t.Errorf("%.0f bytes per ID, more than the 85 or so DefaultReplayMemory's doc says", per)
	}
	runtime.KeepAlive(m)
}

// A request delivered twice, a replay or a retry after a lost answer,
// reaches the events.Handler once.
func TestReplayProtection(t *testing.T) {
	now := time.Now()
	h := &countingHandler{}
	s := mustHandler(t, h, RequireSignature(secretA), WithReplayProtection(0))
	e := testEvent(t)
	for i, req := range []*http.Request{
		newSignedRequest(t, e, Binary, now, secretA),
		newSignedRequest(t, e, Binary, now, secretA), // the same request again
		newSignedRequest(t, e, Structured, now.Add(time.Second), secretA),
	} {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusNoContent {
			t.Fatalf("delivery %d: status %d: %s", i+1, w.Code, w.Body)
		}
	}
	if h.n.Load() != 1 {
		t.Errorf("handled %d times, want 1", h.n.Load())
	}

	// Without the option, each delivery is handled.
	h2 := &countingHandler{}
	s2 := mustHandler(t, h2, RequireSignature(secretA))
	for range 2 {
		s2.ServeHTTP(httptest.NewRecorder(), newSignedRequest(t, e, Binary, now, secretA))
	}
	if h2.n.Load() != 2 {
		t.Errorf("without replay protection: handled %d times, want 2", h2.n.Load())
	}
}

// A Publisher's retry after an answer lost on the way does not run the
// work again; a retry after a failure does.
func TestReplayProtectionAndRetries(t *testing.T) {
	var fail atomic.Bool
	var calls atomic.Int32
	s := mustHandler(t, events.HandlerFunc(func(context.Context, events.Event) error {
		calls.Add(1)
		if fail.Swap(false) {
			return errors.New("database down")
		}
		return nil
	}), RequireSignature(secretA), WithReplayProtection(100))
	var dropped atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dropped.CompareAndSwap(false, true) {
			s.ServeHTTP(httptest.NewRecorder(), r) // handled, but the answer is lost
			dropConnection(w, r)
			return
		}
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	p, _ := newTestPublisher(t, srv.URL, WithSigningSecrets(secretA))
	if err := p.Publish(context.Background(), testEvent(t)); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("lost answer: handled %d times, want 1", calls.Load())
	}

	calls.Store(0)
	fail.Store(true)
	e := mustNew(t, "relay", "0196a1b2-0000-7000-8000-0000000000aa", events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourceRelay, Description: "p99", Actual: 1, Limit: 2,
	})
	if err := p.Publish(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("failure then retry: handled %d times, want 2", calls.Load())
	}
}

// An events.Handler that panics leaves no ID stuck as being handled: the
// retry is handled.
func TestReplayProtectionAfterPanic(t *testing.T) {
	var calls atomic.Int32
	s := mustHandler(t, events.HandlerFunc(func(context.Context, events.Event) error {
		if calls.Add(1) == 1 {
			panic("handler bug")
		}
		return nil
	}), RequireSignature(secretA), WithReplayProtection(10))
	now := time.Now()
	func() {
		defer func() { _ = recover() }() // as net/http does
		s.ServeHTTP(httptest.NewRecorder(), newSignedRequest(t, testEvent(t), Binary, now, secretA))
	}()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, newSignedRequest(t, testEvent(t), Binary, now.Add(time.Second), secretA))
	if w.Code != http.StatusNoContent || calls.Load() != 2 {
		t.Errorf("retry after a panic: status %d, %d calls; want 204 after 2", w.Code, calls.Load())
	}
}
