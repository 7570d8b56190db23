package events_test

import (
	"fmt"
	"time"

	"github.com/algoryn/events"
)

// A producer (here Pulse) builds an event from a typed payload. New fills
// in a UUIDv7 ID and the current UTC time, and validates everything.
func ExampleNew() {
	e, err := events.New(events.SourcePulse, events.RunCompletedPayload{
		RunID:    "run-42",
		Service:  "checkout",
		Passed:   true,
		Duration: 90 * time.Second,
		Summary:  events.RunSummary{Total: 1000, Failed: 2, RPS: 11.1, ErrorRate: 0.002, P99Ms: 180},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type, e.Source, len(e.ID))
	fmt.Println(string(e.Payload))
	// Output:
	// run.completed pulse 36
	// {"RunID":"run-42","Service":"checkout","Passed":true,"Duration":90000000000,"Summary":{"Total":1000,"Failed":2,"RPS":11.1,"ErrorRate":0.002,"P99Ms":180}}
}

// Replaying a stored event, or writing a deterministic test, fixes the ID
// and time.
func ExampleWithTimestamp() {
	cest := time.FixedZone("CEST", 2*60*60)
	e, err := events.New(events.SourceDeploy,
		events.ServiceDeregisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"},
		events.WithID("evt-1"),
		events.WithTimestamp(time.Date(2026, 5, 1, 14, 0, 0, 0, cest)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.ID, e.Timestamp)
	// Output:
	// evt-1 2026-05-01 12:00:00 +0000 UTC
}
