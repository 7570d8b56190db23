package eventnats

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// waitFor is the generous limit of every polling assertion: the machine
// may be busy, and nothing here asserts on timing.
const waitFor = 30 * time.Second

// testEnv is one in-process server with the streams made, and a client.
type testEnv struct {
	srv *Embedded
	dir string
	nc  *nats.Conn
	js  jetstream.JetStream
}

// newEnv starts a server with its store in t.TempDir() on a random
// loopback port, connects, and ensures the default streams.
func newEnv(t testing.TB) *testEnv {
	t.Helper()
	dir := t.TempDir()
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: dir})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	env := &testEnv{srv: srv, dir: dir}
	env.nc, env.js = connect(t, srv.URL())
	_, err = EnsureStream(context.Background(), env.js, StreamConfig{})
	require.NoError(t, err)
	return env
}

// connect opens a client that keeps reconnecting quickly.
func connect(t testing.TB, url string, opts ...jetstream.JetStreamOpt) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.ReconnectWait(50*time.Millisecond), nats.MaxReconnects(-1), nats.Timeout(2*time.Second), quietErrors)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc, opts...)
	require.NoError(t, err)
	return nc, js
}

// quietErrors keeps nats.go from printing expected asynchronous errors
// (broken pipes while a test stops the server) to stderr.
var quietErrors = nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {})

func (env *testEnv) publisher(t testing.TB) *Publisher {
	t.Helper()
	p, err := NewPublisher(env.js, PublisherConfig{})
	require.NoError(t, err)
	return p
}

// consumer makes a durable consumer with fast retries.
func (env *testEnv) consumer(t testing.TB, cfg ConsumerConfig) *Consumer {
	t.Helper()
	if cfg.Durable == "" {
		cfg.Durable = "test"
	}
	if cfg.Backoff == nil {
		cfg.Backoff = []time.Duration{10 * time.Millisecond}
	}
	if cfg.DrainWait == 0 {
		cfg.DrainWait = 200 * time.Millisecond
	}
	c, err := NewConsumer(context.Background(), env.js, cfg)
	require.NoError(t, err)
	return c
}

// run starts c.Run in the background; the returned stop cancels it and
// waits for Run to return.
func run(t testing.TB, c *Consumer, h events.Handler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, h) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(waitFor):
				t.Errorf("Run did not return %s after cancel", waitFor)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// recorder is a Handler that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	evs  []events.Event
	seen map[string]int
}

func (r *recorder) HandleEvent(_ context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = make(map[string]int)
	}
	r.evs = append(r.evs, e)
	r.seen[e.ID]++
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.evs)
}

func (r *recorder) events() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.evs...)
}

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)

// sampleEvents returns one valid event of each of the five types.
func sampleEvents(t testing.TB) []events.Event {
	t.Helper()
	mk := func(source string, p events.Payload, id string) events.Event {
		e, err := events.New(source, p, events.WithID(id), events.WithTimestamp(t0))
		require.NoError(t, err)
		return e
	}
	return []events.Event{
		mk(events.SourcePulse, events.RunCompletedPayload{RunID: "run-1", Service: "checkout", Passed: true, Duration: 90 * time.Second,
			Summary: events.RunSummary{Total: 1000, Failed: 3, RPS: 11.1, ErrorRate: 0.003, P99Ms: 180}}, "id-run"),
		mk(events.SourceDeploy, events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080", Tags: map[string]string{"version": "1.2.0"}}, "id-reg"),
		mk(events.SourceDeploy, events.ServiceDeregisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"}, "id-dereg"),
		mk(events.SourceRelay, events.ThresholdViolatedPayload{Service: "checkout", Source: events.SourceRelay, Description: "p99_latency < 200ms", Actual: 250, Limit: 200}, "id-viol"),
		mk(events.SourceBeacon, events.AlertFiredPayload{AlertID: "a-1", RuleID: "r-1", Severity: events.SeverityCritical, Service: "checkout",
			FiredAt: t0, CorrelationEventID: "id-viol"}, "id-alert"),
	}
}

// violation returns a valid threshold.violated event with the given ID.
// violations returns n threshold.violated events with IDs prefix-00,
// prefix-01, ...
func violations(t testing.TB, prefix string, n int) []events.Event {
	t.Helper()
	evs := make([]events.Event, 0, n)
	for i := range n {
		evs = append(evs, violation(t, fmt.Sprintf("%s-%02d", prefix, i)))
	}
	return evs
}

func violation(t testing.TB, id string) events.Event {
	t.Helper()
	e, err := events.New(events.SourcePulse, events.ThresholdViolatedPayload{Service: "checkout", Description: "error_rate < 0.01", Actual: 0.02, Limit: 0.01}, events.WithID(id))
	require.NoError(t, err)
	return e
}

// streamMsgs returns the number of messages in a stream.
func streamMsgs(t testing.TB, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	require.NoError(t, err)
	info, err := s.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}
