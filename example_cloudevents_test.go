package events_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/algoryn/events"
)

func ExampleToCloudEvent() {
	e, err := events.New(events.SourcePulse,
		events.RunCompletedPayload{RunID: "run-42", Service: "checkout", Passed: true, Duration: 90 * time.Second},
		events.WithID("0196a1b2-0000-7000-8000-000000000001"),
		events.WithTimestamp(time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)))
	if err != nil {
		panic(err)
	}
	ce, err := events.ToCloudEvent(e)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(ce))
	// Output:
	// {"specversion":"1.0","id":"0196a1b2-0000-7000-8000-000000000001","source":"pulse","type":"io.algoryn.run.completed","subject":"checkout","time":"2026-05-01T12:00:00.123456789Z","datacontenttype":"application/json","data":{"RunID":"run-42","Service":"checkout","Passed":true,"Duration":90000000000,"Summary":{"Total":0,"Failed":0,"RPS":0,"ErrorRate":0,"P99Ms":0}}}
}

func ExampleFromCloudEvent() {
	ce := []byte(`{
		"specversion": "1.0",
		"id": "a1",
		"source": "relay",
		"type": "io.algoryn.threshold.violated",
		"time": "2026-05-01T12:00:00Z",
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"data": {"Service": "checkout", "Description": "p99 < 200ms", "Actual": 312.5, "Limit": 200}
	}`)
	e, err := events.FromCloudEvent(ce)
	if err != nil {
		panic(err)
	}
	p, err := events.Decode[events.ThresholdViolatedPayload](e)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Type, e.Source, p.Service, p.Actual)

	// A bad event: every failing attribute is named.
	_, err = events.FromCloudEvent([]byte(`{"specversion":"0.3","id":"a1","type":"threshold.violated","data":{}}`))
	var ve *events.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println(f)
		}
	}
	fmt.Println(errors.Is(err, events.ErrInvalidEvent))
	// Output:
	// threshold.violated relay checkout 312.5
	// specversion: must be "1.0", got "0.3"
	// source: required
	// type: must start with "io.algoryn.", got "threshold.violated"
	// time: required
	// true
}

func ExampleSchema() {
	b, ok := events.Schema(events.EventTypeAlertFired)
	if !ok {
		panic("no schema")
	}
	var s struct {
		ID         string                     `json:"$id"`
		Required   []string                   `json:"required"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		panic(err)
	}
	fmt.Println(s.ID)
	fmt.Println(s.Required)
	fmt.Println(string(s.Properties["Severity"]) != "")

	var env struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(events.EnvelopeSchema(), &env); err != nil {
		panic(err)
	}
	fmt.Println(env.ID)
	// Output:
	// https://algoryn.dev/schemas/events/v1/alert.fired.json
	// [AlertID RuleID Severity Service FiredAt]
	// true
	// https://algoryn.dev/schemas/events/v1/event.json
}
