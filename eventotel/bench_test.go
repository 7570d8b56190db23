package eventotel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
	"github.com/algoryn/events/eventotel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// inProcess serves each request with h in the same goroutine: a publish
// and its handling with no network between.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// BenchmarkTracingPerEvent is what following one event costs: one publish
// over eventhttp and its handling (an events.Router decoding the
// payload), in process, with
//
//   - unhooked: no Observer, the baseline;
//
//   - noop: an eventotel.Observer over OpenTelemetry's no-op providers
//     (the hooks, propagation and attribute building, nothing recorded);
//
//   - sdk: an eventotel.Observer over the SDK, every span sampled and
//     exported (to a no-op exporter) and the metrics aggregated (manual
//     reader): the send and process spans, their attributes, the
//     trace context written and read back, seven measurements.
//
//     go test -c -o /tmp/eventotel.test .
//     for i in $(seq 8); do /tmp/eventotel.test -test.run '^$' -test.bench TracingPerEvent -test.benchtime 20000x -test.benchmem; done > tracing.txt
//     benchstat -col /observer tracing.txt
func BenchmarkTracingPerEvent(b *testing.B) {
	sdkObserver := func(b *testing.B) *eventotel.Observer {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(tracetest.NewNoopExporter()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
		o, err := eventotel.New(eventotel.Config{TracerProvider: tp, MeterProvider: mp, ParentFromProducer: true})
		if err != nil {
			b.Fatal(err)
		}
		return o
	}
	noopObserver := func(b *testing.B) *eventotel.Observer {
		o, err := eventotel.New(eventotel.Config{TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: metricnoop.NewMeterProvider()})
		if err != nil {
			b.Fatal(err)
		}
		return o
	}
	for _, mode := range []eventhttp.Mode{eventhttp.Binary, eventhttp.Structured} {
		for _, c := range []struct {
			name string
			obs  func(*testing.B) *eventotel.Observer
		}{{"unhooked", nil}, {"noop", noopObserver}, {"sdk", sdkObserver}} {
			b.Run("mode="+mode.String()+"/observer="+c.name, func(b *testing.B) {
				r := events.NewRouter()
				events.Handle(r, func(context.Context, events.Event, events.ThresholdViolatedPayload) error { return nil })
				var (
					hopts = []eventhttp.HandlerOption{eventhttp.AllowUnsigned()}
					popts = []eventhttp.Option{eventhttp.WithMode(mode)}
				)
				if c.obs != nil {
					o := c.obs(b)
					hopts = append(hopts, eventhttp.WithHandlerObserver(o))
					popts = append(popts, eventhttp.WithObserver(o))
				}
				h, err := eventhttp.NewHandler(r, hopts...)
				if err != nil {
					b.Fatal(err)
				}
				popts = append(popts, eventhttp.WithHTTPClient(&http.Client{Transport: inProcess{h}}))
				p, err := eventhttp.NewPublisher("http://pager.test/pager", popts...)
				if err != nil {
					b.Fatal(err)
				}
				e := violationB(b)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if err := p.Publish(ctx, e); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func violationB(b *testing.B) events.Event {
	e, err := events.New(events.SourcePulse, events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourcePulse, Description: "p99_latency < 200ms", Actual: 412, Limit: 200,
	})
	if err != nil {
		b.Fatal(err)
	}
	return e
}
