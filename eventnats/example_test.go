package eventnats_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Example starts an embedded server, publishes a threshold violation and
// handles it with a Router, as Beacon does.
func Example() {
	dir, _ := os.MkdirTemp("", "eventnats-example")
	defer os.RemoveAll(dir)
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Shutdown()
	nc, _ := nats.Connect(srv.URL()) // in production: the cluster's URL
	defer nc.Close()
	js, _ := jetstream.New(nc)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := eventnats.EnsureStream(ctx, js, eventnats.StreamConfig{}); err != nil {
		fmt.Println(err)
		return
	}

	// Relay's side: publish.
	pub, _ := eventnats.NewPublisher(js, eventnats.PublisherConfig{})
	e, _ := events.New(events.SourceRelay, events.ThresholdViolatedPayload{
		Service: "checkout", Description: "p99_latency < 200ms", Actual: 250, Limit: 200,
	})
	if err := pub.Publish(ctx, e); err != nil {
		fmt.Println(err)
		return
	}

	// Beacon's side: consume with a Router.
	done := make(chan struct{})
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		fmt.Printf("beacon: %s on %s from %s: %.0f > %.0f\n", p.Description, p.Service, e.Source, p.Actual, p.Limit)
		close(done)
		return nil
	})
	c, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{
		Durable: "beacon",
		Types:   []events.EventType{events.EventTypeThresholdViolated},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	runCtx, stop := context.WithCancel(ctx)
	finished := make(chan error, 1)
	go func() { finished <- c.Run(runCtx, r) }()
	select {
	case <-done:
	case <-ctx.Done():
		fmt.Println("not handled:", ctx.Err())
	}
	stop()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		fmt.Println("Run did not return")
	}
	fmt.Printf("handled %d, dead-lettered %d\n", c.Stats().Handled, c.Stats().DeadLettered)
	// Output:
	// beacon: p99_latency < 200ms on checkout from relay: 250 > 200
	// handled 1, dead-lettered 0
}

// ExampleSubject shows the subject of each event type.
func ExampleSubject() {
	for _, t := range events.Types() {
		s, _ := eventnats.Subject(eventnats.DefaultPrefix, t)
		fmt.Println(s)
	}
	_, err := eventnats.Subject("algoryn.*", events.EventTypeRunCompleted)
	fmt.Println(err)
	// Output:
	// algoryn.events.run.completed
	// algoryn.events.threshold.violated
	// algoryn.events.service.registered
	// algoryn.events.service.deregistered
	// algoryn.events.alert.fired
	// eventnats: invalid subject: prefix "algoryn.*" contains '*', which is not allowed in a subject token
}

// ExampleNewMsg shows the CloudEvents headers of a message.
func ExampleNewMsg() {
	e, _ := events.New(events.SourceDeploy,
		events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"},
		events.WithID("0193a1b2-0000-7000-8000-000000000001"),
		events.WithTimestamp(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)))
	m, _ := eventnats.NewMsg(eventnats.DefaultPrefix, e)
	fmt.Println(m.Subject)
	for _, k := range []string{"ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "ce-subject", "content-type", "Nats-Msg-Id"} {
		fmt.Printf("%s: %s\n", k, m.Header.Get(k))
	}
	fmt.Println(string(m.Data))
	// Output:
	// algoryn.events.service.registered
	// ce-specversion: 1.0
	// ce-id: 0193a1b2-0000-7000-8000-000000000001
	// ce-source: deploy
	// ce-type: io.algoryn.service.registered
	// ce-time: 2026-05-01T12:00:00Z
	// ce-subject: checkout
	// content-type: application/json
	// Nats-Msg-Id: 0193a1b2-0000-7000-8000-000000000001
	// {"Name":"checkout","Address":"10.0.0.7:8080","Tags":null}
}
