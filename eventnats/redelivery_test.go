package eventnats

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGracefulStopsDoNotDeadLetterGoodEvents: each graceful stop gives
// back the pulled-ahead events, which raises their delivery count on the
// server although no handler ever ran on them. After several stops the
// events must still be handled, not dead-lettered, even with MaxDeliver 1.
func TestGracefulStopsDoNotDeadLetterGoodEvents(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	evs := violations(t, "g", 20)
	require.NoError(t, env.publisher(t).PublishBatch(ctx, evs))

	var mu sync.Mutex
	handled := map[string]bool{}
	for round := range 3 {
		started := make(chan struct{}, 1)
		release := make(chan struct{})
		h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
			select {
			case started <- struct{}{}:
			default:
			}
			<-release // slow: a deploy stops the process meanwhile
			mu.Lock()
			handled[e.ID] = true
			mu.Unlock()
			return nil
		})
		c := env.consumer(t, ConsumerConfig{Durable: "restarts", MaxDeliver: 1, Batch: 10})
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(rctx, h) }()
		select {
		case <-started:
		case <-time.After(waitFor):
			t.Fatalf("round %d: no handler started", round)
		}
		cancel() // the stop begins while the handler runs
		close(release)
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(waitFor):
			t.Fatalf("round %d: Run did not return", round)
		}
		require.Zero(t, c.Stats().DeadLettered, "round %d", round)
	}

	h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
		mu.Lock()
		handled[e.ID] = true
		mu.Unlock()
		return nil
	})
	c := env.consumer(t, ConsumerConfig{Durable: "restarts", MaxDeliver: 1, Batch: 10})
	stop := run(t, c, h)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == len(evs)
	}, waitFor, 10*time.Millisecond)
	waitSettled(t, env, "restarts")
	stop()
	assert.Zero(t, c.Stats().DeadLettered)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// TestSlowHandlerKeepsItsEvent: a handler running three times AckWait
// reports progress, so the server does not redeliver its event meanwhile:
// it is handled once and not dead-lettered.
func TestSlowHandlerKeepsItsEvent(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	require.NoError(t, env.publisher(t).Publish(ctx, violation(t, "slow")))
	var calls atomic.Int32
	h := events.HandlerFunc(func(context.Context, events.Event) error {
		calls.Add(1)
		time.Sleep(3 * time.Second)
		return nil
	})
	c := env.consumer(t, ConsumerConfig{Durable: "slow", MaxDeliver: 1, AckWait: time.Second})
	stop := run(t, c, h)
	require.Eventually(t, func() bool { return c.Stats().Handled+c.Stats().DeadLettered >= 1 }, waitFor, 10*time.Millisecond)
	// A redelivery made while the handler ran would now be pending or
	// already handled; wait until the server has nothing outstanding.
	waitSettled(t, env, "slow")
	stop()
	assert.EqualValues(t, 1, calls.Load())
	assert.Equal(t, ConsumerStats{Received: 1, Handled: 1}, c.Stats())
}

// TestEventsWaitingPastAckWaitNotDeadLettered: with Batch × handler time
// well over AckWait, events wait pulled ahead until the server redelivers
// them; they are handled more than once (at least once), but none that
// the handler accepted is dead-lettered.
func TestEventsWaitingPastAckWaitNotDeadLettered(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	evs := violations(t, "w", 30)
	require.NoError(t, env.publisher(t).PublishBatch(ctx, evs))
	var mu sync.Mutex
	seen := map[string]int{}
	h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
		time.Sleep(100 * time.Millisecond) // 30 × 100 ms is three AckWaits
		mu.Lock()
		seen[e.ID]++
		mu.Unlock()
		return nil
	})
	c := env.consumer(t, ConsumerConfig{Durable: "waiting", MaxDeliver: 1, Batch: 30, AckWait: time.Second})
	stop := run(t, c, h)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == 30
	}, waitFor, 10*time.Millisecond)
	waitSettled(t, env, "waiting")
	stop()
	st := c.Stats()
	t.Logf("stats %+v", st)
	assert.Zero(t, st.DeadLettered)
	assert.GreaterOrEqual(t, st.Handled, uint64(30))
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// waitSettled waits until the durable has no event pending or
// unacknowledged on the server.
func waitSettled(t *testing.T, env *testEnv, durable string) {
	t.Helper()
	ctx := context.Background()
	require.Eventually(t, func() bool {
		cons, err := env.js.Consumer(ctx, DefaultStreamName, durable)
		if err != nil {
			return false
		}
		ci, err := cons.Info(ctx)
		return err == nil && ci.NumAckPending == 0 && ci.NumPending == 0
	}, waitFor, 20*time.Millisecond)
}
