package conformance

import (
	"testing"
	"time"

	"github.com/algoryn/events"
)

var fixedTime = time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)

// fixture is an event with the payload it was made from.
type fixture struct {
	event   events.Event
	payload events.Payload
}

// fixtures returns one valid event of every known type, with awkward
// strings where the wire forms differ most (escapes, non-ASCII).
func fixtures(t testing.TB) []fixture {
	t.Helper()
	payloads := []struct {
		source string
		p      events.Payload
	}{
		{events.SourcePulse, events.RunCompletedPayload{RunID: "run-42", Service: "checkout", Passed: true, Duration: 90 * time.Second,
			Summary: events.RunSummary{Total: 12000, Failed: 36, RPS: 133.3, ErrorRate: 0.003, P99Ms: 187.5}}},
		{events.SourceRelay, events.ThresholdViolatedPayload{Service: "checkout", Source: events.SourceRelay, Description: "p99_latency < 200ms & \"x\"", Actual: 312.5, Limit: 200}},
		{events.SourceDeploy, events.ServiceRegisteredPayload{Name: "checkout", Address: "[::1]:8080", Tags: map[string]string{"region": "eu-west-1", "ünï": "コード"}}},
		{events.SourceDeploy, events.ServiceDeregisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"}},
		{events.SourceBeacon, events.AlertFiredPayload{AlertID: "alert-7", RuleID: "rule-p99", RuleName: "p99 latency", Severity: events.SeverityCritical,
			Service: "checkout", Summary: "p99 312.5ms — over 200ms", FiredAt: fixedTime.Add(time.Second), Labels: map[string]string{"team": "payments"},
			CorrelationEventID: "0196a1b2-0000-7000-8000-000000000002"}},
	}
	var out []fixture
	for i, p := range payloads {
		e, err := newEvent(p.source, p.p, events.WithID("0196a1b2-0000-7000-8000-00000000000"+string(rune('1'+i))), events.WithTimestamp(fixedTime))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fixture{e, p.p})
	}
	return out
}

// newEvent calls events.New with the concrete type of p.
func newEvent(source string, p events.Payload, opts ...events.Option) (events.Event, error) {
	switch p := p.(type) {
	case events.RunCompletedPayload:
		return events.New(source, p, opts...)
	case events.ThresholdViolatedPayload:
		return events.New(source, p, opts...)
	case events.ServiceRegisteredPayload:
		return events.New(source, p, opts...)
	case events.ServiceDeregisteredPayload:
		return events.New(source, p, opts...)
	case events.AlertFiredPayload:
		return events.New(source, p, opts...)
	}
	panic("unknown payload")
}

// newPayload returns a pointer to a zero payload of the same type as p,
// for DataAs.
func newPayload(p events.Payload) any {
	switch p.(type) {
	case events.RunCompletedPayload:
		return new(events.RunCompletedPayload)
	case events.ThresholdViolatedPayload:
		return new(events.ThresholdViolatedPayload)
	case events.ServiceRegisteredPayload:
		return new(events.ServiceRegisteredPayload)
	case events.ServiceDeregisteredPayload:
		return new(events.ServiceDeregisteredPayload)
	case events.AlertFiredPayload:
		return new(events.AlertFiredPayload)
	}
	panic("unknown payload")
}
