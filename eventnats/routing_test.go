package eventnats

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filterSubjects returns the filter subjects the server has for a
// durable, sorted.
func filterSubjects(t *testing.T, env *testEnv, durable string) []string {
	t.Helper()
	cons, err := env.js.Consumer(context.Background(), DefaultStreamName, durable)
	require.NoError(t, err)
	return filterOf(cons.CachedInfo().Config)
}

// violationRouter returns a Router that handles threshold.violated only,
// recording the IDs.
func violationRouter() (*events.Router, *recorder) {
	rec := &recorder{}
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, _ events.ThresholdViolatedPayload) error {
		return rec.HandleEvent(ctx, e)
	})
	return r, rec
}

// TestConsumerRouterReceivesOnlyItsTypes: with Types empty, a Router for
// threshold.violated only receives violations. The run.completed
// published before it is neither dead-lettered nor acknowledged: it is
// still there for a second durable that wants every type.
func TestConsumerRouterReceivesOnlyItsTypes(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	require.NoError(t, pub.Publish(ctx, sampleEvents(t)[0])) // run.completed, first: one worker sees it first
	require.NoError(t, pub.Publish(ctx, violation(t, "v-1")))

	r, rec := violationRouter()
	c := env.consumer(t, ConsumerConfig{Durable: "beacon"})
	stop := run(t, c, r)
	require.Eventually(t, func() bool { return c.Stats().Handled == 1 }, waitFor, 10*time.Millisecond)
	stop()
	assert.Equal(t, []string{"algoryn.events.threshold.violated", "algoryn.events_replay.beacon.>"}, filterSubjects(t, env, "beacon"))
	st := c.Stats()
	assert.EqualValues(t, 1, st.Received, "run.completed is not delivered")
	assert.Zero(t, st.DeadLettered)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
	assert.Equal(t, "v-1", rec.events()[0].ID)

	all := &recorder{}
	c2 := env.consumer(t, ConsumerConfig{Durable: "dashboard"})
	run(t, c2, all)
	require.Eventually(t, func() bool { return all.count() >= 2 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, map[string]int{"id-run": 1, "v-1": 1}, all.seen)
	assert.Equal(t, []string{"algoryn.events.>", "algoryn.events_replay.dashboard.>"}, filterSubjects(t, env, "dashboard"))
}

// TestConsumerRouterWithFallbackReceivesEverything: a Router with a
// fallback takes every type, so its consumer receives every type.
func TestConsumerRouterWithFallbackReceivesEverything(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	for _, e := range sampleEvents(t) {
		require.NoError(t, pub.Publish(ctx, e))
	}
	r, rec := violationRouter()
	others := &recorder{}
	r.Fallback(others)
	c := env.consumer(t, ConsumerConfig{})
	run(t, c, r)
	require.Eventually(t, func() bool { return c.Stats().Handled == 5 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, 1, rec.count())
	assert.Equal(t, map[string]int{"id-run": 1, "id-reg": 1, "id-dereg": 1, "id-alert": 1}, others.seen)
	assert.Zero(t, c.Stats().DeadLettered)
	assert.Equal(t, []string{"algoryn.events.>", "algoryn.events_replay.test.>"}, filterSubjects(t, env, "test"))
}

// TestConsumerTypesWithoutHandlerDeadLetter: a type the caller put in
// ConsumerConfig.Types but the Router has no handler for is received and
// dead-lettered, with a reason that says so, and Run warns about it.
func TestConsumerTypesWithoutHandlerDeadLetter(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	require.NoError(t, pub.Publish(ctx, sampleEvents(t)[0])) // run.completed
	require.NoError(t, pub.Publish(ctx, violation(t, "v-1")))

	var logs syncBuffer
	r, rec := violationRouter()
	c := env.consumer(t, ConsumerConfig{
		Types:  []events.EventType{events.EventTypeRunCompleted, events.EventTypeThresholdViolated},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	run(t, c, r)
	require.Eventually(t, func() bool { st := c.Stats(); return st.Handled == 1 && st.DeadLettered == 1 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, 1, rec.count())

	dl := deadLetters(t, env.js)
	require.Len(t, dl, 1)
	assert.Equal(t, "algoryn.dlq.run.completed", dl[0].Subject)
	assert.Equal(t, `rejected: no handler for "run.completed"`, dl[0].Header.Get(HeaderDLQReason))
	assert.Equal(t, "1", dl[0].Header.Get(HeaderDLQDeliveries))
	assert.Contains(t, logs.String(), "includes types the handler has no handler for")
	assert.Contains(t, logs.String(), "types=[run.completed]")
}

// TestConsumerEmptyRouterIsInvalid: a Router with no handler and no
// fallback, with Types empty, would receive nothing: Run says so at once.
// A Router with only a fallback, or explicit Types, is fine.
func TestConsumerEmptyRouterIsInvalid(t *testing.T) {
	env := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	c := env.consumer(t, ConsumerConfig{})
	err := c.Run(ctx, events.NewRouter())
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "consumer test: the handler handles no event types")
	assert.Equal(t, []string{"algoryn.events.>", "algoryn.events_replay.test.>"}, filterSubjects(t, env, "test"), "the durable is left as it was")

	onlyFallback := events.NewRouter()
	rec := &recorder{}
	onlyFallback.Fallback(rec)
	run(t, c, onlyFallback)
	require.NoError(t, env.publisher(t).Publish(ctx, violation(t, "v-1")))
	require.Eventually(t, func() bool { return rec.count() == 1 }, waitFor, 10*time.Millisecond)

	typed := env.consumer(t, ConsumerConfig{Durable: "typed", Types: []events.EventType{events.EventTypeRunCompleted}})
	run(t, typed, events.NewRouter())()
}

// TestConsumerSharedDurableKeepsItsTypes: making a Consumer on a durable
// that a running Router narrowed does not widen it again (the running
// process would then be handed types it refuses); a Run whose handler
// takes every type widens it.
func TestConsumerSharedDurableKeepsItsTypes(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	r, rec := violationRouter()
	c1 := env.consumer(t, ConsumerConfig{Durable: "shared"})
	stop1 := run(t, c1, r)
	narrow := []string{"algoryn.events.threshold.violated", "algoryn.events_replay.shared.>"}
	require.Eventually(t, func() bool {
		cons, err := env.js.Consumer(ctx, DefaultStreamName, "shared")
		return err == nil && assert.ObjectsAreEqual(narrow, filterOf(cons.CachedInfo().Config))
	}, waitFor, 10*time.Millisecond)

	c2 := env.consumer(t, ConsumerConfig{Durable: "shared"})
	assert.Equal(t, narrow, filterSubjects(t, env, "shared"), "NewConsumer kept the running process's types")
	pub := env.publisher(t)
	require.NoError(t, pub.Publish(ctx, sampleEvents(t)[0])) // run.completed: not for c1
	require.NoError(t, pub.Publish(ctx, violation(t, "v-1")))
	require.Eventually(t, func() bool { return rec.count() == 1 }, waitFor, 10*time.Millisecond)
	stop1()
	assert.Zero(t, c1.Stats().DeadLettered)

	all := &recorder{}
	run(t, c2, all)
	require.Eventually(t, func() bool {
		cons, err := env.js.Consumer(ctx, DefaultStreamName, "shared")
		return err == nil && assert.ObjectsAreEqual([]string{"algoryn.events.>", "algoryn.events_replay.shared.>"}, filterOf(cons.CachedInfo().Config))
	}, waitFor, 10*time.Millisecond)
	require.NoError(t, pub.Publish(ctx, sampleEvents(t)[1])) // service.registered, after the widening
	require.Eventually(t, func() bool { return all.count() >= 1 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, map[string]int{"id-reg": 1}, all.seen, "events skipped while narrowed are not delivered again")
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// TestConsumerNarrowsOnceBrokerIsBack: Run started while the server is
// down waits for it, sets the Router's types, then consumes; the other
// type is not dead-lettered.
func TestConsumerNarrowsOnceBrokerIsBack(t *testing.T) {
	env := newEnv(t)
	port := env.srv.Port()
	ctx := context.Background()
	// The consumer's connection does not buffer while disconnected, so
	// Run's first requests fail at once instead of waiting for the server.
	cnc, err := nats.Connect(env.srv.URL(), nats.ReconnectWait(50*time.Millisecond), nats.MaxReconnects(-1), nats.ReconnectBufSize(-1), quietErrors)
	require.NoError(t, err)
	t.Cleanup(cnc.Close)
	cjs, err := jetstream.New(cnc)
	require.NoError(t, err)
	c, err := NewConsumer(ctx, cjs, ConsumerConfig{Durable: "late"})
	require.NoError(t, err)
	env.srv.Shutdown()
	require.Eventually(t, func() bool { return !env.nc.IsConnected() && !cnc.IsConnected() }, waitFor, 5*time.Millisecond)

	r, rec := violationRouter()
	run(t, c, r)
	time.Sleep(300 * time.Millisecond) // Run tries while the server is down
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: env.dir, Port: port})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)

	pub := env.publisher(t)
	for _, e := range []events.Event{sampleEvents(t)[0], violation(t, "v-1")} {
		require.Eventually(t, func() bool { return pub.Publish(ctx, e) == nil }, waitFor, 50*time.Millisecond)
	}
	require.Eventually(t, func() bool { return rec.count() == 1 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, []string{"algoryn.events.threshold.violated", "algoryn.events_replay.late.>"}, filterSubjects(t, env, "late"))
	assert.Zero(t, c.Stats().DeadLettered)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// TestConsumerRunTwiceAtOnce: two Runs of one Consumer (each setting the
// durable's types) share its events without a data race.
func TestConsumerRunTwiceAtOnce(t *testing.T) {
	env := newEnv(t)
	c := env.consumer(t, ConsumerConfig{})
	r1, rec1 := violationRouter()
	r2, rec2 := violationRouter()
	run(t, c, r1)
	run(t, c, r2)
	require.NoError(t, env.publisher(t).PublishBatch(context.Background(), violations(t, "v", 20)))
	require.Eventually(t, func() bool { return c.Stats().Handled == 20 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, 20, rec1.count()+rec2.count())
}

// syncBuffer is a bytes.Buffer safe for concurrent writes by a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
