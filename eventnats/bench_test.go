package eventnats

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// BenchmarkPublishConsume measures one event published and consumed end to
// end (b.N events per run: publish them all asynchronously, then consume
// and acknowledge them all), through this package and through raw
// jetstream calls sending the same bytes. Read the two as a ratio of
// ns/op; both run against the same in-process server with file storage.
//
// The raw path sends messages built before the timer starts and acks
// bytes it never looks at. The eventnats path does what users get: it
// validates each event and builds its message (PublishBatch), and the
// Consumer reads the headers and hands each event to an events.Router,
// which decodes and validates the typed payload for the handler.
//
//	go test -c -o /tmp/eventnats.test .
//	for i in $(seq 10); do /tmp/eventnats.test -test.run '^$' -test.bench PublishConsume -test.benchtime 20000x -test.benchmem; done | tee bench.txt
//	benchstat -col /path bench.txt
//
// (A loop rather than -count, which repeats each path back to back: the
// loop interleaves them, so a burst of load elsewhere hits all paths.)
func BenchmarkPublishConsume(b *testing.B) {
	env := newEnv(b)
	ctx := context.Background()
	stream, err := env.js.Stream(ctx, DefaultStreamName)
	if err != nil {
		b.Fatal(err)
	}
	// prepare purges the stream and makes b.N fresh events (new IDs, so
	// the duplicate window does not drop them) outside the timer.
	prepare := func(b *testing.B) []events.Event {
		b.Helper()
		if err := stream.Purge(ctx); err != nil {
			b.Fatal(err)
		}
		_ = env.js.DeleteConsumer(ctx, DefaultStreamName, "bench")
		evs := make([]events.Event, b.N)
		for i := range evs {
			e, err := events.New(events.SourceRelay, events.ThresholdViolatedPayload{
				Service: "checkout", Source: events.SourceRelay, Description: "p99_latency < 200ms", Actual: 250, Limit: 200,
			})
			if err != nil {
				b.Fatal(err)
			}
			evs[i] = e
		}
		return evs
	}
	// report splits ns/op into its publish and consume phases.
	start := time.Now()
	report := func(b *testing.B, pubEnd time.Time) {
		b.ReportMetric(float64(pubEnd.Sub(start).Nanoseconds())/float64(b.N), "pub-ns/op")
		b.ReportMetric(float64(time.Since(pubEnd).Nanoseconds())/float64(b.N), "consume-ns/op")
	}
	const chunk = 1000 // events per PublishBatch, and per raw wait

	rawPath := func(decode bool) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			evs := prepare(b)
			msgs := make([]*nats.Msg, len(evs))
			for i, e := range evs {
				m, err := NewMsg(DefaultPrefix, e) // the same bytes, built in advance
				if err != nil {
					b.Fatal(err)
				}
				msgs[i] = m
			}
			cons, err := env.js.CreateOrUpdateConsumer(ctx, DefaultStreamName, jetstream.ConsumerConfig{
				Durable: "bench", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: DefaultPrefix + ".>",
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start = time.Now()
			for start := 0; start < len(msgs); start += chunk {
				for _, m := range msgs[start:min(start+chunk, len(msgs))] {
					if _, err := env.js.PublishMsgAsync(m, jetstream.WithMsgID(m.Header.Get(HeaderMsgID))); err != nil {
						b.Fatal(err)
					}
				}
				select {
				case <-env.js.PublishAsyncComplete():
				case <-time.After(time.Minute):
					b.Fatal("publish acks timed out")
				}
			}
			pubEnd := time.Now()
			var got atomic.Int64
			done := make(chan struct{})
			cc, err := cons.Consume(func(m jetstream.Msg) {
				if decode {
					var p events.ThresholdViolatedPayload
					if err := json.Unmarshal(m.Data(), &p); err != nil {
						b.Error(err)
					}
				}
				_ = m.Ack()
				if got.Add(1) == int64(b.N) {
					close(done)
				}
			})
			if err != nil {
				b.Fatal(err)
			}
			<-done
			b.StopTimer()
			report(b, pubEnd)
			cc.Stop()
		}
	}

	ours := func(workers, batch int) func(b *testing.B) {
		return func(b *testing.B) {
			b.ReportAllocs()
			evs := prepare(b)
			pub, err := NewPublisher(env.js, PublisherConfig{Timeout: time.Minute})
			if err != nil {
				b.Fatal(err)
			}
			c, err := NewConsumer(ctx, env.js, ConsumerConfig{Durable: "bench", Workers: workers, Batch: batch})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			start = time.Now()
			for start := 0; start < len(evs); start += chunk {
				if err := pub.PublishBatch(ctx, evs[start:min(start+chunk, len(evs))]); err != nil {
					b.Fatal(err)
				}
			}
			pubEnd := time.Now()
			var got atomic.Int64
			done := make(chan struct{})
			rctx, stop := context.WithCancel(ctx)
			finished := make(chan error)
			r := events.NewRouter()
			events.Handle(r, func(context.Context, events.Event, events.ThresholdViolatedPayload) error {
				if got.Add(1) == int64(b.N) {
					close(done)
				}
				return nil
			})
			go func() { finished <- c.Run(rctx, r) }()
			<-done
			b.StopTimer()
			report(b, pubEnd)
			stop()
			<-finished
		}
	}
	// The baseline: bytes in, bytes out.
	b.Run("path=raw", rawPath(false))
	// For reference: the baseline plus json.Unmarshal of each payload, the
	// least a hand-written consumer does.
	b.Run("path=raw+json", rawPath(true))
	// Defaults: one worker, as the raw path has one callback, pulling
	// DefaultBatch (250) ahead where the raw path pulls jetstream's 500:
	// more pull round trips, the price of a smaller prefetch.
	b.Run("path=eventnats", ours(1, 0))
	// Two workers decode and handle in parallel.
	b.Run("path=eventnats-2workers", ours(2, 0))
	// The raw path's prefetch: what fast handlers get with Batch 500.
	b.Run("path=eventnats-batch500", ours(1, 500))
}
