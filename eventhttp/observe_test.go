package eventhttp

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// traceObserver is a minimal events.Observer, as eventotel's would be: it
// writes a fixed traceparent on publish and puts what it reads on handle
// into the context.
type traceObserver struct {
	mu      sync.Mutex
	notices []events.Notice
	ended   []error
}

type traceKey struct{}

const fixedTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func (o *traceObserver) StartPublish(ctx context.Context, op events.Operation, c events.Carrier) (context.Context, func(error)) {
	c.Set("traceparent", fixedTraceparent)
	c.Set("X-Not-An-Attribute", "kept as a header")
	return ctx, o.end
}

func (o *traceObserver) StartHandle(ctx context.Context, op events.Operation, c events.Carrier) (context.Context, func(error)) {
	c.Set("traceparent", "must not be written")
	return context.WithValue(ctx, traceKey{}, c.Get("traceparent")), o.end
}

func (o *traceObserver) Notice(_ context.Context, n events.Notice) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.notices = append(o.notices, n)
}

func (o *traceObserver) end(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ended = append(o.ended, err)
}

// recordRequests serves h behind a recorder of the last request's headers and body.
func recordRequests(t *testing.T, h http.Handler) (*httptest.Server, func() (http.Header, []byte)) {
	t.Helper()
	var (
		mu   sync.Mutex
		hdr  http.Header
		body []byte
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hdr, body = r.Header.Clone(), b
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, func() (http.Header, []byte) {
		mu.Lock()
		defer mu.Unlock()
		return hdr, body
	}
}

// Without an Observer nothing is added: no trace headers, and a
// structured body is exactly ToCloudEvent's bytes.
func TestPublishWithoutObserverAddsNothing(t *testing.T) {
	t.Parallel()
	e := testEvent(t)
	for _, mode := range []Mode{Binary, Structured} {
		ts, last := recordRequests(t, Handler(events.HandlerFunc(func(context.Context, events.Event) error { return nil })))
		p, err := NewPublisher(ts.URL, WithMode(mode))
		require.NoError(t, err)
		require.NoError(t, p.Publish(context.Background(), e))
		hdr, body := last()
		assert.Empty(t, hdr.Get("traceparent"), mode)
		if mode == Structured {
			want, err := events.ToCloudEvent(e)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(body))
		}
	}
}

func TestObserverCarriesContextBothModes(t *testing.T) {
	t.Parallel()
	e := testEvent(t)
	for _, mode := range []Mode{Binary, Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			t.Parallel()
			obs := &traceObserver{}
			var got string
			h, err := NewHandler(events.HandlerFunc(func(ctx context.Context, _ events.Event) error {
				got, _ = ctx.Value(traceKey{}).(string)
				return nil
			}), AllowUnsigned(), WithHandlerObserver(obs))
			require.NoError(t, err)
			ts, last := recordRequests(t, h)
			p, err := NewPublisher(ts.URL+"/pager", WithMode(mode), WithObserver(obs))
			require.NoError(t, err)
			require.NoError(t, p.Publish(context.Background(), e))
			assert.Equal(t, fixedTraceparent, got, "the handler's context carries what the publisher set")
			hdr, body := last()
			assert.Equal(t, "kept as a header", hdr.Get("X-Not-An-Attribute"))
			if mode == Binary {
				assert.Equal(t, fixedTraceparent, hdr.Get("traceparent"))
			} else {
				assert.Empty(t, hdr.Get("traceparent"))
				want, err := events.ToCloudEventWithExtensions(e, map[string]string{"traceparent": fixedTraceparent})
				require.NoError(t, err)
				assert.Equal(t, string(want), string(body))
			}
			assert.Equal(t, []error{nil, nil}, obs.ended, "handle and publish each ended once")
		})
	}
}

func TestObserverIsToldOfRetries(t *testing.T) {
	t.Parallel()
	obs := &traceObserver{}
	calls := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(ts.Close)
	p, err := NewPublisher(ts.URL+"/x", WithObserver(obs))
	require.NoError(t, err)
	p.sleep = func(context.Context, time.Duration) error { return nil }
	e := testEvent(t)
	require.NoError(t, p.Publish(context.Background(), e))
	require.Len(t, obs.notices, 1)
	n := obs.notices[0]
	assert.Equal(t, events.NoticeRetry, n.Kind)
	assert.Equal(t, 1, n.Attempt)
	assert.Equal(t, "/x", n.Operation.Destination)
	assert.Equal(t, "http", n.Operation.System)
	assert.Equal(t, e.ID, n.Operation.Event.ID)
	var se *StatusError
	require.ErrorAs(t, n.Err, &se)
	assert.Equal(t, http.StatusServiceUnavailable, se.StatusCode)
}

func TestHandlerObserverReadsExtensionsAndRefusesRepeatedOnes(t *testing.T) {
	t.Parallel()
	obs := &traceObserver{}
	var got string
	h, err := NewHandler(events.HandlerFunc(func(ctx context.Context, _ events.Event) error {
		got, _ = ctx.Value(traceKey{}).(string)
		return nil
	}), AllowUnsigned(), WithHandlerObserver(obs))
	require.NoError(t, err)
	body, err := events.ToCloudEventWithExtensions(testEvent(t), map[string]string{"traceparent": fixedTraceparent})
	require.NoError(t, err)
	post := func(b []byte) int {
		r := httptest.NewRequest(http.MethodPost, "/pager", bytes.NewReader(b))
		r.Header.Set("Content-Type", ContentTypeStructured)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	assert.Equal(t, http.StatusNoContent, post(body))
	assert.Equal(t, fixedTraceparent, got)
	repeated := append([]byte(`{"traceparent":"x",`), body[1:]...)
	assert.Equal(t, http.StatusBadRequest, post(repeated))
}
