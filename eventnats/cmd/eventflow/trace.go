package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
	"github.com/algoryn/events/eventotel"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// tracing is what --trace adds: an eventotel.Observer on every publisher
// and consumer, recording into the OpenTelemetry SDK's in-memory span
// exporter and a manual metric reader (what the tests use), a span for
// each event a tool emits, and the pager reached over HTTP. At the end
// the traces are printed as trees.
type tracing struct {
	obs    *eventotel.Observer
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	tracer trace.Tracer
}

func newTracing() (*tracing, error) {
	tr := &tracing{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	tr.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(tr.spans))
	tr.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tr.reader))
	tr.tracer = tr.tp.Tracer("eventflow")
	obs, err := eventotel.New(eventotel.Config{TracerProvider: tr.tp, MeterProvider: tr.mp, ParentFromProducer: true})
	if err != nil {
		return nil, fmt.Errorf("eventflow: %w", err)
	}
	tr.obs = obs
	return tr, nil
}

func (tr *tracing) close() {
	_ = tr.tp.Shutdown(context.Background())
	_ = tr.mp.Shutdown(context.Background())
}

// pager is the pager of --trace: eventhttp's handler on a loopback port,
// and the publisher Beacon pages it with.
type pager struct {
	srv *http.Server
	pub *eventhttp.Publisher
}

// startPager serves h on a loopback port at /pager.
func startPager(h events.Handler, obs events.Observer, out *printer) (*pager, error) {
	hh, err := eventhttp.NewHandler(h, eventhttp.AllowUnsigned(), eventhttp.WithHandlerObserver(obs))
	if err != nil {
		return nil, fmt.Errorf("eventflow: pager: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("eventflow: pager: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/pager", hh)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + "/pager"
	pub, err := eventhttp.NewPublisher(url, eventhttp.WithObserver(obs), eventhttp.WithBackoff(20*time.Millisecond, 200*time.Millisecond))
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("eventflow: pager: %w", err)
	}
	out.line("eventflow: tracing on; the pager listens at %s (eventhttp)", url)
	return &pager{srv: srv, pub: pub}, nil
}

func (p *pager) close() { _ = p.srv.Close() }

// pagerHandler takes the alerts Beacon pages over HTTP.
func pagerHandler(led *ledger, out *printer) events.Handler {
	r := events.NewRouter()
	events.Handle(r, func(_ context.Context, e events.Event, p events.AlertFiredPayload) error {
		led.received("pager", e)
		out.hop("pager", "←", e.Type, e.ID, fmt.Sprintf("paged over HTTP: %s alert on %s, caused by %s", p.Severity, p.Service, short(p.CorrelationEventID)))
		return nil
	})
	return r
}

// printTraces prints every trace as a tree of spans, the roots (the
// tools' emits) in the order they started, then the counters.
// With --outbox (outbox true) the forwarder's sends start traces of
// their own: the outbox stores events, not their trace context.
func (tr *tracing) printTraces(out *printer, tag string, outbox bool) {
	spans := tr.spans.GetSpans()
	byID := map[trace.SpanID]bool{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = true
	}
	children := map[trace.SpanID][]tracetest.SpanStub{}
	var roots []tracetest.SpanStub
	for _, s := range spans {
		if s.Parent.IsValid() && byID[s.Parent.SpanID()] {
			children[s.Parent.SpanID()] = append(children[s.Parent.SpanID()], s)
		} else {
			roots = append(roots, s)
		}
	}
	byStart := func(a, b tracetest.SpanStub) int { return a.StartTime.Compare(b.StartTime) }
	slices.SortFunc(roots, byStart)
	out.line("")
	if outbox {
		out.line("traces: %d (%d spans; send = PRODUCER, process = CONSUMER); the outbox keeps events, not their trace context, so each forwarded send starts a trace", len(roots), len(spans))
	} else {
		out.line("traces: %d, one per event a tool emitted (%d spans; send = PRODUCER, process = CONSUMER)", len(roots), len(spans))
	}
	var walk func(s tracetest.SpanStub, indent, branch string)
	walk = func(s tracetest.SpanStub, indent, branch string) {
		label := indent + branch + s.Name
		detail := ""
		if g := group(s, tag); g != "" {
			detail = g
		}
		if s.Status.Code.String() == "Error" {
			detail += " ERROR " + attr(s, "error.type")
		}
		if !s.Parent.IsValid() {
			detail = "trace " + s.SpanContext.TraceID().String()[:8] + "…"
		}
		out.line("  %-64s %-16s %7s", label, strings.TrimSpace(detail), s.EndTime.Sub(s.StartTime).Round(10*time.Microsecond))
		next := indent
		switch branch {
		case "├─ ":
			next += "│  "
		case "└─ ":
			next += "   "
		}
		for _, ev := range s.Events {
			out.line("  %s  · %s", next, ev.Name)
		}
		kids := children[s.SpanContext.SpanID()]
		slices.SortFunc(kids, byStart)
		for i, k := range kids {
			b := "├─ "
			if i == len(kids)-1 {
				b = "└─ "
			}
			walk(k, next, b)
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	var rm metricdata.ResourceMetrics
	if err := tr.reader.Collect(context.Background(), &rm); err == nil {
		c := func(name string) int64 { return counter(rm, name) }
		out.line("metrics: sent %d, consumed %d, handled %d, failed %d, retried %d, dead-lettered %d",
			c("messaging.client.sent.messages"), c("messaging.client.consumed.messages"), c("events.handled"),
			c("events.failed"), c("events.retried"), c("events.dead_lettered"))
	}
}

// group is the consumer of a process span, without the demo's
// "eventflow-" prefix and run tag: "beacon".
func group(s tracetest.SpanStub, tag string) string {
	g := attr(s, "messaging.consumer.group.name")
	g = strings.TrimPrefix(g, "eventflow-")
	return strings.TrimSuffix(g, "-"+tag)
}

func attr(s tracetest.SpanStub, key string) string {
	for _, kv := range s.Attributes {
		if kv.Key == attribute.Key(key) {
			return kv.Value.String()
		}
	}
	return ""
}

// counter sums the points of the counter name.
func counter(rm metricdata.ResourceMetrics, name string) int64 {
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if d, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == name {
				for _, p := range d.DataPoints {
					n += p.Value
				}
			}
		}
	}
	return n
}
