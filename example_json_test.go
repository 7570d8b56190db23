package events_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/algoryn/events"
)

// An event crosses the wire as JSON with its payload embedded, and reads
// back equal.
func ExampleEvent_MarshalJSON() {
	e, _ := events.New(events.SourceRelay,
		events.ThresholdViolatedPayload{Service: "checkout", Description: "error_rate < 0.01", Actual: 0.02, Limit: 0.01},
		events.WithID("0196f0c2-2a6e-7b4e-9d1a-4c1f6e8a9b10"),
		events.WithTimestamp(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)))

	data, err := json.Marshal(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(data))

	var back events.Event
	if err := json.Unmarshal(data, &back); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.ID == e.ID, back.Timestamp.Equal(e.Timestamp), string(back.Payload) == string(e.Payload))
	// Output:
	// {"ID":"0196f0c2-2a6e-7b4e-9d1a-4c1f6e8a9b10","Type":"threshold.violated","Source":"relay","Timestamp":"2026-05-01T12:00:00Z","Payload":{"Service":"checkout","Source":"","Description":"error_rate \u003c 0.01","Actual":0.02,"Limit":0.01}}
	// true true true
}

// Events stored by v0.2.0, whose payload went out as base64, still read.
func ExampleEvent_UnmarshalJSON_v020() {
	old := `{"ID":"a1","Type":"service.registered","Source":"deploy","Timestamp":"2026-05-01T12:00:00Z",` +
		`"Payload":"eyJOYW1lIjoiY2hlY2tvdXQiLCJBZGRyZXNzIjoiMTAuMC4wLjc6ODA4MCIsIlRhZ3MiOm51bGx9"}`
	var e events.Event
	if err := json.Unmarshal([]byte(old), &e); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(e.Payload))
	// Output:
	// {"Name":"checkout","Address":"10.0.0.7:8080","Tags":null}
}
