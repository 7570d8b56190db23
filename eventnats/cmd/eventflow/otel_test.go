package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
	"github.com/algoryn/events/eventnats"
	"github.com/algoryn/events/eventotel"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// chain is Pulse → NATS → Beacon → HTTP → pager, every hop observed by
// one eventotel.Observer over the SDK's in-memory exporter and a manual
// metric reader: no transport is mocked.
type chain struct {
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tracer trace.Tracer
	pub    *eventnats.Publisher
	dlq    *eventnats.DeadLetters
	paged  chan events.Event
	logs   *syncBuffer // the consumer's log, JSON, through eventotel.NewLogHandler
	js     jetstream.JetStream
	obs    *eventotel.Observer

	beaconFails atomic.Int32 // the next deliveries Beacon's handler fails
	pagerFails  atomic.Int32 // the next requests the pager fails
}

const (
	e2ePrefix = "algoryn.e2e.events"
	e2eDLQ    = "algoryn.e2e.dlq"
)

func newChain(t *testing.T, parent bool, maxDeliver int) *chain {
	t.Helper()
	ch := &chain{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader(), paged: make(chan events.Event, 4), logs: &syncBuffer{}}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(ch.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(ch.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	ch.tracer = tp.Tracer("pulse")
	obs, err := eventotel.New(eventotel.Config{TracerProvider: tp, MeterProvider: mp, ParentFromProducer: parent})
	require.NoError(t, err)
	ch.obs = obs

	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	nc, err := nats.Connect(srv.URL())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ch.js = js
	ctx := context.Background()
	streams := eventnats.StreamConfig{Name: "E2E", Prefix: e2ePrefix, DeadLetterName: "E2E_DLQ", DeadLetterPrefix: e2eDLQ}
	_, err = eventnats.EnsureStream(ctx, js, streams)
	require.NoError(t, err)
	ch.pub, err = eventnats.NewPublisher(js, eventnats.PublisherConfig{Prefix: e2ePrefix, Observer: obs})
	require.NoError(t, err)
	ch.dlq, err = eventnats.NewDeadLetters(js, eventnats.DeadLettersConfig{Stream: "E2E", Prefix: e2ePrefix, DeadLetterStream: "E2E_DLQ", DeadLetterPrefix: e2eDLQ, Observer: obs})
	require.NoError(t, err)

	// The pager: eventhttp's handler behind an httptest server.
	pager := events.NewRouter()
	events.Handle(pager, func(_ context.Context, e events.Event, _ events.AlertFiredPayload) error {
		if ch.pagerFails.Add(-1) >= 0 {
			return errors.New("pager: out of paper")
		}
		ch.paged <- e
		return nil
	})
	ph, err := eventhttp.NewHandler(pager, eventhttp.AllowUnsigned(), eventhttp.WithHandlerObserver(obs))
	require.NoError(t, err)
	ts := httptest.NewServer(ph)
	t.Cleanup(ts.Close)
	toPager, err := eventhttp.NewPublisher(ts.URL+"/pager", eventhttp.WithObserver(obs), eventhttp.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)

	// Beacon: consumes violations over NATS, pages over HTTP, with the
	// context its handler was given and no tracing code of its own.
	beacon := events.NewRouter()
	events.Handle(beacon, func(ctx context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		if ch.beaconFails.Add(-1) >= 0 {
			return errors.New("beacon: rules not loaded")
		}
		alert, err := events.New(events.SourceBeacon, events.AlertFiredPayload{
			AlertID: "alert-1", RuleID: "slo", RuleName: "checkout SLO", Severity: events.SeverityCritical,
			Service: p.Service, Summary: p.Description, FiredAt: time.Now().UTC(), CorrelationEventID: e.ID,
		})
		if err != nil {
			return events.Permanent(err)
		}
		return toPager.Publish(ctx, alert)
	})
	cons, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{
		Durable: "beacon", Stream: "E2E", Prefix: e2ePrefix, DeadLetterPrefix: e2eDLQ, MaxDeliver: maxDeliver,
		Backoff: []time.Duration{10 * time.Millisecond}, DrainWait: 100 * time.Millisecond, Observer: obs,
		Logger: slog.New(eventotel.NewLogHandler(slog.NewJSONHandler(ch.logs, nil))),
	})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = cons.Run(runCtx, beacon) }()
	t.Cleanup(func() { stop(); wg.Wait() })
	return ch
}

// emit is Pulse: a span for its run, inside which it publishes a violation.
func (ch *chain) emit(t *testing.T) (trace.SpanContext, events.Event) {
	t.Helper()
	e, err := events.New(events.SourcePulse, events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourcePulse, Description: "p99_latency < 200ms", Actual: 412, Limit: 200,
	})
	require.NoError(t, err)
	ctx, run := ch.tracer.Start(context.Background(), "pulse run-42")
	require.NoError(t, ch.pub.Publish(ctx, e))
	run.End()
	return run.SpanContext(), e
}

func (ch *chain) waitPaged(t *testing.T) events.Event {
	t.Helper()
	select {
	case e := <-ch.paged:
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("the pager was never paged")
		return events.Event{}
	}
}

// ended returns the spans named name once n of them have ended (a span
// ends just after the handler returns).
func (ch *chain) ended(t *testing.T, name string, n int) []tracetest.SpanStub {
	t.Helper()
	var got []tracetest.SpanStub
	require.Eventually(t, func() bool {
		got = got[:0]
		for _, s := range ch.spans.GetSpans() {
			if s.Name == name {
				got = append(got, s)
			}
		}
		return len(got) >= n
	}, 30*time.Second, 10*time.Millisecond, "%d spans named %q", n, name)
	require.Len(t, got, n, "spans named %q", name)
	return got
}

func TestTraceFollowsOneEventFromPulseToThePager(t *testing.T) {
	ch := newChain(t, true, 5)
	run, violation := ch.emit(t)
	alert := ch.waitPaged(t)
	assert.Equal(t, violation.ID, mustAlert(t, alert).CorrelationEventID)

	sendNATS := ch.ended(t, "send "+e2ePrefix+".threshold.violated", 1)[0]
	processNATS := ch.ended(t, "process "+e2ePrefix+".threshold.violated", 1)[0]
	sendHTTP := ch.ended(t, "send /pager", 1)[0]
	processHTTP := ch.ended(t, "process /pager", 1)[0]

	// One trace, a chain of parents, each consumer span linked to its producer.
	for _, s := range []tracetest.SpanStub{sendNATS, processNATS, sendHTTP, processHTTP} {
		assert.Equal(t, run.TraceID(), s.SpanContext.TraceID(), "%s is in Pulse's trace", s.Name)
	}
	assert.Equal(t, run.SpanID(), sendNATS.Parent.SpanID())
	assert.Equal(t, sendNATS.SpanContext.SpanID(), processNATS.Parent.SpanID())
	assert.Equal(t, processNATS.SpanContext.SpanID(), sendHTTP.Parent.SpanID(), "Beacon's publish continues its handler's span")
	assert.Equal(t, sendHTTP.SpanContext.SpanID(), processHTTP.Parent.SpanID())
	require.Len(t, processNATS.Links, 1)
	assert.Equal(t, sendNATS.SpanContext.SpanID(), processNATS.Links[0].SpanContext.SpanID())
	require.Len(t, processHTTP.Links, 1)
	assert.Equal(t, sendHTTP.SpanContext.SpanID(), processHTTP.Links[0].SpanContext.SpanID())

	assert.Equal(t, trace.SpanKindProducer, sendNATS.SpanKind)
	assert.Equal(t, trace.SpanKindConsumer, processNATS.SpanKind)
	assert.Equal(t, map[string]string{
		"messaging.system": "nats", "messaging.operation.name": "process", "messaging.operation.type": "process",
		"messaging.destination.name": e2ePrefix + ".threshold.violated", "messaging.consumer.group.name": "beacon",
		"messaging.message.id": violation.ID, "messaging.message.body.size": itoa(len(violation.Payload)),
		"cloudevents.event_id": violation.ID, "cloudevents.event_type": "io.algoryn.threshold.violated",
		"cloudevents.event_source": "pulse", "cloudevents.event_subject": "checkout", "cloudevents.event_spec_version": "1.0",
		"events.delivery": "1",
	}, spanAttrs(processNATS))
	assert.Equal(t, "http", spanAttrs(processHTTP)["messaging.system"])
	assert.Equal(t, alert.ID, spanAttrs(processHTTP)["cloudevents.event_id"])

	rm := collect(t, ch.reader)
	violated := map[string]string{"cloudevents.event_type": "io.algoryn.threshold.violated"}
	fired := map[string]string{"cloudevents.event_type": "io.algoryn.alert.fired"}
	assert.EqualValues(t, 1, sum(rm, "messaging.client.sent.messages", violated))
	assert.EqualValues(t, 1, sum(rm, "messaging.client.sent.messages", fired))
	assert.EqualValues(t, 1, sum(rm, "events.handled", map[string]string{"messaging.consumer.group.name": "beacon"}))
	assert.EqualValues(t, 1, sum(rm, "events.handled", fired))
	assert.EqualValues(t, 0, sum(rm, "events.failed", nil))
	assert.EqualValues(t, 0, sum(rm, "events.retried", nil))
	assert.EqualValues(t, 2, sum(rm, "messaging.process.duration", nil))
	assert.EqualValues(t, 2, sum(rm, "messaging.client.operation.duration", nil))
	assert.True(t, has(rm, "events.consumer.pending", map[string]string{"messaging.consumer.group.name": "beacon"}), "the pending gauge")
}

// TestTraceSurvivesFailureRetryDeadLetterAndReplay: Beacon fails both
// deliveries (MaxDeliver 2), the event is dead-lettered, replayed, and
// handled; the pager fails once and the HTTP publisher retries. Every
// span stays in Pulse's trace.
func TestTraceSurvivesFailureRetryDeadLetterAndReplay(t *testing.T) {
	ch := newChain(t, true, 2)
	ch.beaconFails.Store(2)
	ch.pagerFails.Store(1)
	run, violation := ch.emit(t)

	process := "process " + e2ePrefix + ".threshold.violated"
	failed := ch.ended(t, process, 2)
	assert.Equal(t, []string{"nak"}, eventNames(failed[0]))
	assert.Equal(t, []string{"dead_letter"}, eventNames(failed[1]))
	for i, s := range failed {
		assert.Equal(t, codes.Error, s.Status.Code)
		assert.Equal(t, "_OTHER", spanAttrs(s)["error.type"])
		assert.Equal(t, itoa(i+1), spanAttrs(s)["events.delivery"])
	}

	var dl []eventnats.DeadLetter
	require.Eventually(t, func() bool {
		var err error
		dl, err = ch.dlq.List(context.Background(), eventnats.DeadLetterFilter{})
		return err == nil && len(dl) == 1
	}, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, violation.ID, dl[0].EventID)
	assert.NotEmpty(t, dl[0].Headers.Get("traceparent"), "the dead letter keeps the trace context")
	ctx, oncall := ch.tracer.Start(context.Background(), "on call: replay")
	require.NoError(t, ch.dlq.Replay(ctx, dl[0].Sequence))
	oncall.End()
	ch.waitPaged(t)

	replayed := ch.ended(t, "process "+e2ePrefix+"_replay.beacon.threshold.violated", 1)[0]
	sendNATS := ch.ended(t, "send "+e2ePrefix+".threshold.violated", 1)[0]
	sendHTTP := ch.ended(t, "send /pager", 1)[0]
	pager := ch.ended(t, "process /pager", 2)
	for _, s := range append([]tracetest.SpanStub{sendNATS, replayed, sendHTTP, failed[0], failed[1]}, pager...) {
		assert.Equal(t, run.TraceID(), s.SpanContext.TraceID(), "%s is in Pulse's trace", s.Name)
	}
	for _, s := range append(failed, replayed) {
		assert.Equal(t, sendNATS.SpanContext.SpanID(), s.Parent.SpanID(), "every delivery, the replay too, is a child of the one publish")
		require.Len(t, s.Links, 1)
		assert.Equal(t, sendNATS.SpanContext.SpanID(), s.Links[0].SpanContext.SpanID())
	}
	assert.Equal(t, "E2E_DLQ:"+itoa(int(dl[0].Sequence)), spanAttrs(replayed)["events.replay_of"])

	// The consumer's log records name the event and the span that handled it.
	nak := ch.logRecord(t, "eventnats: handler failed; will retry")
	assert.Equal(t, violation.ID, nak["id"])
	assert.Equal(t, "threshold.violated", nak["type"])
	assert.Equal(t, failed[0].SpanContext.TraceID().String(), nak[eventotel.LogKeyTraceID])
	assert.Equal(t, failed[0].SpanContext.SpanID().String(), nak[eventotel.LogKeySpanID])
	dead := ch.logRecord(t, "eventnats: dead-lettered")
	assert.Equal(t, violation.ID, dead["id"])
	assert.Equal(t, failed[1].SpanContext.SpanID().String(), dead[eventotel.LogKeySpanID])
	assert.Equal(t, codes.Unset, replayed.Status.Code)
	assert.Equal(t, replayed.SpanContext.SpanID(), sendHTTP.Parent.SpanID())
	assert.Equal(t, []string{"retry"}, eventNames(sendHTTP))
	assert.Equal(t, codes.Error, pager[0].Status.Code)
	assert.Equal(t, codes.Unset, pager[1].Status.Code)
	onCall := ch.ended(t, "on call: replay", 1)[0]
	assert.Equal(t, []string{"replay"}, eventNames(onCall))

	rm := collect(t, ch.reader)
	beacon := map[string]string{"messaging.consumer.group.name": "beacon"}
	assert.EqualValues(t, 3, sum(rm, "messaging.client.consumed.messages", beacon))
	assert.EqualValues(t, 2, sum(rm, "events.failed", beacon))
	assert.EqualValues(t, 1, sum(rm, "events.handled", beacon))
	assert.EqualValues(t, 1, sum(rm, "events.retried", beacon), "the nak")
	assert.EqualValues(t, 1, sum(rm, "events.retried", map[string]string{"messaging.system": "http"}), "the HTTP retry")
	assert.EqualValues(t, 1, sum(rm, "events.dead_lettered", map[string]string{"messaging.consumer.group.name": "beacon", "cloudevents.event_type": "io.algoryn.threshold.violated"}))
	assert.EqualValues(t, 1, sum(rm, "events.replayed", nil))
	assert.EqualValues(t, 1, sum(rm, "events.failed", map[string]string{"messaging.system": "http"}))
	assert.EqualValues(t, 1, sum(rm, "events.handled", map[string]string{"messaging.system": "http"}))
}

// TestTraceLinksWithoutParenting: by default each consumer starts its
// own trace, linked to the producer's span.
func TestTraceLinksWithoutParenting(t *testing.T) {
	ch := newChain(t, false, 5)
	run, _ := ch.emit(t)
	ch.waitPaged(t)
	sendNATS := ch.ended(t, "send "+e2ePrefix+".threshold.violated", 1)[0]
	processNATS := ch.ended(t, "process "+e2ePrefix+".threshold.violated", 1)[0]
	sendHTTP := ch.ended(t, "send /pager", 1)[0]
	assert.Equal(t, run.TraceID(), sendNATS.SpanContext.TraceID())
	assert.NotEqual(t, run.TraceID(), processNATS.SpanContext.TraceID())
	assert.False(t, processNATS.Parent.IsValid())
	require.Len(t, processNATS.Links, 1)
	assert.Equal(t, sendNATS.SpanContext.SpanID(), processNATS.Links[0].SpanContext.SpanID())
	assert.Equal(t, sendNATS.SpanContext.TraceID(), processNATS.Links[0].SpanContext.TraceID())
	assert.Equal(t, processNATS.SpanContext.TraceID(), sendHTTP.SpanContext.TraceID(), "Beacon's publish is in Beacon's trace")
}

func mustAlert(t *testing.T, e events.Event) events.AlertFiredPayload {
	t.Helper()
	p, err := events.Decode[events.AlertFiredPayload](e)
	require.NoError(t, err)
	return p
}

func spanAttrs(s tracetest.SpanStub) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes {
		out[string(kv.Key)] = kv.Value.String()
	}
	return out
}

func eventNames(s tracetest.SpanStub) []string {
	var names []string
	for _, e := range s.Events {
		names = append(names, e.Name)
	}
	return names
}

func collect(t *testing.T, r *sdkmetric.ManualReader) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	return rm
}

// sum adds the data points of the instrument name whose attributes
// include want (a histogram's point counts).
func sum(rm metricdata.ResourceMetrics, name string, want map[string]string) int64 {
	var n int64
	each(rm, name, want, func(v int64) { n += v })
	return n
}

// has reports whether the instrument name has a point matching want.
func has(rm metricdata.ResourceMetrics, name string, want map[string]string) bool {
	found := false
	each(rm, name, want, func(int64) { found = true })
	return found
}

func each(rm metricdata.ResourceMetrics, name string, want map[string]string, f func(int64)) {
	match := func(set attribute.Set) bool {
		for k, v := range want {
			got, ok := set.Value(attribute.Key(k))
			if !ok || got.String() != v {
				return false
			}
		}
		return true
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if match(p.Attributes) {
						f(p.Value)
					}
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					if match(p.Attributes) {
						f(p.Value)
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if match(p.Attributes) {
						f(int64(p.Count))
					}
				}
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// syncBuffer is a bytes.Buffer safe for the consumer's workers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// logRecord returns the one record of the consumer's log with message msg.
func (ch *chain) logRecord(t *testing.T, msg string) map[string]any {
	t.Helper()
	ch.logs.mu.Lock()
	defer ch.logs.mu.Unlock()
	var found []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(ch.logs.buf.Bytes()), []byte("\n")) {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(line, &rec), "%s", line)
		if rec["msg"] == msg {
			found = append(found, rec)
		}
	}
	require.Len(t, found, 1, "records %q in\n%s", msg, ch.logs.buf.Bytes())
	return found[0]
}

// TestTracePublishBatchPendingAndMalformed: PublishBatch makes one send
// span per event; the pending gauge counts what waits for a durable; a
// message that is no event is dead-lettered and counted, with no span.
func TestTracePublishBatchPendingAndMalformed(t *testing.T) {
	ch := newChain(t, false, 5)
	ctx := context.Background()
	idle, err := eventnats.NewConsumer(ctx, ch.js, eventnats.ConsumerConfig{
		Durable: "archive", Stream: "E2E", Prefix: e2ePrefix, DeadLetterPrefix: e2eDLQ, Observer: ch.obs,
		Types: []events.EventType{events.EventTypeRunCompleted},
	})
	require.NoError(t, err)
	_ = idle // never run: what it should receive waits
	var batch []events.Event
	for i := range 3 {
		e, err := events.New(events.SourcePulse, events.RunCompletedPayload{RunID: "run-" + itoa(i), Service: "checkout", Passed: true, Duration: time.Second,
			Summary: events.RunSummary{Total: 10, RPS: 1}})
		require.NoError(t, err)
		batch = append(batch, e)
	}
	bctx, span := ch.tracer.Start(ctx, "pulse batch")
	require.NoError(t, ch.pub.PublishBatch(bctx, batch))
	span.End()
	sends := ch.ended(t, "send "+e2ePrefix+".run.completed", 3)
	ids := map[string]bool{}
	for _, s := range sends {
		assert.Equal(t, span.SpanContext().SpanID(), s.Parent.SpanID())
		assert.Equal(t, trace.SpanKindProducer, s.SpanKind)
		ids[spanAttrs(s)["messaging.message.id"]] = true
	}
	assert.Len(t, ids, 3, "one span per event")
	rm := collect(t, ch.reader)
	archive := map[string]string{"messaging.consumer.group.name": "archive"}
	assert.EqualValues(t, 3, sum(rm, "events.consumer.pending", archive))
	assert.EqualValues(t, 3, sum(rm, "messaging.client.sent.messages", map[string]string{"cloudevents.event_type": "io.algoryn.run.completed"}))

	// Beacon (running) gets a message on its subject that is no event.
	m := nats.NewMsg(e2ePrefix + ".threshold.violated")
	m.Data = []byte("{not json")
	_, err = ch.js.PublishMsg(ctx, m)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return sum(collect(t, ch.reader), "events.dead_lettered", map[string]string{"messaging.consumer.group.name": "beacon"}) == 1
	}, 30*time.Second, 10*time.Millisecond)
	assert.Empty(t, ch.spansNamedNow("process "+e2ePrefix+".threshold.violated"), "no event, no process span")
}

func (ch *chain) spansNamedNow(name string) []tracetest.SpanStub {
	var got []tracetest.SpanStub
	for _, s := range ch.spans.GetSpans() {
		if s.Name == name {
			got = append(got, s)
		}
	}
	return got
}
