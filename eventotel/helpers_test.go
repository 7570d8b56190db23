package eventotel_test

import (
	"context"
	"testing"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventotel"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// telemetry is an Observer wired to the SDK's in-memory exporter and a
// manual metric reader.
type telemetry struct {
	obs    *eventotel.Observer
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
	tracer trace.Tracer
}

func newTelemetry(t *testing.T, parent bool) *telemetry {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	obs, err := eventotel.New(eventotel.Config{TracerProvider: tp, MeterProvider: mp, ParentFromProducer: parent})
	require.NoError(t, err)
	return &telemetry{obs: obs, spans: spans, reader: reader, tracer: tp.Tracer("test")}
}

// span returns the one ended span named name.
func (tm *telemetry) span(t *testing.T, name string) tracetest.SpanStub {
	t.Helper()
	var found []tracetest.SpanStub
	for _, s := range tm.spans.GetSpans() {
		if s.Name == name {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "spans named %q", name)
	return found[0]
}

// spansNamed returns the ended spans named name, in the order they ended.
func (tm *telemetry) spansNamed(name string) []tracetest.SpanStub {
	var found []tracetest.SpanStub
	for _, s := range tm.spans.GetSpans() {
		if s.Name == name {
			found = append(found, s)
		}
	}
	return found
}

// metrics collects the metrics now.
func (tm *telemetry) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tm.reader.Collect(context.Background(), &rm))
	return rm
}

// count returns the sum of the data points of the counter or gauge name
// whose attributes include want, or the count of a histogram's.
func count(rm metricdata.ResourceMetrics, name string, want map[string]string) int64 {
	var n int64
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
						n += p.Value
					}
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					if match(p.Attributes) {
						n += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if match(p.Attributes) {
						n += int64(p.Count)
					}
				}
			}
		}
	}
	return n
}

// attrs returns a span's attributes as strings.
func attrs(s tracetest.SpanStub) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes {
		out[string(kv.Key)] = kv.Value.String()
	}
	return out
}

// eventNames lists the names of a span's events.
func eventNames(s tracetest.SpanStub) []string {
	var names []string
	for _, e := range s.Events {
		names = append(names, e.Name)
	}
	return names
}

func violation(t *testing.T) events.Event {
	t.Helper()
	e, err := events.New(events.SourcePulse, events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourcePulse, Description: "p99_latency < 200ms", Actual: 412, Limit: 200,
	})
	require.NoError(t, err)
	return e
}
