package eventhttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
)

// Beyond its in-flight limit, the handler answers 503 with Retry-After
// before reading the body.
func TestMaxInFlight(t *testing.T) {
	for _, tt := range []struct {
		name       string
		opts       []HandlerOption
		limit      int
		retryAfter string
	}{
		{"defaults", nil, DefaultMaxInFlight, "1"},
		{"options", []HandlerOption{WithMaxInFlight(2), WithRetryAfter(2500 * time.Millisecond)}, 2, "3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &countingHandler{}
			s := mustHandler(t, h, append([]HandlerOption{AllowUnsigned()}, tt.opts...)...)
			for range tt.limit { // requests in flight
				s.slots <- struct{}{}
			}
			req, _ := NewRequest(context.Background(), "http://x.test", testEvent(t), Binary)
			spy := &readSpy{r: req.Body}
			req.Body = spy
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			assertRefused(t, w, http.StatusServiceUnavailable, "about:blank")
			if got := w.Header().Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if spy.read.Load() || h.n.Load() != 0 {
				t.Error("the body was read or the event handled")
			}
			<-s.slots // one finishes
			req, _ = NewRequest(context.Background(), "http://x.test", testEvent(t), Binary)
			w = httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != http.StatusNoContent || h.n.Load() != 1 {
				t.Errorf("with a free slot: status %d, %d handled", w.Code, h.n.Load())
			}
		})
	}
}

// A Publisher sent away by a busy handler waits what Retry-After asks,
// then gets through.
func TestPublisherWaitsForBusyHandler(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := mustHandler(t, events.HandlerFunc(func(ctx context.Context, e events.Event) error {
		if e.ID == "first" {
			close(entered)
			<-release
		}
		return nil
	}), RequireSignature(secretA), WithMaxInFlight(1), WithRetryAfter(2*time.Second))
	srv := httptest.NewServer(s)
	defer srv.Close()

	first := mustNew(t, "relay", "first", events.ThresholdViolatedPayload{Service: "checkout", Source: events.SourceRelay, Description: "p99", Actual: 1, Limit: 2})
	p1, _ := newTestPublisher(t, srv.URL, WithSigningSecrets(secretA))
	done := make(chan error)
	go func() { done <- p1.Publish(context.Background(), first) }()
	<-entered

	p2, ws := newTestPublisher(t, srv.URL, WithSigningSecrets(secretA))
	var firstErr error
	p2.sleep = func(ctx context.Context, d time.Duration) error {
		_ = ws.sleep(ctx, d)
		once.Do(func() { close(release); firstErr = <-done })
		return nil
	}
	if err := p2.Publish(context.Background(), testEvent(t)); err != nil {
		t.Fatal(err)
	}
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	if len(ws.d) != 1 || ws.d[0] < 2*time.Second {
		t.Errorf("waits %v, want one of at least 2s", ws.d)
	}
}

func TestWithRetryAfterRounds(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "1", time.Millisecond: "1", time.Second: "1", 1001 * time.Millisecond: "2", -time.Second: "1"} {
		s := mustHandler(t, &countingHandler{}, AllowUnsigned(), WithRetryAfter(d))
		if s.retryAfter != want {
			t.Errorf("WithRetryAfter(%v): %q, want %q", d, s.retryAfter, want)
		}
	}
}
