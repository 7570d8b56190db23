package eventoutbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaseChecked is a slow target, one per forwarder, that checks at every
// Publish that the lease row in the database names its forwarder and has
// not expired, and that no other forwarder is sending at the same time.
type leaseChecked struct {
	o      *Outbox
	owner  string // the forwarder's; set before Run
	shared *leaseShared
	delay  func(e events.Event) time.Duration
}

// leaseShared is what the forwarders' targets have in common.
type leaseShared struct {
	active, most atomic.Int32
	mu           sync.Mutex
	got          []string
	violations   []string
}

func (x *leaseChecked) Publish(ctx context.Context, e events.Event) error {
	n := x.shared.active.Add(1)
	defer x.shared.active.Add(-1)
	for {
		m := x.shared.most.Load()
		if n <= m || x.shared.most.CompareAndSwap(m, n) {
			break
		}
	}
	var owner string
	var expires int64
	err := x.o.db.QueryRowContext(ctx, "SELECT owner, expires_at FROM eventoutbox_lease WHERE name = 'forwarder'").Scan(&owner, &expires)
	x.shared.mu.Lock()
	switch {
	case err != nil:
		x.shared.violations = append(x.shared.violations, fmt.Sprintf("%s: reading the lease: %v", e.ID, err))
	case owner != x.owner || expires <= time.Now().UnixNano():
		x.shared.violations = append(x.shared.violations, fmt.Sprintf("%s sent by %s while the lease is %s's until %d", e.ID, x.owner, owner, expires))
	}
	x.shared.mu.Unlock()
	select {
	case <-time.After(x.delay(e)):
	case <-ctx.Done():
		return ctx.Err()
	}
	x.shared.mu.Lock()
	x.shared.got = append(x.shared.got, e.ID)
	x.shared.mu.Unlock()
	return nil
}

// TestLeaseKeptWhileSending: a batch that takes longer than LeaseTTL,
// and a single Publish that does, keep the lease: the other forwarder
// never takes it over mid-batch, so every event goes out once, in order,
// from one forwarder at a time holding the lease.
func TestLeaseKeptWhileSending(t *testing.T) {
	o := openTempSQLite(t)
	ids := publishN(t, o, 30)
	const ttl = 500 * time.Millisecond // the batch takes 30 × 40 ms + 2 × ttl
	shared := &leaseShared{}
	delay := func(e events.Event) time.Duration {
		if e.ID == ids[10] {
			return 2 * ttl // one Publish longer than the lease
		}
		return 40 * time.Millisecond
	}
	for range 2 {
		target := &leaseChecked{o: o, shared: shared, delay: delay}
		f, err := o.NewForwarder(ForwarderConfig{Target: target, LeaseTTL: ttl, PollInterval: 20 * time.Millisecond, MinBackoff: 5 * time.Millisecond})
		require.NoError(t, err)
		target.owner = f.owner
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.Run(ctx) }()
		t.Cleanup(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	waitFor(t, "all forwarded", func() bool {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		return len(shared.got) >= len(ids)
	})
	shared.mu.Lock()
	defer shared.mu.Unlock()
	assert.Equal(t, ids, shared.got, "each once, in stored order")
	assert.Empty(t, shared.violations, "sent only under the lease")
	assert.Equal(t, int32(1), shared.most.Load(), "one forwarder sending at a time")
}

// blockingTarget blocks each Publish until its context ends, after
// telling started.
type blockingTarget struct {
	started chan events.Event
	ended   chan error
}

func (b *blockingTarget) Publish(ctx context.Context, e events.Event) error {
	b.started <- e
	<-ctx.Done()
	err := ctx.Err()
	b.ended <- err
	return err
}

// TestLeaseLostStopsTheBatch: when another takes the lease while a
// forwarder is sending, the Publish under way is cancelled, and the
// forwarder starts no other until it holds the lease again; then it
// starts over from the oldest event.
func TestLeaseLostStopsTheBatch(t *testing.T) {
	o := openTempSQLite(t)
	ids := publishN(t, o, 3)
	const ttl = 300 * time.Millisecond
	target := &blockingTarget{started: make(chan events.Event, 10), ended: make(chan error, 10)}
	f := runForwarder(t, o, ForwarderConfig{Target: target, LeaseTTL: ttl})
	first := <-target.started
	assert.Equal(t, ids[0], first.ID)

	// Another process takes the lease (as if the forwarder's had
	// expired) and holds it.
	_, err := o.db.Exec("UPDATE eventoutbox_lease SET owner = 'thief', expires_at = ? WHERE name = 'forwarder'", time.Now().Add(time.Hour).UnixNano())
	require.NoError(t, err)
	select {
	case err := <-target.ended:
		assert.True(t, errors.Is(err, context.Canceled), "cancelled, got %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the Publish under way was not cancelled when the lease was lost")
	}
	// Give the forwarder several lease periods to misbehave.
	deadline := time.Now().Add(3 * ttl)
	for time.Now().Before(deadline) {
		select {
		case e := <-target.started:
			t.Fatalf("%s sent without the lease", e.ID)
		case <-time.After(10 * time.Millisecond):
		}
	}
	assert.Zero(t, f.Stats().Forwarded)

	// The thief gives it back: the forwarder takes it again, from the
	// oldest event.
	_, err = o.db.Exec("UPDATE eventoutbox_lease SET expires_at = 0 WHERE name = 'forwarder'")
	require.NoError(t, err)
	select {
	case e := <-target.started:
		assert.Equal(t, ids[0], e.ID)
	case <-time.After(20 * time.Second):
		t.Fatal("the forwarder did not take the lease again")
	}
}
