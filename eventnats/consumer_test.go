package eventnats

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

// TestConsumerRetriesThenSucceeds: a handler that fails twice then
// succeeds is called three times and the event is handled once.
func TestConsumerRetriesThenSucceeds(t *testing.T) {
	env := newEnv(t)
	require.NoError(t, env.publisher(t).Publish(context.Background(), violation(t, "flaky-1")))

	var calls atomic.Int32
	var successes atomic.Int32
	h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
		if calls.Add(1) <= 2 {
			return errors.New("downstream unavailable")
		}
		successes.Add(1)
		return nil
	})
	c := env.consumer(t, ConsumerConfig{MaxDeliver: 5})
	stop := run(t, c, h)
	require.Eventually(t, func() bool { return successes.Load() == 1 }, waitFor, 10*time.Millisecond)
	// Give a wrongly repeated delivery the chance to show up.
	require.NoError(t, env.publisher(t).Publish(context.Background(), violation(t, "flaky-2")))
	require.Eventually(t, func() bool { return c.Stats().Handled == 2 }, waitFor, 10*time.Millisecond)
	stop()

	assert.EqualValues(t, 4, calls.Load(), "3 attempts for the flaky event, 1 for the next")
	assert.EqualValues(t, 2, successes.Load())
	st := c.Stats()
	assert.EqualValues(t, 2, st.Retried)
	assert.EqualValues(t, 4, st.Received)
	assert.Zero(t, st.DeadLettered)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// TestConsumerWorkersShare: three workers on one durable consumer
// handle every event exactly once between them, and each does some.
func TestConsumerWorkersShare(t *testing.T) {
	env := newEnv(t)
	const n = 600
	evs := make([]events.Event, n)
	for i := range evs {
		evs[i] = violation(t, fmt.Sprintf("w-%03d", i))
	}
	require.NoError(t, env.publisher(t).PublishBatch(context.Background(), evs))

	var mu sync.Mutex
	seen := map[string]int{}
	perWorker := map[string]int{}
	h := events.HandlerFunc(func(ctx context.Context, e events.Event) error {
		time.Sleep(time.Millisecond) // real work takes time, so all workers get some
		mu.Lock()
		defer mu.Unlock()
		seen[e.ID]++
		w, ok := WorkerID(ctx)
		if !ok {
			return errors.New("no worker in context")
		}
		perWorker[fmt.Sprint(w)]++
		return nil
	})
	c := env.consumer(t, ConsumerConfig{Workers: 3, Batch: 10})
	stop := run(t, c, h)
	require.Eventually(t, func() bool { return c.Stats().Handled >= n }, waitFor, 10*time.Millisecond)
	stop()

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, n, "every event handled")
	for id, k := range seen {
		assert.Equal(t, 1, k, "event %s handled %d times", id, k)
	}
	require.Len(t, perWorker, 3, "all three workers handled events: %v", perWorker)
	for w, k := range perWorker {
		assert.Positive(t, k, "worker %s", w)
	}
}

// TestConsumerStopsOnCancel: cancelling Run's context lets the running
// handler finish and returns; unhandled events stay for the next run.
func TestConsumerStopsOnCancel(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	for i := range 5 {
		require.NoError(t, pub.Publish(ctx, violation(t, fmt.Sprintf("c-%d", i))))
	}
	started := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Int32
	var handlerCtxErr atomic.Value
	h := events.HandlerFunc(func(hctx context.Context, e events.Event) error {
		if e.ID == "c-0" {
			close(started)
			<-release
			handlerCtxErr.Store(fmt.Sprint(hctx.Err()))
		}
		finished.Add(1)
		return nil
	})
	c := env.consumer(t, ConsumerConfig{Durable: "stopper", Batch: 5})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c.Run(rctx, h) }()
	<-started
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a handler was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("Run did not return after cancel")
	}
	assert.EqualValues(t, 1, finished.Load(), "only the running handler finished")
	assert.Equal(t, "<nil>", handlerCtxErr.Load(), "the running handler's context was not cancelled")

	// The other four were given back and are handled by the next run.
	rec := &recorder{}
	c2 := env.consumer(t, ConsumerConfig{Durable: "stopper"})
	run(t, c2, rec)
	require.Eventually(t, func() bool { return rec.count() >= 4 }, waitFor, 10*time.Millisecond)
	ids := map[string]bool{}
	for _, e := range rec.events() {
		ids[e.ID] = true
	}
	assert.Equal(t, map[string]bool{"c-1": true, "c-2": true, "c-3": true, "c-4": true}, ids)
}

func TestConsumerConfigErrors(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	for _, cfg := range []ConsumerConfig{
		{},
		{Durable: "a.b"},
		{Durable: "a b"},
		{Durable: "ok", Types: []events.EventType{"run.*"}},
		{Durable: "ok", Workers: -1},
		{Durable: "ok", DeadLetterPrefix: "algoryn.events.dlq"},
	} {
		_, err := NewConsumer(ctx, env.js, cfg)
		assert.Error(t, err, "%+v", cfg)
	}
	c, err := NewConsumer(ctx, env.js, ConsumerConfig{Durable: "ok"})
	require.NoError(t, err)
	assert.ErrorIs(t, c.Run(ctx, nil), ErrInvalidConfig)
}

// TestConsumerTypesFilter: a consumer for some types receives only those.
func TestConsumerTypesFilter(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	for _, e := range sampleEvents(t) {
		require.NoError(t, pub.Publish(context.Background(), e))
	}
	rec := &recorder{}
	c := env.consumer(t, ConsumerConfig{Types: []events.EventType{events.EventTypeServiceRegistered, events.EventTypeServiceDeregistered}})
	stop := run(t, c, rec)
	require.Eventually(t, func() bool { return rec.count() >= 2 }, waitFor, 10*time.Millisecond)
	require.NoError(t, pub.Publish(context.Background(), violation(t, "not-for-relay")))
	e := sampleEvents(t)[1]
	e.ID = "last"
	require.NoError(t, pub.Publish(context.Background(), e))
	require.Eventually(t, func() bool { return rec.count() >= 3 }, waitFor, 10*time.Millisecond)
	stop()
	var ids []string
	for _, e := range rec.events() {
		ids = append(ids, e.ID)
	}
	assert.Equal(t, []string{"id-reg", "id-dereg", "last"}, ids)
}
