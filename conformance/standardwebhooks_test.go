package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
)

// The secret and message of the Standard Webhooks test vectors (those of
// the reference libraries' tests).
const (
	swSecret  = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	swMsgID   = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	swPayload = `{"test": 2432232314}`
	swUnix    = 1614265330
	swSigned  = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	otherSig  = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
	swSecret2 = "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdGF0aW9uISE="
)

func reference(t *testing.T, secret string) *standardwebhooks.Webhook {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	return wh
}

// The reference library signs the vector as the vector says, so the
// cases below, built with it, are the vectors'.
func TestStandardWebhooksVector(t *testing.T) {
	sig, err := reference(t, swSecret).Sign(swMsgID, time.Unix(swUnix, 0), []byte(swPayload))
	if err != nil || sig != swSigned {
		t.Fatalf("the reference library signs %q, %v; the vector says %q", sig, err, swSigned)
	}
}

// signedHandler is NewHandler requiring signatures with secrets, in
// front of a recorder.
func signedHandler(t *testing.T, rec *received, opts ...eventhttp.HandlerOption) http.Handler {
	t.Helper()
	h, err := eventhttp.NewHandler(rec, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// serve sends one request to h and returns the status.
func serve(h http.Handler, header http.Header, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, "http://receiver.test/events", bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}

// eventhttp's handler checks the vector's signature: with a tolerance
// that reaches back to 2021, the signature passes, and the request is
// refused only as no CloudEvent (400, not 401); every change to it is a
// 401.
func TestHandlerVerifiesVector(t *testing.T) {
	longAgo := time.Since(time.Unix(swUnix, 0)) + time.Hour
	h := signedHandler(t, &received{}, eventhttp.RequireSignature(swSecret), eventhttp.WithTolerance(longAgo))
	header := func(id, ts, sig string) http.Header {
		return http.Header{"Content-Type": {eventhttp.ContentTypeStructured}, "Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
	}
	ts := fmt.Sprint(swUnix)
	for _, tt := range []struct {
		name   string
		header http.Header
		body   string
		want   int
	}{
		{"the vector", header(swMsgID, ts, swSigned), swPayload, http.StatusBadRequest},
		{"the vector among other signatures", header(swMsgID, ts, otherSig+" v2"+otherSig[2:]+" "+swSigned), swPayload, http.StatusBadRequest},
		{"another signature", header(swMsgID, ts, otherSig), swPayload, http.StatusUnauthorized},
		{"partial signature", header(swMsgID, ts, "v1,"), swPayload, http.StatusUnauthorized},
		{"another ID", header(swMsgID+"x", ts, swSigned), swPayload, http.StatusUnauthorized},
		{"another timestamp", header(swMsgID, fmt.Sprint(swUnix+1), swSigned), swPayload, http.StatusUnauthorized},
		{"another body", header(swMsgID, ts, swSigned), swPayload + " ", http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := serve(h, tt.header, []byte(tt.body)); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
}

// The reference library's own test cases, with an event for the payload,
// signed by the reference library and checked by eventhttp's handler.
func TestHandlerVerifiesReferenceCases(t *testing.T) {
	all := fixtures(t)
	now := time.Now()
	const tolerance = 5 * time.Minute
	for i, tt := range []struct {
		name   string
		at     time.Time
		modify func(http.Header)
		ok     bool
	}{
		{"valid signature is valid", now, nil, true},
		{"missing id returns error", now, func(h http.Header) { h.Del("webhook-id") }, false},
		{"missing timestamp returns error", now, func(h http.Header) { h.Del("webhook-timestamp") }, false},
		{"missing signature returns error", now, func(h http.Header) { h.Del("webhook-signature") }, false},
		{"invalid signature is invalid", now, func(h http.Header) { h.Set("webhook-signature", otherSig) }, false},
		{"partial signature is invalid", now, func(h http.Header) { h.Set("webhook-signature", "v1,") }, false},
		{"old timestamp fails", now.Add(-tolerance), nil, false},
		{"new timestamp fails", now.Add(tolerance + time.Second), nil, false},
		{"valid multi sig is valid", now, func(h http.Header) {
			h.Set("webhook-signature", strings.Join([]string{otherSig, "v2" + otherSig[2:], h.Get("webhook-signature"), otherSig}, " "))
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := all[i%len(all)].event
			body, err := events.ToCloudEvent(e)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := reference(t, swSecret).Sign(e.ID, tt.at, body)
			if err != nil {
				t.Fatal(err)
			}
			header := http.Header{"Content-Type": {eventhttp.ContentTypeStructured}}
			header.Set("webhook-id", e.ID)
			header.Set("webhook-timestamp", fmt.Sprint(tt.at.Unix()))
			header.Set("webhook-signature", sig)
			if tt.modify != nil {
				tt.modify(header)
			}
			// The reference library agrees with the case.
			if err := reference(t, swSecret).Verify(body, header); (err == nil) != tt.ok {
				t.Fatalf("the reference library: %v, want ok %v", err, tt.ok)
			}
			rec := &received{}
			got := serve(signedHandler(t, rec, eventhttp.RequireSignature(swSecret)), header, body)
			want := http.StatusUnauthorized
			if tt.ok {
				want = http.StatusNoContent
			}
			if got != want || len(rec.events) != map[bool]int{true: 1}[tt.ok] {
				t.Errorf("status %d with %d events handled, want %d", got, len(rec.events), want)
			}
		})
	}
}

// captured is a receiver that keeps each request's headers and body.
type captured struct {
	mu   sync.Mutex
	reqs []capturedRequest
}

type capturedRequest struct {
	header http.Header
	body   []byte
}

func (c *captured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.reqs = append(c.reqs, capturedRequest{r.Header.Clone(), body})
	c.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// The reference library verifies what an eventhttp Publisher signs, in
// both modes, with each secret of a rotation.
func TestReferenceVerifiesPublisher(t *testing.T) {
	for _, mode := range []eventhttp.Mode{eventhttp.Binary, eventhttp.Structured} {
		t.Run(mode.String(), func(t *testing.T) {
			c := &captured{}
			srv := httptest.NewServer(c)
			defer srv.Close()
			pub, err := eventhttp.NewPublisher(srv.URL, eventhttp.WithMode(mode), eventhttp.WithSigningSecrets(swSecret2, swSecret))
			if err != nil {
				t.Fatal(err)
			}
			all := append(fixtures(t), awkward(t))
			for _, f := range all {
				if err := pub.Publish(context.Background(), f.event); err != nil {
					t.Fatal(err)
				}
			}
			if len(c.reqs) != len(all) {
				t.Fatalf("%d requests, want %d", len(c.reqs), len(all))
			}
			for i, r := range c.reqs {
				for _, secret := range []string{swSecret, swSecret2} {
					if err := reference(t, secret).Verify(r.body, r.header); err != nil {
						t.Errorf("%s: the reference library refuses: %v", all[i].event.ID, err)
					}
				}
				if err := reference(t, "whsec_"+strings.Repeat("QUJD", 8)).Verify(r.body, r.header); err == nil {
					t.Errorf("%s: the reference library accepts it under another secret", all[i].event.ID)
				}
				tampered := append(bytes.Clone(r.body), ' ')
				if err := reference(t, swSecret).Verify(tampered, r.header); err == nil {
					t.Errorf("%s: the reference library accepts a changed body", all[i].event.ID)
				}
			}
		})
	}
}

// eventhttp's handler accepts a structured-mode CloudEvent signed by the
// reference library, and refuses a binary-mode one, whose ce- attributes
// the reference library does not sign.
func TestHandlerVerifiesReferenceSender(t *testing.T) {
	srvRec := &received{}
	srv := httptest.NewServer(signedHandler(t, srvRec, eventhttp.RequireSignature(swSecret, swSecret2)))
	defer srv.Close()
	for _, f := range append(fixtures(t), awkward(t)) {
		for _, mode := range []eventhttp.Mode{eventhttp.Structured, eventhttp.Binary} {
			req, err := eventhttp.NewRequest(context.Background(), srv.URL, f.event, mode)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			// The webhook-id is the event's ID, percent-encoded.
			id := encodeLikeHeader(f.event.ID)
			now := time.Now()
			sig, err := reference(t, swSecret2).Sign(id, now, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("webhook-id", id)
			req.Header.Set("webhook-timestamp", fmt.Sprint(now.Unix()))
			req.Header.Set("webhook-signature", sig)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusNoContent
			if mode == eventhttp.Binary {
				want = http.StatusUnauthorized
			}
			if resp.StatusCode != want {
				t.Errorf("%s, %v: status %d, want %d", f.event.ID, mode, resp.StatusCode, want)
			}
		}
	}
	if n := len(srvRec.events); n != len(fixtures(t))+1 {
		t.Errorf("%d events handled, want %d (the structured ones)", n, len(fixtures(t))+1)
	}
}

// encodeLikeHeader percent-encodes an ID as a ce-id header carries it
// (a sender's choice; the handler decodes webhook-id the same way).
func encodeLikeHeader(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '%' || c == '.' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
