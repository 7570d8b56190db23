package events_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/algoryn/events"
)

// A consumer registers one typed function per event type; the Router
// validates and decodes before calling it.
func ExampleRouter() {
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ServiceRegisteredPayload) error {
		fmt.Println("add backend", p.Name, p.Address)
		return nil
	})
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ServiceDeregisteredPayload) error {
		fmt.Println("remove backend", p.Name, p.Address)
		return nil
	})

	up, _ := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"})
	down, _ := events.New(events.SourceDeploy, events.ServiceDeregisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"})
	for _, e := range []events.Event{up, down} {
		if err := r.HandleEvent(context.Background(), e); err != nil {
			fmt.Println(err)
		}
	}

	// A type with no handler is refused; transports subscribe to
	// r.Types() only, so it is not even delivered to this Router.
	run, _ := events.New(events.SourcePulse, events.RunCompletedPayload{RunID: "r1", Service: "checkout"})
	err := r.HandleEvent(context.Background(), run)
	fmt.Println(errors.Is(err, events.ErrUnknownType))
	fmt.Println(r.Types())
	// Output:
	// add backend checkout 10.0.0.7:8080
	// remove backend checkout 10.0.0.7:8080
	// true
	// [service.deregistered service.registered]
}
