package eventhttp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
)

var (
	secretA = testSecret('a', 32)
	secretB = testSecret('b', 32)
)

// countingHandler counts the events it is given.
type countingHandler struct{ n atomic.Int32 }

func (c *countingHandler) HandleEvent(context.Context, events.Event) error {
	c.n.Add(1)
	return nil
}

func mustHandler(t testing.TB, h events.Handler, opts ...HandlerOption) *handler {
	t.Helper()
	s, err := NewHandler(h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*handler)
}

// signedRequest returns a request carrying e in mode, signed with
// secrets at the time signedAt, as a Publisher sends it.
func newSignedRequest(t testing.TB, e events.Event, mode Mode, signedAt time.Time, secrets ...string) *http.Request {
	t.Helper()
	req, err := NewRequest(context.Background(), "http://receiver.test/events", e, mode)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.Header.Set(headerWebhookID, encodeWebhookID(e.ID))
	if err := sign(req.Header, mustKeys(t, secrets...), signedAt, mode, body); err != nil {
		t.Fatal(err)
	}
	return req
}

func TestSignedPublisherToHandler(t *testing.T) {
	tests := []struct {
		name             string
		signWith, verify []string
		ok               bool
	}{
		{"one secret", []string{secretA}, []string{secretA}, true},
		{"rotation, sender first: signs with old and new", []string{secretA, secretB}, []string{secretB}, true},
		{"rotation, receiver first: accepts old and new", []string{secretA}, []string{secretA, secretB}, true},
		{"another secret", []string{secretA}, []string{secretB}, false},
	}
	for _, mode := range []Mode{Binary, Structured} {
		for _, tt := range tests {
			t.Run(mode.String()+"/"+tt.name, func(t *testing.T) {
				rec := &recorder{}
				srv := httptest.NewServer(mustHandler(t, rec, RequireSignature(tt.verify...)))
				defer srv.Close()
				tr := &alterTransport{}
				p, _ := newTestPublisher(t, srv.URL, WithMode(mode), WithSigningSecrets(tt.signWith...),
					WithHTTPClient(&http.Client{Transport: tr}))
				e := awkwardEvent(t)
				err := p.Publish(context.Background(), e)
				if tt.ok {
					if err != nil {
						t.Fatal(err)
					}
					if got := rec.got(); len(got) != 1 || got[0].ID != e.ID || got[0].Source != e.Source || !bytes.Equal(got[0].Payload, e.Payload) {
						t.Fatalf("received %+v, want %+v", got, e)
					}
					return
				}
				var se *StatusError
				if !errors.As(err, &se) || se.StatusCode != http.StatusUnauthorized || !errors.Is(err, ErrBadSignature) {
					t.Fatalf("Publish: %v, want a 401 *StatusError matching ErrBadSignature", err)
				}
				if len(rec.got()) != 0 || tr.attempts.Load() != 1 {
					t.Errorf("%d events handled in %d attempts, want 0 in 1", len(rec.got()), tr.attempts.Load())
				}
			})
		}
	}
}

// readSpy is a body that records whether it was read.
type readSpy struct {
	r    io.Reader
	read atomic.Bool
}

func (s *readSpy) Read(p []byte) (int, error) {
	s.read.Store(true)
	return s.r.Read(p)
}

func (s *readSpy) Close() error { return nil }

func TestSignedHandlerRefuses(t *testing.T) {
	now := time.Now()
	e := testEvent(t)
	other := mustNew(t, "relay", "0196a1b2-0000-7000-8000-0000000000ff", events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourceRelay, Description: "p99", Actual: 1, Limit: 2,
	})
	tests := []struct {
		name       string
		mode       Mode
		req        func() *http.Request
		bodyUnread bool // refused before the body is read
	}{
		{"no signature headers", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			for _, h := range []string{headerWebhookID, headerWebhookTimestamp, headerWebhookSignature, headerAttributesSignature} {
				r.Header.Del(h)
			}
			return r
		}, true},
		{"no webhook-signature", Structured, func() *http.Request {
			r := newSignedRequest(t, e, Structured, now, secretA)
			r.Header.Del(headerWebhookSignature)
			return r
		}, true},
		{"timestamp too old", Structured, func() *http.Request {
			return newSignedRequest(t, e, Structured, now.Add(-DefaultTolerance-2*time.Second), secretA)
		}, true},
		{"timestamp too new", Binary, func() *http.Request {
			return newSignedRequest(t, e, Binary, now.Add(DefaultTolerance+2*time.Second), secretA)
		}, true},
		{"another secret", Structured, func() *http.Request { return newSignedRequest(t, e, Structured, now, secretB) }, false},
		{"body changed", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(string(e.Payload), "312.5", "999", 1)))
			return r
		}, false},
		{"timestamp changed", Structured, func() *http.Request {
			r := newSignedRequest(t, e, Structured, now, secretA)
			r.Header.Set(headerWebhookTimestamp, strconv.FormatInt(now.Unix()+1, 10))
			return r
		}, false},
		{"webhook-id of another event", Structured, func() *http.Request {
			r := newSignedRequest(t, e, Structured, now, secretA)
			r2 := newSignedRequest(t, other, Structured, now, secretA)
			r.Header = r2.Header // signatures of other's ID over e's body do not match
			return r
		}, false},
		{"webhook-id signed but not the event's ID", Structured, func() *http.Request {
			r := newSignedRequest(t, e, Structured, now, secretA)
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.Header.Set(headerWebhookID, "another-id")
			if err := sign(r.Header, mustKeys(t, secretA), now, Structured, body); err != nil {
				t.Fatal(err)
			}
			return r
		}, false},
		{"binary mode, attributes unsigned", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			r.Header.Del(headerAttributesSignature)
			return r
		}, false},
		{"binary mode, ce-type changed", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			r.Header.Set(headerType, events.CloudEventsTypePrefix+"alert.fired")
			return r
		}, false},
		{"binary mode, ce-time changed", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			r.Header.Set(headerTime, "2030-01-01T00:00:00Z")
			return r
		}, false},
		{"binary mode, ce-source changed", Binary, func() *http.Request {
			r := newSignedRequest(t, e, Binary, now, secretA)
			r.Header.Set(headerSource, "beacon")
			return r
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &countingHandler{}
			s := mustHandler(t, h, RequireSignature(secretA))
			s.now = func() time.Time { return now }
			req := tt.req()
			spy := &readSpy{r: req.Body}
			req.Body = spy
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			assertRefused(t, w, http.StatusUnauthorized, problemTypeBase+"bad-signature")
			if w.Header().Get("WWW-Authenticate") == "" {
				t.Error("a 401 without WWW-Authenticate")
			}
			if h.n.Load() != 0 {
				t.Error("the events.Handler was called")
			}
			if tt.bodyUnread && spy.read.Load() {
				t.Error("the body was read")
			}
			if strings.Contains(w.Body.String(), strings.TrimPrefix(secretA, secretPrefix)[:12]) {
				t.Errorf("the answer %s shows the secret", w.Body)
			}
		})
	}
}

func assertRefused(t *testing.T, w *httptest.ResponseRecorder, status int, typ string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Type != typ || p.Status != status {
		t.Fatalf("problem %s (%v), want type %s status %d", w.Body, err, typ, status)
	}
}

func TestSignedHandlerAccepts(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		name      string
		signedAt  time.Time
		tolerance time.Duration
		ok        bool
	}{
		{"now", now, 0, true},
		{"four minutes ago", now.Add(-4 * time.Minute), 0, true},
		{"four minutes ahead", now.Add(4 * time.Minute), 0, true},
		{"two minutes ago, tolerance one", now.Add(-2 * time.Minute), time.Minute, false},
		{"ten minutes ago, tolerance fifteen", now.Add(-10 * time.Minute), 15 * time.Minute, true},
	} {
		for _, mode := range []Mode{Binary, Structured} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				h := &countingHandler{}
				s := mustHandler(t, h, RequireSignature(secretB, secretA), WithTolerance(tt.tolerance))
				s.now = func() time.Time { return now }
				w := httptest.NewRecorder()
				s.ServeHTTP(w, newSignedRequest(t, awkwardEvent(t), mode, tt.signedAt, secretA))
				if got := w.Code == http.StatusNoContent && h.n.Load() == 1; got != tt.ok {
					t.Errorf("status %d, %d events handled; want accepted %v: %s", w.Code, h.n.Load(), tt.ok, w.Body)
				}
			})
		}
	}
}

// A retried request is signed anew, with the time of its attempt.
func TestPublisherResignsEachAttempt(t *testing.T) {
	var mu sync.Mutex
	var stamps, sigs []string
	rec := &recorder{}
	s := mustHandler(t, rec, RequireSignature(secretA))
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		stamps = append(stamps, r.Header.Get(headerWebhookTimestamp))
		sigs = append(sigs, r.Header.Get(headerWebhookSignature))
		mu.Unlock()
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	p, _ := newTestPublisher(t, srv.URL, WithSigningSecrets(secretA))
	clock := time.Now().Add(-time.Minute)
	p.now = func() time.Time { clock = clock.Add(30 * time.Second); return clock }
	if err := p.Publish(context.Background(), testEvent(t)); err != nil {
		t.Fatal(err)
	}
	if len(stamps) != 2 || stamps[0] == stamps[1] || sigs[0] == sigs[1] {
		t.Errorf("timestamps %v, signatures %v: want two attempts, each signed anew", stamps, sigs)
	}
	if len(rec.got()) != 1 {
		t.Errorf("%d events handled, want 1", len(rec.got()))
	}
}

func TestNewHandlerErrors(t *testing.T) {
	h := &countingHandler{}
	tests := []struct {
		name string
		h    events.Handler
		opts []HandlerOption
		is   error
	}{
		{"no choice", h, nil, errNoAuthChoice},
		{"no choice, other options", h, []HandlerOption{WithMaxInFlight(3)}, errNoAuthChoice},
		{"both", h, []HandlerOption{AllowUnsigned(), RequireSignature(secretA)}, nil},
		{"replay protection unsigned", h, []HandlerOption{AllowUnsigned(), WithReplayProtection(0)}, nil},
		{"no secret", h, []HandlerOption{RequireSignature()}, ErrInvalidSecret},
		{"bad secret", h, []HandlerOption{RequireSignature(secretA, "whsec_short")}, ErrInvalidSecret},
		{"nil handler", nil, []HandlerOption{AllowUnsigned()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewHandler(tt.h, tt.opts...)
			if err == nil || s != nil || !strings.HasPrefix(err.Error(), "eventhttp: ") {
				t.Fatalf("NewHandler = %v, %v; want an error", s, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v does not match %v", err, tt.is)
			}
		})
	}
	if _, err := NewPublisher("http://x.test", WithSigningSecrets("whsec_nope")); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("NewPublisher with a bad secret: %v, want ErrInvalidSecret", err)
	}
}

// No secret shows when a Publisher, a handler or an option is printed,
// or in the errors of a malformed one.
func TestSecretsNeverShown(t *testing.T) {
	secret := secretA
	p, err := NewPublisher("http://x.test", WithSigningSecrets(secret))
	if err != nil {
		t.Fatal(err)
	}
	s := mustHandler(t, &countingHandler{}, RequireSignature(secret), WithReplayProtection(10))
	key := mustKeys(t, secret)[0]
	var texts []string
	for _, v := range []any{p, *p, s, *s, RequireSignature(secret), WithSigningSecrets(secret), key} {
		texts = append(texts, fmt.Sprintf("%v|%+v|%#v|%s|%x|%q", v, v, v, v, v, v))
	}
	bad := strings.TrimSuffix(secret, "=") + "!"
	for _, err := range []error{
		func() error { _, err := NewPublisher("http://x.test", WithSigningSecrets(secret, bad)); return err }(),
		func() error { _, err := NewHandler(&countingHandler{}, RequireSignature(secret, bad)); return err }(),
		func() error {
			_, err := NewHandler(&countingHandler{}, RequireSignature(secret, strings.TrimPrefix(secret, secretPrefix)))
			return err
		}(),
	} {
		if err == nil {
			t.Fatal("no error for a bad secret")
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	for _, text := range texts {
		assertNoSecretIn(t, text, secret)
		if strings.Contains(text, string(raw)) || strings.Contains(text, fmt.Sprintf("%x", raw)) || strings.Contains(text, fmt.Sprint(raw)) {
			t.Fatalf("%q shows the key", text)
		}
	}
}
