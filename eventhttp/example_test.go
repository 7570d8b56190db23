package eventhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
)

func ExampleHandler() {
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		fmt.Println("violation on", p.Service, "from", e.Source)
		return nil
	})
	srv := httptest.NewServer(eventhttp.Handler(r))
	defer srv.Close()

	// A binary-mode CloudEvent, as any CloudEvents SDK sends it.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"Service":"checkout","Description":"p99 < 200ms","Actual":312.5,"Limit":200}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("ce-specversion", "1.0")
	req.Header.Set("ce-id", "a1")
	req.Header.Set("ce-source", "relay")
	req.Header.Set("ce-type", "io.algoryn.threshold.violated")
	req.Header.Set("ce-time", "2026-05-01T12:00:00Z")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	// An invalid one: 400 with an RFC 9457 problem naming the fields.
	req.Header.Del("ce-time")
	req.Body = io.NopCloser(strings.NewReader(`{"Service":"checkout"}`))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println(string(body))
	// Output:
	// violation on checkout from relay
	// 204
	// 400 application/problem+json
	// {"type":"https://algoryn.dev/problems/invalid-event","title":"Invalid event","status":400,"detail":"eventhttp: events: invalid event (threshold.violated): time: required","errors":[{"field":"time","kind":"required","detail":"time: required"}]}
}

// The bodies that the documentation of Problem shows are these.
func ExampleProblem() {
	// A receiver whose Router handles run.completed events only.
	r := events.NewRouter()
	events.Handle(r, func(context.Context, events.Event, events.RunCompletedPayload) error { return nil })
	srv := httptest.NewServer(eventhttp.Handler(r))
	defer srv.Close()

	post := func(ceTime string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`{"Service":"checkout","Description":"p99 < 200ms","Actual":312.5,"Limit":200}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("ce-specversion", "1.0")
		req.Header.Set("ce-id", "a1")
		req.Header.Set("ce-source", "relay")
		req.Header.Set("ce-type", "io.algoryn.threshold.violated")
		if ceTime != "" {
			req.Header.Set("ce-time", ceTime)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.Proto, resp.Status)
		fmt.Println("Content-Type:", resp.Header.Get("Content-Type"))
		fmt.Println()
		fmt.Println(string(body))
	}
	post("")                     // no time: an invalid event
	post("2026-05-01T12:00:00Z") // valid, but not a type this receiver handles
	// Output:
	// HTTP/1.1 400 Bad Request
	// Content-Type: application/problem+json
	//
	// {"type":"https://algoryn.dev/problems/invalid-event","title":"Invalid event","status":400,"detail":"eventhttp: events: invalid event (threshold.violated): time: required","errors":[{"field":"time","kind":"required","detail":"time: required"}]}
	// HTTP/1.1 422 Unprocessable Entity
	// Content-Type: application/problem+json
	//
	// {"type":"https://algoryn.dev/problems/unknown-type","title":"Unknown event type","status":422,"detail":"events: unknown event type: no handler for \"threshold.violated\""}
}

// A receiver that refuses an event for good is not asked again, and the
// error says why.
func ExamplePublisher_refused() {
	var calls atomic.Int32
	r := events.NewRouter() // no handler for service.registered
	srv := httptest.NewServer(eventhttp.Handler(events.HandlerFunc(func(ctx context.Context, e events.Event) error {
		calls.Add(1)
		return r.HandleEvent(ctx, e)
	})))
	defer srv.Close()

	pub, err := eventhttp.NewPublisher(srv.URL)
	if err != nil {
		panic(err)
	}
	e, err := events.New(events.SourceDeploy,
		events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"},
		events.WithID("0196a1b2-0000-7000-8000-000000000004"))
	if err != nil {
		panic(err)
	}
	err = pub.Publish(context.Background(), e)
	fmt.Println(err)
	fmt.Println("unknown type:", errors.Is(err, events.ErrUnknownType), "attempts:", calls.Load())
	var se *eventhttp.StatusError
	if errors.As(err, &se) {
		fmt.Println(se.StatusCode, se.Problem.Type)
	}
	// Output:
	// eventhttp: publish 0196a1b2-0000-7000-8000-000000000004: eventhttp: 422 Unprocessable Entity: events: unknown event type: no handler for "service.registered"
	// unknown type: true attempts: 1
	// 422 https://algoryn.dev/problems/unknown-type
}

func ExamplePublisher() {
	// A receiver that is unavailable once, then accepts.
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		e, err := eventhttp.ReadRequest(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Printf("attempt %d: %s %s\n", n, e.Type, e.ID)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()

	pub, err := eventhttp.NewPublisher(srv.URL,
		eventhttp.WithTimeout(5*time.Second),
		eventhttp.WithMaxAttempts(3),
		eventhttp.WithBackoff(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		panic(err)
	}
	e, err := events.New(events.SourceDeploy,
		events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"},
		events.WithID("0196a1b2-0000-7000-8000-000000000003"))
	if err != nil {
		panic(err)
	}
	if err := pub.Publish(context.Background(), e); err != nil {
		panic(err)
	}
	fmt.Println("published after", calls.Load(), "attempts")
	// Output:
	// attempt 2: service.registered 0196a1b2-0000-7000-8000-000000000003
	// published after 2 attempts
}

func ExampleNewRequest() {
	e, err := events.New(events.SourceBeacon, events.AlertFiredPayload{
		AlertID: "a-7", RuleID: "p99", Severity: events.SeverityCritical, Service: "café checkout",
		FiredAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
	}, events.WithID("a-7"), events.WithTimestamp(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	req, err := eventhttp.NewRequest(context.Background(), "http://beacon.internal/events", e, eventhttp.Binary)
	if err != nil {
		panic(err)
	}
	for _, h := range []string{"Content-Type", "Ce-Specversion", "Ce-Id", "Ce-Source", "Ce-Type", "Ce-Subject", "Ce-Time"} {
		fmt.Printf("%s: %s\n", h, req.Header.Get(h))
	}
	// Output:
	// Content-Type: application/json
	// Ce-Specversion: 1.0
	// Ce-Id: a-7
	// Ce-Source: beacon
	// Ce-Type: io.algoryn.alert.fired
	// Ce-Subject: caf%C3%A9%20checkout
	// Ce-Time: 2026-05-01T12:00:00Z
}
