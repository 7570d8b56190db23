package eventotel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventotel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Notices outside any span still count, and the error types keep few
// values: the events package's refusals by name, the rest "_OTHER".
func TestNoticesCountAndErrorTypes(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, false)
	op := events.Operation{System: "nats", Destination: "algoryn.events.threshold.violated", ConsumerGroup: "beacon", Event: violation(t)}
	ctx := context.Background()
	for _, err := range []error{
		fmt.Errorf("wrapped: %w", events.ErrUnknownType),
		events.Permanent(errors.New("no such rule")),
		context.DeadlineExceeded,
		errors.New("disk full"),
	} {
		tm.obs.Notice(ctx, events.Notice{Kind: events.NoticeNak, Operation: op, Attempt: 1, Delay: time.Second, Err: err})
	}
	tm.obs.Notice(ctx, events.Notice{Kind: events.NoticeDeadLetter, Operation: events.Operation{System: "nats", Destination: "x", ConsumerGroup: "beacon"}, Reason: "malformed"})
	tm.obs.Notice(ctx, events.Notice{Kind: events.NoticeReplay, Operation: op, Reason: "DLQ:7"})

	rm := tm.metrics(t)
	assert.EqualValues(t, 4, count(rm, "events.retried", map[string]string{"messaging.consumer.group.name": "beacon"}))
	assert.EqualValues(t, 1, count(rm, "events.dead_lettered", map[string]string{"messaging.consumer.group.name": "beacon"}))
	assert.EqualValues(t, 1, count(rm, "events.replayed", map[string]string{"cloudevents.event_type": "io.algoryn.threshold.violated"}))

	_, end := tm.obs.StartHandle(ctx, op, events.MapCarrier{})
	end(fmt.Errorf("handler: %w", events.ErrInvalidPayload))
	for _, tt := range []struct {
		err  error
		want string
	}{
		{events.ErrUnknownType, "unknown_type"},
		{events.Permanent(errors.New("x")), "rejected"},
		{context.Canceled, "canceled"},
		{errors.New("x"), "_OTHER"},
	} {
		_, end := tm.obs.StartPublish(ctx, op, events.MapCarrier{})
		end(tt.err)
		assert.EqualValues(t, 1, count(tm.metrics(t), "messaging.client.sent.messages", map[string]string{"error.type": tt.want}), tt.want)
	}
	assert.EqualValues(t, 1, count(tm.metrics(t), "events.failed", map[string]string{"error.type": "invalid_payload"}))
}

// An extracted context with no trace context starts an unlinked span.
func TestHandleWithoutTraceContextHasNoLink(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, true)
	op := events.Operation{System: "http", Destination: "/pager", Event: violation(t)}
	_, end := tm.obs.StartHandle(context.Background(), op, events.MapCarrier{"traceparent": "garbage"})
	end(nil)
	s := tm.span(t, "process /pager")
	assert.Empty(t, s.Links)
	assert.False(t, s.Parent.IsValid())
}

func TestPendingSourcesThatFailAreSkipped(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, false)
	tm.obs.ObservePending(events.Operation{System: "nats", Destination: "S", ConsumerGroup: "ok"}, func(context.Context) (int64, error) { return 7, nil })
	tm.obs.ObservePending(events.Operation{System: "nats", Destination: "S", ConsumerGroup: "down"}, func(context.Context) (int64, error) {
		return 0, errors.New("broker unreachable")
	})
	rm := tm.metrics(t)
	assert.EqualValues(t, 7, count(rm, "events.consumer.pending", map[string]string{"messaging.consumer.group.name": "ok"}))
	assert.EqualValues(t, 0, count(rm, "events.consumer.pending", map[string]string{"messaging.consumer.group.name": "down"}))
}

func TestBaggageTravelsWithABaggagePropagator(t *testing.T) {
	t.Parallel()
	obs, err := eventotel.New(eventotel.Config{
		TracerProvider: sdktrace.NewTracerProvider(),
		Propagator:     propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	})
	require.NoError(t, err)
	m, err := baggage.NewMember("tenant", "acme")
	require.NoError(t, err)
	b, err := baggage.New(m)
	require.NoError(t, err)
	op := events.Operation{System: "nats", Destination: "d", Event: violation(t)}
	c := events.MapCarrier{}
	_, end := obs.StartPublish(baggage.ContextWithBaggage(context.Background(), b), op, c)
	end(nil)
	assert.Equal(t, "tenant=acme", c.Get("baggage"))
	ctx, end := obs.StartHandle(context.Background(), op, c)
	end(nil)
	assert.Equal(t, "acme", baggage.FromContext(ctx).Member("tenant").Value())
}
