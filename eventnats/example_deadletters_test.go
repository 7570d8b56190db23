package eventnats_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ExampleDeadLetters_Replay dead-letters an event Beacon cannot page
// about, lists it, and once the pager is back replays it to Beacon only.
func ExampleDeadLetters_Replay() {
	dir, _ := os.MkdirTemp("", "eventnats-example")
	defer os.RemoveAll(dir)
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Shutdown()
	nc, _ := nats.Connect(srv.URL())
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := eventnats.EnsureStream(ctx, js, eventnats.StreamConfig{}); err != nil {
		fmt.Println(err)
		return
	}

	// Beacon fails while the pager is down; one failure dead-letters.
	var pagerUp atomic.Bool
	handled := make(chan string, 1)
	r := events.NewRouter()
	events.Handle(r, func(_ context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		if !pagerUp.Load() {
			return errors.New("pager returned 503")
		}
		handled <- e.ID + " on " + p.Service
		return nil
	})
	c, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{Durable: "beacon", MaxDeliver: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	runCtx, stop := context.WithCancel(ctx)
	finished := make(chan error, 1)
	go func() { finished <- c.Run(runCtx, r) }()
	defer func() { stop(); <-finished }()

	pub, _ := eventnats.NewPublisher(js, eventnats.PublisherConfig{})
	e, _ := events.New(events.SourceRelay, events.ThresholdViolatedPayload{
		Service: "checkout", Description: "p99_latency < 200ms", Actual: 250, Limit: 200,
	}, events.WithID("0193a1b2-0000-7000-8000-00000000002a"))
	if err := pub.Publish(ctx, e); err != nil {
		fmt.Println(err)
		return
	}
	for c.Stats().DeadLettered == 0 && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}

	// The person on call looks, fixes the pager, replays.
	dls, _ := eventnats.NewDeadLetters(js, eventnats.DeadLettersConfig{})
	list, err := dls.List(ctx, eventnats.DeadLetterFilter{Consumer: "beacon"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, dl := range list {
		fmt.Printf("dead letter %d: %s %s, consumer %s, %d delivery: %s\n",
			dl.Sequence, dl.Type, dl.EventID, dl.Consumer, dl.Deliveries, dl.Reason)
	}
	pagerUp.Store(true)
	if err := dls.Replay(ctx, list[0].Sequence); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case got := <-handled:
		fmt.Println("beacon handled", got)
	case <-ctx.Done():
		fmt.Println("not handled:", ctx.Err())
	}
	left, _ := dls.List(ctx, eventnats.DeadLetterFilter{})
	fmt.Println("dead letters left:", len(left))
	// Output:
	// dead letter 1: threshold.violated 0193a1b2-0000-7000-8000-00000000002a, consumer beacon, 1 delivery: failed 1 deliveries: pager returned 503
	// beacon handled 0193a1b2-0000-7000-8000-00000000002a on checkout
	// dead letters left: 0
}
