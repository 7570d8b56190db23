package eventotel

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/algoryn/events"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the spans and metrics.
const ScopeName = "github.com/algoryn/events/eventotel"

// Config configures an [Observer]. The zero value uses the global
// providers and the W3C Trace Context propagator.
type Config struct {
	// TracerProvider makes the spans; default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the instruments; default
	// otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Propagator writes and reads the trace context in the messages;
	// default propagation.TraceContext{} (traceparent, tracestate),
	// whatever the global propagator is, so that the context travels even
	// in a program that set none. Add propagation.Baggage{} to carry
	// baggage too.
	Propagator propagation.TextMapPropagator
	// ParentFromProducer makes each process span a child of the
	// producer's send span, besides the link, so that a chain of events
	// is one trace. Default false: the process span starts from the
	// consumer's context, linked to the producer's span.
	ParentFromProducer bool
}

// Observer is an [events.Observer] and [events.PendingObserver] that
// records spans and metrics with OpenTelemetry. Give the same Observer
// to every publisher and consumer of a process. It is safe for
// concurrent use.
//
// Its instruments, all with the attributes messaging.system,
// messaging.destination.name, cloudevents.event_type and, for
// consumers, messaging.consumer.group.name, and error.type on failures:
//
//	messaging.client.sent.messages     counter    publishes, failed ones with error.type
//	messaging.client.consumed.messages counter    events received by a handler
//	messaging.client.operation.duration histogram publish duration, s
//	messaging.process.duration         histogram  handler duration, s
//	events.handled                     counter    events a handler accepted
//	events.failed                      counter    events a handler (or validation) refused or failed
//	events.retried                     counter    publish retries and naks
//	events.dead_lettered               counter    events and messages dead-lettered
//	events.replayed                    counter    dead letters replayed
//	events.consumer.pending            gauge      messages waiting for a consumer group
type Observer struct {
	tracer trace.Tracer
	prop   propagation.TextMapPropagator
	parent bool

	sent, consumed, handled, failed, retried, dead, replayed metric.Int64Counter
	publishDur, processDur                                   metric.Float64Histogram

	attrMu    sync.Mutex
	attrCache map[attrKey]metric.MeasurementOption // few keys: made once each

	mu      sync.Mutex
	pending []pendingSource
}

type pendingSource struct {
	attrs metric.MeasurementOption
	read  func(context.Context) (int64, error)
}

var (
	_ events.Observer        = (*Observer)(nil)
	_ events.PendingObserver = (*Observer)(nil)
)

// New returns an Observer that records with the providers of cfg. It
// fails only if an instrument cannot be made.
func New(cfg Config) (*Observer, error) {
	tp, mp, prop := cfg.TracerProvider, cfg.MeterProvider, cfg.Propagator
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	if prop == nil {
		prop = propagation.TraceContext{}
	}
	o := &Observer{tracer: tp.Tracer(ScopeName), prop: prop, parent: cfg.ParentFromProducer}
	m := mp.Meter(ScopeName)
	var errs []error
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	o.sent = counter("messaging.client.sent.messages", "{message}", "Events published, failed publishes with error.type.")
	o.consumed = counter("messaging.client.consumed.messages", "{message}", "Events delivered to a handler, redeliveries included.")
	o.handled = counter("events.handled", "{event}", "Events a handler accepted.")
	o.failed = counter("events.failed", "{event}", "Events a handler, or the validation before it, refused or failed.")
	o.retried = counter("events.retried", "{event}", "Publish attempts retried and deliveries given back for redelivery.")
	o.dead = counter("events.dead_lettered", "{event}", "Events and malformed messages dead-lettered.")
	o.replayed = counter("events.replayed", "{event}", "Dead letters replayed to their consumer.")
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc))
		errs = append(errs, err)
		return h
	}
	o.publishDur = hist("messaging.client.operation.duration", "Duration of a publish, retries included.")
	o.processDur = hist("messaging.process.duration", "Duration of a handler call.")
	gauge, err := m.Int64ObservableGauge("events.consumer.pending", metric.WithUnit("{message}"),
		metric.WithDescription("Messages not yet delivered to a consumer group."))
	errs = append(errs, err)
	if err == nil {
		_, err = m.RegisterCallback(func(ctx context.Context, obs metric.Observer) error {
			o.mu.Lock()
			sources := append([]pendingSource(nil), o.pending...)
			o.mu.Unlock()
			for _, s := range sources {
				if n, err := s.read(ctx); err == nil {
					obs.ObserveInt64(gauge, n, s.attrs)
				}
			}
			return nil
		}, gauge)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, errors.Join(errors.New("eventotel: cannot make the instruments"), err)
	}
	return o, nil
}

// StartPublish starts the send span of op, injects its trace context
// into c and returns the context holding the span, with the function that
// ends it.
func (o *Observer) StartPublish(ctx context.Context, op events.Operation, c events.Carrier) (context.Context, func(error)) {
	ctx, span := o.tracer.Start(ctx, "send "+op.Destination, trace.WithSpanKind(trace.SpanKindProducer))
	if span.IsRecording() {
		span.SetAttributes(spanAttrs(op, opSend)...)
	}
	o.prop.Inject(ctx, c)
	start := time.Now()
	return ctx, func(err error) {
		attrs := o.metricAttrs(op, opSend, err)
		o.sent.Add(ctx, 1, attrs)
		o.publishDur.Record(ctx, time.Since(start).Seconds(), attrs)
		endSpan(span, err)
	}
}

// StartHandle extracts the producer's trace context from c, starts the
// process span linked to it (and its child with ParentFromProducer) and
// returns the context holding the span, for the handler, with the
// function that ends it.
func (o *Observer) StartHandle(ctx context.Context, op events.Operation, c events.Carrier) (context.Context, func(error)) {
	remote := o.prop.Extract(context.Background(), c)
	producer := trace.SpanContextFromContext(remote)
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer)}
	if producer.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: producer}))
		if o.parent {
			ctx = trace.ContextWithRemoteSpanContext(ctx, producer)
		}
	}
	if b := baggage.FromContext(remote); b.Len() > 0 {
		ctx = baggage.ContextWithBaggage(ctx, b)
	}
	ctx, span := o.tracer.Start(ctx, "process "+op.Destination, opts...)
	if span.IsRecording() {
		span.SetAttributes(spanAttrs(op, opProcess)...)
	}
	o.consumed.Add(ctx, 1, o.metricAttrs(op, opProcess, nil))
	start := time.Now()
	return ctx, func(err error) {
		attrs := o.metricAttrs(op, opProcess, err)
		o.processDur.Record(ctx, time.Since(start).Seconds(), attrs)
		if err == nil {
			o.handled.Add(ctx, 1, attrs)
		} else {
			o.failed.Add(ctx, 1, attrs)
		}
		endSpan(span, err)
	}
}

// Notice records n as an event of the span in ctx ("retry", "nak",
// "dead_letter" or "replay") and counts it.
func (o *Observer) Notice(ctx context.Context, n events.Notice) {
	attrs := make([]attribute.KeyValue, 0, 6)
	if n.Operation.Event.ID != "" {
		attrs = append(attrs, attribute.String(keyMessageID, n.Operation.Event.ID))
	}
	if n.Attempt > 0 {
		attrs = append(attrs, attribute.Int(keyAttempt, n.Attempt))
	}
	if n.Delay > 0 {
		attrs = append(attrs, attribute.Float64(keyDelay, n.Delay.Seconds()))
	}
	if n.Reason != "" {
		attrs = append(attrs, attribute.String(keyReason, n.Reason))
	}
	if n.Err != nil {
		attrs = append(attrs, attribute.String(keyErrorType, errorType(n.Err)), attribute.String(keyErrorMessage, n.Err.Error()))
	}
	trace.SpanFromContext(ctx).AddEvent(n.Kind.String(), trace.WithAttributes(attrs...))
	name := opProcess
	if n.Kind == events.NoticeRetry || n.Kind == events.NoticeReplay {
		name = opSend
	}
	mattrs := o.metricAttrs(n.Operation, name, nil)
	switch n.Kind {
	case events.NoticeRetry, events.NoticeNak:
		o.retried.Add(ctx, 1, mattrs)
	case events.NoticeDeadLetter:
		o.dead.Add(ctx, 1, mattrs)
	case events.NoticeReplay:
		o.replayed.Add(ctx, 1, mattrs)
	}
}

// ObservePending makes the gauge events.consumer.pending report what
// pending reads, for op's consumer group, each time metrics are
// collected.
func (o *Observer) ObservePending(op events.Operation, pending func(ctx context.Context) (int64, error)) {
	attrs := []attribute.KeyValue{
		attribute.String(keySystem, op.System),
		attribute.String(keyDestination, op.Destination),
		attribute.String(keyConsumerGroup, op.ConsumerGroup),
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.pending = append(o.pending, pendingSource{attrs: metric.WithAttributes(attrs...), read: pending})
}

// endSpan sets the outcome of span and ends it.
func endSpan(span trace.Span, err error) {
	if err != nil {
		span.SetAttributes(attribute.String(keyErrorType, errorType(err)))
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}
