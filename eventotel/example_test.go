package eventotel_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
	"github.com/algoryn/events/eventotel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// One Observer on a publisher and on a handler: the handler runs in the
// process span, which is linked to (here, with ParentFromProducer, also
// a child of) the publisher's send span, with no tracing code in either.
func Example() {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(context.Background())
	obs, err := eventotel.New(eventotel.Config{TracerProvider: tp, ParentFromProducer: true})
	if err != nil {
		panic(err)
	}

	// The pager: a Router behind eventhttp's handler.
	pager := events.NewRouter()
	events.Handle(pager, func(ctx context.Context, e events.Event, p events.AlertFiredPayload) error {
		fmt.Println("paged; handler in a span:", trace.SpanContextFromContext(ctx).IsValid())
		return nil
	})
	h, err := eventhttp.NewHandler(pager, eventhttp.AllowUnsigned(), eventhttp.WithHandlerObserver(obs))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Beacon publishes inside a span of its own.
	pub, err := eventhttp.NewPublisher(srv.URL+"/pager", eventhttp.WithObserver(obs))
	if err != nil {
		panic(err)
	}
	alert, err := events.New(events.SourceBeacon, events.AlertFiredPayload{
		AlertID: "a-1", RuleID: "slo", RuleName: "checkout SLO", Severity: events.SeverityCritical,
		Service: "checkout", Summary: "p99 over 200ms", FiredAt: time.Now(), CorrelationEventID: "violation-1",
	})
	if err != nil {
		panic(err)
	}
	ctx, span := tp.Tracer("beacon").Start(context.Background(), "beacon evaluates rules")
	if err := pub.Publish(ctx, alert); err != nil {
		panic(err)
	}
	span.End()

	for _, s := range spans.GetSpans() {
		fmt.Printf("%-24s %-9s links %d, same trace %t\n", s.Name, s.SpanKind, len(s.Links), s.SpanContext.TraceID() == span.SpanContext().TraceID())
	}
	// Output:
	// paged; handler in a span: true
	// process /pager           consumer  links 1, same trace true
	// send /pager              producer  links 0, same trace true
	// beacon evaluates rules   internal  links 0, same trace true
}
