package eventnats

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// TestDurabilityAcrossServerRestart publishes 10,000 events, shuts the
// server down while the consumer is in the middle of them (handlers are
// running, acknowledgements are in flight), restarts it on the same store
// and port, and checks that every one of the 10,000 IDs is handled. Events
// handled whose acknowledgement was lost are delivered again: they are
// counted and reported as duplicates; none may be missing.
func TestDurabilityAcrossServerRestart(t *testing.T) {
	const total = 10_000
	const stopAt = 3_000
	env := newEnv(t)
	port := env.srv.Port()
	ctx := context.Background()

	pub, err := NewPublisher(env.js, PublisherConfig{Timeout: time.Minute})
	require.NoError(t, err)
	ids := make([]string, total)
	batch := make([]events.Event, 0, 1000)
	for i := range total {
		ids[i] = fmt.Sprintf("dur-%05d", i)
		batch = append(batch, violation(t, ids[i]))
		if len(batch) == cap(batch) {
			require.NoError(t, pub.PublishBatch(ctx, batch))
			batch = batch[:0]
		}
	}
	require.EqualValues(t, total, streamMsgs(t, env.js, DefaultStreamName))

	var (
		mu      sync.Mutex
		seen    = make(map[string]int, total)
		calls   int
		tripped atomic.Bool
		reached = make(chan struct{})
		gate    = make(chan struct{})
	)
	h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
		mu.Lock()
		seen[e.ID]++
		calls++
		n := len(seen)
		mu.Unlock()
		if n >= stopAt && tripped.CompareAndSwap(false, true) {
			close(reached)
		}
		if tripped.Load() {
			<-gate // hold every handler while the server goes away
		}
		return nil
	})
	// The consumer's connection does not buffer while disconnected, so
	// acknowledgements made during the outage are lost, as with a real
	// network failure: those events must come back after AckWait.
	cnc, err := nats.Connect(env.srv.URL(), nats.ReconnectWait(50*time.Millisecond), nats.MaxReconnects(-1), nats.ReconnectBufSize(-1), quietErrors)
	require.NoError(t, err)
	t.Cleanup(cnc.Close)
	cjs, err := jetstream.New(cnc)
	require.NoError(t, err)
	c, err := NewConsumer(ctx, cjs, ConsumerConfig{Durable: "durable", Workers: 2, Batch: 256, AckWait: 2 * time.Second, DrainWait: 200 * time.Millisecond})
	require.NoError(t, err)
	run(t, c, h)

	select {
	case <-reached:
	case <-time.After(2 * waitFor):
		t.Fatal("consumer did not reach the stop point")
	}
	mu.Lock()
	atStop := len(seen)
	mu.Unlock()
	require.Less(t, atStop, total-1000, "the server goes down with most events still to consume")
	env.srv.Shutdown()
	require.Eventually(t, func() bool { return !env.nc.IsConnected() && !cnc.IsConnected() }, waitFor, 5*time.Millisecond)
	// Handlers finish and acknowledge while the server is down; the
	// workers' fetches fail and are retried.
	close(gate)
	time.Sleep(300 * time.Millisecond) // an outage, not a blip
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: env.dir, Port: port})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == total
	}, 4*waitFor, 20*time.Millisecond, "not every event was handled after the restart")

	// Acknowledgements lost in the outage come back as redeliveries after
	// AckWait: wait until the server has every event acknowledged, so
	// that the duplicates below are all counted.
	require.Eventually(t, func() bool {
		info, err := cjs.Consumer(ctx, DefaultStreamName, "durable")
		if err != nil {
			return false
		}
		ci, err := info.Info(ctx)
		return err == nil && ci.NumAckPending == 0 && ci.NumPending == 0
	}, 4*waitFor, 50*time.Millisecond, "the server still has unacknowledged events")

	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		require.Positive(t, seen[id], "event %s lost", id)
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	t.Logf("10,000 events: all handled (%d before the server stopped); %d handler calls, %d duplicate deliveries", atStop, calls, dups)
	// Every event the handler accepted was acknowledged, none was given
	// up on: redeliveries after the outage must not dead-letter them.
	st := c.Stats()
	require.Zero(t, st.DeadLettered)
	require.Zero(t, st.Retried)
	require.GreaterOrEqual(t, st.Handled, uint64(total))
	require.Zero(t, streamMsgs(t, cjs, DefaultDeadLetterStreamName))
}
