package eventoutbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publishN publishes n events and returns their IDs in order.
func publishN(t *testing.T, o *Outbox, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		e := violation(t, i)
		require.NoError(t, o.Publish(t.Context(), e))
		ids[i] = e.ID
	}
	return ids
}

// TestForwarderSendsInOrderAndRetries: events arrive in the order they
// were stored, with their IDs, however often the target fails first.
func TestForwarderSendsInOrderAndRetries(t *testing.T) {
	for _, s := range stores() {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			down := errors.New("target down")
			ids := publishN(t, o, 50)
			failing := map[string]bool{ids[0]: true, ids[6]: true, ids[7]: true, ids[30]: true, ids[49]: true}
			target := &recorder{fail: func(e events.Event, n int) error {
				if failing[e.ID] && n <= 3 {
					return down // these fail three times
				}
				return nil
			}}
			f := runForwarder(t, o, ForwarderConfig{Target: target, Batch: 7})
			waitFor(t, "all forwarded", func() bool { return target.count() == len(ids) })
			assert.Equal(t, ids, target.ids(), "in stored order, same IDs, each once")
			waitFor(t, "all marked", func() bool { return pending(t, o) == 0 && f.Stats().Forwarded == 50 })
			st := f.Stats()
			assert.GreaterOrEqual(t, st.Failures, uint64(3*len(failing)))
			for id := range failing {
				assert.Equal(t, 4, target.attempts[id], "sent again after each failure")
			}
			assert.Zero(t, st.Refused)
		})
	}
}

// TestForwarderWakesOnPublish: an event published while the forwarder
// waits is sent without waiting for the poll.
func TestForwarderWakesOnPublish(t *testing.T) {
	o := openTempSQLite(t)
	target := &recorder{}
	runForwarder(t, o, ForwarderConfig{Target: target, PollInterval: time.Hour})
	time.Sleep(20 * time.Millisecond) // let it go to sleep
	ids := publishN(t, o, 3)
	waitFor(t, "forwarded at once", func() bool { return target.count() == 3 })
	assert.Equal(t, ids, target.ids())
}

// TestForwarderMovesRefusedAside: an event the target refuses for good is
// moved aside with the reason, the others go on; requeued, it is sent.
func TestForwarderMovesRefusedAside(t *testing.T) {
	for _, s := range stores() {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			ids := publishN(t, o, 5)
			tooBig := errors.New("too large for this transport")
			var fixed atomic.Bool
			target := &recorder{fail: func(e events.Event, n int) error {
				switch {
				case fixed.Load():
					return nil
				case e.ID == ids[1]:
					return fmt.Errorf("receiver: %w", events.Permanent(errors.New("checkout is not ours")))
				case e.ID == ids[3]:
					return tooBig
				}
				return nil
			}}
			f := runForwarder(t, o, ForwarderConfig{Target: target, Permanent: func(err error) bool { return errors.Is(err, tooBig) }})
			waitFor(t, "the others forwarded, two refused", func() bool { return pending(t, o) == 0 && f.Stats().Refused == 2 })
			assert.Equal(t, []string{ids[0], ids[2], ids[4]}, target.ids())

			refused, err := o.Refused(t.Context(), 0)
			require.NoError(t, err)
			require.Len(t, refused, 2)
			assert.Equal(t, ids[1], refused[0].Event.ID)
			assert.Contains(t, refused[0].Reason, "checkout is not ours")
			assert.Equal(t, ids[3], refused[1].Event.ID)
			assert.Equal(t, "too large for this transport", refused[1].Reason)
			assert.False(t, refused[0].RefusedAt.Before(refused[0].StoredAt))
			assert.Equal(t, 1, target.attempts[ids[1]], "a refusal is not retried")
			one, err := o.Refused(t.Context(), 1)
			require.NoError(t, err)
			assert.Len(t, one, 1)

			fixed.Store(true)
			n, err := o.Requeue(t.Context(), ids[1], ids[3], "no-such-id")
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			waitFor(t, "requeued events forwarded", func() bool { return target.count() == 5 })
			assert.Equal(t, []string{ids[0], ids[2], ids[4], ids[1], ids[3]}, target.ids())
			refused, err = o.Refused(t.Context(), 0)
			require.NoError(t, err)
			assert.Empty(t, refused)
		})
	}
}

// TestForwarderResumesAfterRestart: what was not confirmed before the
// outbox was closed is sent after it is opened again.
func TestForwarderResumesAfterRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path)
	require.NoError(t, err)
	ids := publishN(t, o, 10)
	var sent atomic.Int32
	first := &recorder{fail: func(e events.Event, n int) error {
		if sent.Add(1) > 4 {
			return errors.New("down")
		}
		return nil
	}}
	f, err := o.NewForwarder(ForwarderConfig{Target: first, Batch: 2, MinBackoff: time.Millisecond})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	waitFor(t, "four sent", func() bool { return first.count() == 4 })
	cancel()
	require.NoError(t, <-done)
	require.NoError(t, o.Close())

	o, err = Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { o.Close() }) // after the forwarder stopped
	assert.Equal(t, 6, pending(t, o))
	second := &recorder{}
	runForwarder(t, o, ForwarderConfig{Target: second})
	waitFor(t, "the rest sent", func() bool { return second.count() == 6 })
	assert.Equal(t, ids[4:], second.ids())
}

// exclusive is a target that counts how many forwarders send at once.
type exclusive struct {
	active, most atomic.Int32
	mu           sync.Mutex
	sends        map[string]int
}

func (x *exclusive) Publish(ctx context.Context, e events.Event) error {
	n := x.active.Add(1)
	defer x.active.Add(-1)
	for {
		m := x.most.Load()
		if n <= m || x.most.CompareAndSwap(m, n) {
			break
		}
	}
	x.mu.Lock()
	x.sends[e.ID]++
	x.mu.Unlock()
	time.Sleep(100 * time.Microsecond)
	return nil
}

// TestForwardersShareOneOutbox: several forwarders on one outbox send
// every event once. On SQLite one forwards at a time (the lease); on
// PostgreSQL they split the work with SKIP LOCKED and never send the same
// event at once.
func TestForwardersShareOneOutbox(t *testing.T) {
	for _, s := range stores() {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			ids := publishN(t, o, 300)
			target := &exclusive{sends: map[string]int{}}
			for range 3 {
				runForwarder(t, o, ForwarderConfig{Target: target, Batch: 10})
			}
			waitFor(t, "all forwarded", func() bool { return pending(t, o) == 0 })
			target.mu.Lock()
			defer target.mu.Unlock()
			for _, id := range ids {
				assert.Equal(t, 1, target.sends[id], id)
			}
			if s.name == "sqlite" {
				assert.Equal(t, int32(1), target.most.Load(), "one forwarder at a time")
			}
			t.Logf("%s: at most %d forwarders sending at once", s.name, target.most.Load())
		})
	}
}

// TestLeaseTakenOverAfterExpiry: a forwarder that stops without giving
// the lease back holds up the others for LeaseTTL only.
func TestLeaseTakenOverAfterExpiry(t *testing.T) {
	o := openTempSQLite(t)
	a, err := o.NewForwarder(ForwarderConfig{Target: &recorder{}, LeaseTTL: 300 * time.Millisecond})
	require.NoError(t, err)
	held, err := a.renewLease(t.Context())
	require.NoError(t, err)
	require.True(t, held)
	b, err := o.NewForwarder(ForwarderConfig{Target: &recorder{}, LeaseTTL: 300 * time.Millisecond})
	require.NoError(t, err)
	held, err = b.renewLease(t.Context())
	require.NoError(t, err)
	assert.False(t, held, "a holds it")
	waitFor(t, "the lease expires and b takes it", func() bool {
		held, err := b.renewLease(t.Context())
		return err == nil && held
	})
	held, err = a.renewLease(t.Context())
	require.NoError(t, err)
	assert.False(t, held, "b holds it now")
	require.NoError(t, b.releaseLease(t.Context()))
	held, err = a.renewLease(t.Context())
	require.NoError(t, err)
	assert.True(t, held, "given back, taken at once")
}

func TestNewForwarderRefusesBadConfig(t *testing.T) {
	o := openTempSQLite(t)
	for _, cfg := range []ForwarderConfig{
		{},
		{Target: &recorder{}, Batch: -1},
		{Target: &recorder{}, MaxBackoff: -time.Second},
		{Target: &recorder{}, LeaseTTL: -time.Second},
	} {
		_, err := o.NewForwarder(cfg)
		assert.ErrorIs(t, err, ErrInvalidConfig, "%+v", cfg)
	}
}

func TestForwarderStopsWhenOutboxCloses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path)
	require.NoError(t, err)
	f, err := o.NewForwarder(ForwarderConfig{Target: &recorder{}})
	require.NoError(t, err)
	done := make(chan error)
	go func() { done <- f.Run(t.Context()) }()
	require.NoError(t, o.Close())
	assert.ErrorIs(t, <-done, ErrClosed)
}

func TestIsPermanent(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection refused"), false},
		{context.DeadlineExceeded, false},
		{fmt.Errorf("x: %w", events.ErrInvalidEvent), true},
		{fmt.Errorf("x: %w", events.ErrInvalidPayload), true},
		{fmt.Errorf("x: %w", events.ErrUnknownType), true},
		{fmt.Errorf("x: %w", events.ErrTypeMismatch), true},
		{events.Permanent(errors.New("no")), true},
		{fmt.Errorf("%w: %w", events.ErrRejected, context.Canceled), false},
	} {
		assert.Equal(t, tc.want, IsPermanent(tc.err), "%v", tc.err)
	}
}
