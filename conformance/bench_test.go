package conformance

import (
	"encoding/json"
	"testing"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/google/uuid"

	"github.com/algoryn/events"
)

var benchPayload = events.RunCompletedPayload{
	RunID: "run-42", Service: "checkout", Passed: true, Duration: 90 * time.Second,
	Summary: events.RunSummary{Total: 12000, Failed: 36, RPS: 133.3, ErrorRate: 0.003, P99Ms: 187.5},
}

var sinkPayload events.RunCompletedPayload

// BenchmarkCloudEventRoundTrip compares a full CloudEvents JSON round trip
// of a RunCompletedPayload: make the event, write it, read it, get the
// typed payload back. Both sides give the event a UUIDv7 ID and the
// current time, and end with a validated event.
func BenchmarkCloudEventRoundTrip(b *testing.B) {
	b.Run("impl=algoryn", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e, err := events.New(events.SourcePulse, benchPayload)
			if err != nil {
				b.Fatal(err)
			}
			data, err := events.ToCloudEvent(e)
			if err != nil {
				b.Fatal(err)
			}
			back, err := events.FromCloudEvent(data)
			if err != nil {
				b.Fatal(err)
			}
			if sinkPayload, err = events.Decode[events.RunCompletedPayload](back); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk-go", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ce := cloudevents.NewEvent()
			id, err := uuid.NewV7()
			if err != nil {
				b.Fatal(err)
			}
			ce.SetID(id.String())
			ce.SetSource(events.SourcePulse)
			ce.SetType(events.CloudEventsTypePrefix + string(events.EventTypeRunCompleted))
			ce.SetSubject(benchPayload.Subject())
			ce.SetTime(time.Now())
			if err := ce.SetData(cloudevents.ApplicationJSON, benchPayload); err != nil {
				b.Fatal(err)
			}
			data, err := json.Marshal(ce)
			if err != nil {
				b.Fatal(err)
			}
			back := cloudevents.NewEvent()
			if err := json.Unmarshal(data, &back); err != nil {
				b.Fatal(err)
			}
			var p events.RunCompletedPayload
			if err := back.DataAs(&p); err != nil {
				b.Fatal(err)
			}
			sinkPayload = p
		}
	})
}
