package eventhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
)

// A receiver that accepts only events signed with its secret, and a
// publisher that signs them. In practice the secret comes from the
// environment or a secret store, never from the code.
func ExampleNewHandler() {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.AlertFiredPayload) error {
		fmt.Println("paging for", p.AlertID, "on", p.Service)
		return nil
	})
	h, err := eventhttp.NewHandler(r, eventhttp.RequireSignature(secret), eventhttp.WithReplayProtection(0))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	pub, err := eventhttp.NewPublisher(srv.URL, eventhttp.WithSigningSecrets(secret))
	if err != nil {
		panic(err)
	}
	e, err := events.New(events.SourceBeacon, events.AlertFiredPayload{
		AlertID: "a-7", RuleID: "p99", Severity: events.SeverityCritical, Service: "checkout", FiredAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
	}, events.WithID("0196a1b2-0000-7000-8000-000000000007"))
	if err != nil {
		panic(err)
	}
	if err := pub.Publish(context.Background(), e); err != nil {
		panic(err)
	}

	// The same event from a publisher without the secret: refused.
	forger, _ := eventhttp.NewPublisher(srv.URL)
	err = forger.Publish(context.Background(), e)
	fmt.Println("unsigned refused:", errors.Is(err, eventhttp.ErrBadSignature))

	// A forged request, as a curl would send it: 401 and a problem.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{}`))
	req.Header.Set("Content-Type", eventhttp.ContentTypeStructured)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Println(string(body))
	// Output:
	// paging for a-7 on checkout
	// unsigned refused: true
	// 401 Unauthorized
	// {"type":"https://algoryn.dev/problems/bad-signature","title":"Missing or invalid signature","status":401,"detail":"eventhttp: missing or invalid signature: no webhook-id header"}
}

// Rotating a secret: the receiver accepts the old and the new one, while
// senders move to the new one; then the old one is dropped.
func ExampleRequireSignature_rotation() {
	const (
		oldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		newSecret = "whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXJvdGF0aW9uISE="
	)
	var got int
	h, err := eventhttp.NewHandler(events.HandlerFunc(func(context.Context, events.Event) error { got++; return nil }),
		eventhttp.RequireSignature(newSecret, oldSecret))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	e, _ := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"})
	for _, secret := range []string{oldSecret, newSecret} { // a sender not yet moved, one moved
		pub, err := eventhttp.NewPublisher(srv.URL, eventhttp.WithSigningSecrets(secret))
		if err != nil {
			panic(err)
		}
		if err := pub.Publish(context.Background(), e); err != nil {
			panic(err)
		}
	}
	fmt.Println("accepted:", got)

	// A malformed secret is an error when the handler is made, which
	// does not show it.
	_, err = eventhttp.NewHandler(events.NewRouter(), eventhttp.RequireSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	fmt.Println(err)
	// Output:
	// accepted: 2
	// eventhttp: RequireSignature: secret 1 of 1: eventhttp: invalid secret: want the whsec_ prefix
}
