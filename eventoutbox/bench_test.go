package eventoutbox

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// producers is the number of concurrent publishers of the parallel
// benchmarks.
const producers = 16

// parallel runs body on 16 goroutines (at least; more if GOMAXPROCS does
// not divide 16) until b.N events are done, and reports events/s.
func parallel(b *testing.B, body func(pb *testing.PB)) {
	b.SetParallelism((producers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(body)
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDirectPublish16 is the baseline: 16 producers publishing
// straight to JetStream with eventnats, each waiting for its
// acknowledgement.
func BenchmarkDirectPublish16(b *testing.B) {
	pub := startBroker(b).publisher(b)
	parallel(b, func(pb *testing.PB) {
		for pb.Next() {
			if err := pub.Publish(context.Background(), violation(b, 1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b)
}

// BenchmarkOutboxStore16: 16 producers publishing through the SQLite
// outbox (group commit, fsync'd), no forwarder.
func BenchmarkOutboxStore16(b *testing.B) {
	o := openTempSQLite(b)
	parallel(b, func(pb *testing.PB) {
		for pb.Next() {
			if err := o.Publish(context.Background(), violation(b, 1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportRate(b)
	b.ReportMetric(float64(b.N)/float64(o.commits.Load()), "events/commit")
}

// BenchmarkOutboxForward: one forwarder sending b.N stored events to
// JetStream and deleting them.
func BenchmarkOutboxForward(b *testing.B) {
	br := startBroker(b)
	o := openTempSQLite(b)
	b.StopTimer()
	parallel(b, func(pb *testing.PB) { // fill the outbox, untimed
		for pb.Next() {
			if err := o.Publish(context.Background(), violation(b, 1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	f, err := o.NewForwarder(ForwarderConfig{Target: br.publisher(b)})
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	b.ResetTimer()
	b.StartTimer()
	go func() { done <- f.Run(ctx) }()
	waitForwarded(b, f)
	b.StopTimer()
	cancel()
	require.NoError(b, <-done)
	reportRate(b)
}

// BenchmarkOutboxStoreAndForward16: 16 producers publishing through the
// outbox while a forwarder sends to JetStream; timed until the last event
// is confirmed by the broker. Compare its events/s with
// BenchmarkDirectPublish16's.
func BenchmarkOutboxStoreAndForward16(b *testing.B) {
	br := startBroker(b)
	o := openTempSQLite(b)
	f, err := o.NewForwarder(ForwarderConfig{Target: br.publisher(b)})
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	parallel(b, func(pb *testing.PB) {
		for pb.Next() {
			if err := o.Publish(context.Background(), violation(b, 1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	stored := b.Elapsed()
	waitForwarded(b, f)
	b.StopTimer()
	cancel()
	require.NoError(b, <-done)
	reportRate(b)
	b.ReportMetric(float64(b.N)/float64(o.commits.Load()), "events/commit")
	b.ReportMetric(float64(b.N)/stored.Seconds(), "stored/s")
}

// waitForwarded waits until f has forwarded b.N events.
func waitForwarded(b *testing.B, f *Forwarder) {
	deadline := time.Now().Add(time.Minute)
	for f.Stats().Forwarded < uint64(b.N) {
		if time.Now().After(deadline) {
			b.Fatalf("forwarded %d of %d events in a minute", f.Stats().Forwarded, b.N)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkOutboxStore1: one producer, so one commit (and fsync) per
// event: the latency of Publish.
func BenchmarkOutboxStore1(b *testing.B) {
	o := openTempSQLite(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := o.Publish(context.Background(), violation(b, 1)); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}
