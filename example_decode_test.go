package events_test

import (
	"errors"
	"fmt"

	"github.com/algoryn/events"
)

// A consumer (here Beacon) reads the payload of a type it expects.
func ExampleDecode() {
	e, _ := events.New(events.SourceRelay, events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourceRelay,
		Description: "p99_latency < 200ms", Actual: 212.5, Limit: 200,
	})

	v, err := events.Decode[events.ThresholdViolatedPayload](e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %s (actual %g, limit %g)\n", v.Service, v.Description, v.Actual, v.Limit)

	_, err = events.Decode[events.RunCompletedPayload](e)
	fmt.Println(errors.Is(err, events.ErrTypeMismatch))
	// Output:
	// checkout: p99_latency < 200ms (actual 212.5, limit 200)
	// true
}

// Code that handles every type, such as a logger, switches on the
// concrete payload.
func ExampleDecodePayload() {
	e, _ := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{
		Name: "checkout", Address: "10.0.0.7:8080",
	})

	p, err := events.DecodePayload(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	switch p := p.(type) {
	case events.ServiceRegisteredPayload:
		fmt.Println("up:", p.Name, p.Address)
	case events.ServiceDeregisteredPayload:
		fmt.Println("down:", p.Name, p.Address)
	default:
		fmt.Println("other:", p.EventType())
	}
	// Output:
	// up: checkout 10.0.0.7:8080
}
