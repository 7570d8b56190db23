package eventhttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
)

// faultServer answers the first len(faults) requests with the given
// faults, then passes requests to the Handler of rec. It records the
// ce-id of every attempt.
type faultServer struct {
	*httptest.Server
	rec *recorder

	mu  sync.Mutex
	ids []string
}

type fault func(w http.ResponseWriter, r *http.Request)

func newFaultServer(t *testing.T, faults ...fault) *faultServer {
	t.Helper()
	fs := &faultServer{rec: &recorder{}}
	h := Handler(fs.rec)
	var n atomic.Int32
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.ids = append(fs.ids, r.Header.Get("Ce-Id"))
		fs.mu.Unlock()
		if i := int(n.Add(1)) - 1; i < len(faults) {
			faults[i](w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *faultServer) attempts() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.ids...)
}

func status(code int, header ...string) fault {
	return func(w http.ResponseWriter, r *http.Request) {
		if code/100 == 3 {
			w.Header().Set("Location", "/elsewhere")
		}
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

func dropConnection(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// slow waits until the client gives up on the attempt. It reads the body
// first: only then does the server notice that the client went away.
func slow(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second): // a safety net, not a timing assertion
	}
}

// waits records the waits of a Publisher instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (ws *waits) sleep(ctx context.Context, d time.Duration) error {
	ws.mu.Lock()
	ws.d = append(ws.d, d)
	ws.mu.Unlock()
	return ctx.Err()
}

func newTestPublisher(t *testing.T, url string, opts ...Option) (*Publisher, *waits) {
	t.Helper()
	p, err := NewPublisher(url, append([]Option{WithBackoff(time.Millisecond, 4*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ws := &waits{}
	p.sleep = ws.sleep
	return p, ws
}

func TestPublisherRetries(t *testing.T) {
	tests := []struct {
		name     string
		faults   []fault
		opts     []Option
		attempts int
	}{
		{"ok", nil, nil, 1},
		{"503 then 200", []fault{status(503)}, nil, 2},
		{"429 then 200", []fault{status(429)}, nil, 2},
		{"500, 502, 504 then 200", []fault{status(500), status(502), status(504)}, nil, 4},
		{"dropped connection", []fault{dropConnection}, nil, 2},
		{"slower than the timeout", []fault{slow}, []Option{WithTimeout(time.Second)}, 2},
		{"structured 503 then 200", []fault{status(503)}, []Option{WithMode(Structured)}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFaultServer(t, tt.faults...)
			p, ws := newTestPublisher(t, fs.URL, tt.opts...)
			e := testEvent(t)
			if err := p.Publish(context.Background(), e); err != nil {
				t.Fatal(err)
			}
			ids := fs.attempts()
			if len(ids) != tt.attempts {
				t.Fatalf("%d attempts, want %d", len(ids), tt.attempts)
			}
			for _, id := range ids {
				if id != e.ID && id != "" { // structured mode sends no ce-id
					t.Errorf("attempt with ID %q, want %q on every attempt", id, e.ID)
				}
			}
			if len(ws.d) != tt.attempts-1 {
				t.Errorf("%d waits for %d attempts", len(ws.d), tt.attempts)
			}
			if got := fs.rec.got(); len(got) != 1 || !reflect.DeepEqual(got[0], e) {
				t.Errorf("received %+v", got)
			}
		})
	}
}

func TestPublisherNoRetryOn4xx(t *testing.T) {
	for _, code := range []int{301, 302, 307, 400, 401, 403, 404, 409, 413, 415, 422} {
		fs := newFaultServer(t, status(code))
		p, ws := newTestPublisher(t, fs.URL)
		err := p.Publish(context.Background(), testEvent(t))
		var se *StatusError
		if !errors.As(err, &se) || se.StatusCode != code {
			t.Errorf("%d: got %v", code, err)
		}
		if n := len(fs.attempts()); n != 1 || len(ws.d) != 0 {
			t.Errorf("%d: %d attempts, %d waits; want no retry", code, n, len(ws.d))
		}
	}
}

func TestPublisherProblemFromHandler(t *testing.T) {
	// A receiver that refuses the event: the problem comes back parsed.
	srv := httptest.NewServer(Handler(events.HandlerFunc(func(context.Context, events.Event) error { return nil })))
	defer srv.Close()
	fs := newFaultServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problemFor(400, errors.New("events: invalid event: id: required")))
	})
	p, _ := newTestPublisher(t, fs.URL)
	err := p.Publish(context.Background(), testEvent(t))
	var se *StatusError
	if !errors.As(err, &se) || se.Problem == nil || se.Problem.Status != 400 {
		t.Fatalf("got %v", err)
	}
	if want := "eventhttp: 400 Bad Request: events: invalid event: id: required"; se.Error() != want {
		t.Errorf("message %q, want %q", se.Error(), want)
	}
	plain := &StatusError{StatusCode: 599, Body: "boom"}
	if plain.Error() != "eventhttp: 599: boom" {
		t.Errorf("message %q", plain.Error())
	}
}

func TestPublisherGivesUp(t *testing.T) {
	fs := newFaultServer(t, status(503), status(503), status(503), status(503))
	p, ws := newTestPublisher(t, fs.URL, WithMaxAttempts(3))
	err := p.Publish(context.Background(), testEvent(t))
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Fatalf("got %v", err)
	}
	if n := len(fs.attempts()); n != 3 || len(ws.d) != 2 {
		t.Errorf("%d attempts, %d waits; want 3 and 2", n, len(ws.d))
	}
	for i, d := range ws.d {
		if max := time.Millisecond << i; d < max/2 || d > max {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, max/2, max)
		}
	}
}

func TestPublisherHonoursRetryAfter(t *testing.T) {
	fs := newFaultServer(t, status(503, "Retry-After", "2"), status(429, "Retry-After", "1"))
	p, ws := newTestPublisher(t, fs.URL)
	if err := p.Publish(context.Background(), testEvent(t)); err != nil {
		t.Fatal(err)
	}
	// What the server asked, plus at most half the backoff (here at
	// most 2ms) as jitter.
	want := []time.Duration{2 * time.Second, time.Second}
	if len(ws.d) != len(want) {
		t.Fatalf("waits %v, want %v", ws.d, want)
	}
	for i, d := range ws.d {
		if d < want[i] || d > want[i]+2*time.Millisecond {
			t.Errorf("wait %d = %v, want within [%v, %v]", i, d, want[i], want[i]+2*time.Millisecond)
		}
	}
}

func TestPublisherRefusesLongRetryAfter(t *testing.T) {
	tests := map[string]struct {
		retryAfter string
		opts       []Option
		ctxTimeout time.Duration
	}{
		"HTTP date far away":          {"Fri, 31 Dec 9999 23:59:59 GMT", nil, 0},
		"seconds over the limit":      {"61", nil, 0},
		"over a custom limit":         {"3", []Option{WithMaxRetryAfter(2 * time.Second)}, 0},
		"past the context's deadline": {"30", nil, 10 * time.Second},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			fs := newFaultServer(t, status(503, "Retry-After", tt.retryAfter))
			p, ws := newTestPublisher(t, fs.URL, tt.opts...)
			ctx := context.Background()
			if tt.ctxTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
				defer cancel()
			}
			err := p.Publish(ctx, testEvent(t))
			var se *StatusError
			if !errors.As(err, &se) || se.StatusCode != 503 {
				t.Fatalf("got %v, want the 503 *StatusError", err)
			}
			if n := len(fs.attempts()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			if len(ws.d) != 0 {
				t.Errorf("waited %v, want no wait", ws.d)
			}
		})
	}
}

func TestPublisherStopsAtCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fs := newFaultServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		w.WriteHeader(503)
	})
	p, err := NewPublisher(fs.URL, WithBackoff(time.Hour, time.Hour)) // the real sleep
	if err != nil {
		t.Fatal(err)
	}
	err = p.Publish(ctx, testEvent(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if n := len(fs.attempts()); n != 1 {
		t.Errorf("%d attempts after cancel", n)
	}

	// Cancelled while waiting between attempts.
	ctx2, cancel2 := context.WithCancel(context.Background())
	fs2 := newFaultServer(t, status(503))
	p2, _ := NewPublisher(fs2.URL, WithBackoff(time.Hour, time.Hour))
	p2.sleep = func(ctx context.Context, d time.Duration) error {
		cancel2()
		return sleep(ctx, d)
	}
	err = p2.Publish(ctx2, testEvent(t))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancel during backoff: got %v", err)
	}
	var se *StatusError
	if !errors.As(err, &se) || se.StatusCode != 503 {
		t.Errorf("cancel during backoff: %v does not keep the last *StatusError", err)
	}
}

func TestPublisherRefusesInvalidEvent(t *testing.T) {
	fs := newFaultServer(t)
	p, _ := newTestPublisher(t, fs.URL)
	e := testEvent(t)
	e.ID = ""
	if err := p.Publish(context.Background(), e); !errors.Is(err, events.ErrInvalidEvent) {
		t.Errorf("got %v", err)
	}
	if n := len(fs.attempts()); n != 0 {
		t.Errorf("%d attempts for an invalid event", n)
	}
}

func TestNewPublisherOptions(t *testing.T) {
	for _, bad := range []string{"", "relay:8080/events", "ftp://x/", "http://", "http://x\x7f"} {
		if _, err := NewPublisher(bad); err == nil {
			t.Errorf("NewPublisher(%q) accepted", bad)
		}
	}
	if _, err := NewPublisher("http://x/", WithMode(Mode(5))); err == nil {
		t.Error("unknown mode accepted")
	}
	p, err := NewPublisher("http://x/")
	if err != nil {
		t.Fatal(err)
	}
	if p.timeout != DefaultTimeout || p.maxAttempts != DefaultMaxAttempts || p.baseBackoff != DefaultBaseBackoff ||
		p.maxBackoff != DefaultMaxBackoff || p.mode != Binary || p.client == nil {
		t.Errorf("defaults %+v", p)
	}
	c := &http.Client{}
	p, _ = NewPublisher("https://x/", WithTimeout(time.Second), WithMaxAttempts(1), WithBackoff(time.Second, time.Millisecond), WithHTTPClient(c), WithMode(Structured))
	if p.timeout != time.Second || p.maxAttempts != 1 || p.baseBackoff != time.Second || p.maxBackoff != time.Second || p.client != c || p.mode != Structured {
		t.Errorf("options %+v", p)
	}
	p, _ = NewPublisher("https://x/", WithTimeout(0), WithMaxAttempts(0), WithBackoff(0, 0), WithHTTPClient(nil))
	if p.timeout != DefaultTimeout || p.maxAttempts != DefaultMaxAttempts || p.baseBackoff != DefaultBaseBackoff || p.maxBackoff != DefaultMaxBackoff || p.client == nil {
		t.Errorf("zero options changed defaults %+v", p)
	}
}

func TestPublisherImplementsInterface(t *testing.T) {
	var _ events.Publisher = (*Publisher)(nil)
}
