package eventotel_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// received is what the server saw of one request, and the span context
// its events.Handler ran in.
type received struct {
	header http.Header
	body   []byte
	span   trace.SpanContext
}

// server runs eventhttp's handler with the Observer behind an httptest
// server, failing the first `fail` events it handles.
func server(t *testing.T, tm *telemetry, fail int, opts ...eventhttp.HandlerOption) (*httptest.Server, func() []received) {
	t.Helper()
	var (
		mu   sync.Mutex
		got  []received
		last received
	)
	h := events.HandlerFunc(func(ctx context.Context, e events.Event) error {
		mu.Lock()
		defer mu.Unlock()
		last.span = trace.SpanContextFromContext(ctx)
		got = append(got, last)
		if len(got) <= fail {
			return errors.New("pager: out of paper")
		}
		return nil
	})
	srv, err := eventhttp.NewHandler(h, append(opts, eventhttp.WithHandlerObserver(tm.obs))...)
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		mu.Lock()
		last = received{header: r.Header.Clone(), body: body}
		mu.Unlock()
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), got...)
	}
}

func TestHTTPCarriesTraceContextInBothModes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		mode   eventhttp.Mode
		parent bool
		signed bool
	}{
		{"binary, linked", eventhttp.Binary, false, false},
		{"binary, signed, parented", eventhttp.Binary, true, true},
		{"structured, linked", eventhttp.Structured, false, false},
		{"structured, signed, parented", eventhttp.Structured, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tm := newTelemetry(t, tt.parent)
			hopts := []eventhttp.HandlerOption{eventhttp.AllowUnsigned()}
			popts := []eventhttp.Option{eventhttp.WithObserver(tm.obs), eventhttp.WithMode(tt.mode)}
			if tt.signed {
				hopts = []eventhttp.HandlerOption{eventhttp.RequireSignature(testSecret)}
				popts = append(popts, eventhttp.WithSigningSecrets(testSecret))
			}
			ts, got := server(t, tm, 0, hopts...)
			pub, err := eventhttp.NewPublisher(ts.URL+"/pager", popts...)
			require.NoError(t, err)

			e := violation(t)
			ctx, root := tm.tracer.Start(context.Background(), "beacon")
			require.NoError(t, pub.Publish(ctx, e))
			root.End()

			send, process := tm.span(t, "send /pager"), tm.span(t, "process /pager")
			assert.Equal(t, trace.SpanKindProducer, send.SpanKind)
			assert.Equal(t, trace.SpanKindConsumer, process.SpanKind)
			assert.Equal(t, root.SpanContext().SpanID(), send.Parent.SpanID(), "send is a child of the publisher's span")
			require.Len(t, process.Links, 1)
			assert.Equal(t, send.SpanContext, process.Links[0].SpanContext.WithRemote(false), "process links to send")
			if tt.parent {
				assert.Equal(t, send.SpanContext.SpanID(), process.Parent.SpanID())
				assert.Equal(t, send.SpanContext.TraceID(), process.SpanContext.TraceID())
			} else {
				assert.False(t, process.Parent.IsValid(), "a new trace")
				assert.NotEqual(t, send.SpanContext.TraceID(), process.SpanContext.TraceID())
			}
			reqs := got()
			require.Len(t, reqs, 1)
			assert.Equal(t, process.SpanContext.SpanID(), reqs[0].span.SpanID(), "the handler runs in the process span")

			traceparent := "00-" + send.SpanContext.TraceID().String() + "-" + send.SpanContext.SpanID().String() + "-01"
			if tt.mode == eventhttp.Binary {
				assert.Equal(t, traceparent, reqs[0].header.Get("traceparent"))
			} else {
				assert.Empty(t, reqs[0].header.Get("traceparent"))
				var ce map[string]any
				require.NoError(t, json.Unmarshal(reqs[0].body, &ce))
				assert.Equal(t, traceparent, ce["traceparent"], "the distributed-tracing extension attribute")
			}

			want := map[string]string{
				"messaging.system": "http", "messaging.destination.name": "/pager", "messaging.message.id": e.ID,
				"cloudevents.event_id": e.ID, "cloudevents.event_type": "io.algoryn.threshold.violated",
				"cloudevents.event_source": "pulse", "cloudevents.event_subject": "checkout", "cloudevents.event_spec_version": "1.0",
			}
			for k, v := range want {
				assert.Equal(t, v, attrs(send)[k], "send %s", k)
				assert.Equal(t, v, attrs(process)[k], "process %s", k)
			}
			assert.Equal(t, "send", attrs(send)["messaging.operation.name"])
			assert.Equal(t, "process", attrs(process)["messaging.operation.name"])

			rm := tm.metrics(t)
			typ := map[string]string{"cloudevents.event_type": "io.algoryn.threshold.violated"}
			assert.EqualValues(t, 1, count(rm, "messaging.client.sent.messages", typ))
			assert.EqualValues(t, 1, count(rm, "messaging.client.consumed.messages", typ))
			assert.EqualValues(t, 1, count(rm, "events.handled", typ))
			assert.EqualValues(t, 0, count(rm, "events.failed", typ))
			assert.EqualValues(t, 1, count(rm, "messaging.process.duration", typ))
			assert.EqualValues(t, 1, count(rm, "messaging.client.operation.duration", typ))
		})
	}
}

func TestHTTPRetryIsASpanEventAndTheFailureIsRecorded(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, true)
	ts, got := server(t, tm, 1, eventhttp.AllowUnsigned())
	pub, err := eventhttp.NewPublisher(ts.URL+"/pager", eventhttp.WithObserver(tm.obs), eventhttp.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	require.NoError(t, pub.Publish(context.Background(), violation(t)))
	require.Len(t, got(), 2)

	send := tm.span(t, "send /pager")
	assert.Equal(t, []string{"retry"}, eventNames(send))
	assert.Equal(t, codes.Unset, send.Status.Code, "the publish succeeded in the end")
	process := tm.spansNamed("process /pager")
	require.Len(t, process, 2)
	assert.Equal(t, codes.Error, process[0].Status.Code)
	assert.Equal(t, "_OTHER", attrs(process[0])["error.type"])
	assert.Equal(t, codes.Unset, process[1].Status.Code)
	for _, p := range process {
		assert.Equal(t, send.SpanContext.SpanID(), p.Parent.SpanID(), "both attempts carry the same send span")
	}

	rm := tm.metrics(t)
	assert.EqualValues(t, 1, count(rm, "events.retried", nil))
	assert.EqualValues(t, 1, count(rm, "events.failed", map[string]string{"error.type": "_OTHER"}))
	assert.EqualValues(t, 1, count(rm, "events.handled", nil))
	assert.EqualValues(t, 2, count(rm, "messaging.client.consumed.messages", nil))
	assert.EqualValues(t, 1, count(rm, "messaging.client.sent.messages", nil))
}

func TestHTTPRefusalSetsErrorType(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, false)
	ts, _ := server(t, tm, 0, eventhttp.AllowUnsigned())
	pub, err := eventhttp.NewPublisher(ts.URL+"/pager", eventhttp.WithObserver(tm.obs))
	require.NoError(t, err)
	// A handler refusal: the router has no handler for the type.
	srv, err := eventhttp.NewHandler(events.NewRouter(), eventhttp.AllowUnsigned(), eventhttp.WithHandlerObserver(tm.obs))
	require.NoError(t, err)
	ts.Config.Handler = srv
	err = pub.Publish(context.Background(), violation(t))
	require.ErrorIs(t, err, events.ErrUnknownType)
	assert.Equal(t, "unknown_type", attrs(tm.span(t, "process /pager"))["error.type"])
	assert.Equal(t, "unknown_type", attrs(tm.span(t, "send /pager"))["error.type"])
	assert.EqualValues(t, 1, count(tm.metrics(t), "messaging.client.sent.messages", map[string]string{"error.type": "unknown_type"}))
}
