package events_test

import (
	"time"

	"github.com/algoryn/events"
)

// fixedTime is the timestamp of every fixture, so that wire bytes are
// reproducible.
var fixedTime = time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)

// Valid payloads, one per type: the seed of round-trip tests, golden files,
// fuzz corpora and benchmarks.
var (
	runCompleted = events.RunCompletedPayload{
		RunID:    "run-42",
		Service:  "checkout",
		Passed:   false,
		Duration: 90 * time.Second,
		Summary: events.RunSummary{
			Total:     120000,
			Failed:    240,
			RPS:       1333.33,
			ErrorRate: 0.002,
			P99Ms:     212.5,
		},
	}
	serviceRegistered = events.ServiceRegisteredPayload{
		Name:    "checkout",
		Address: "10.0.0.7:8080",
		Tags:    map[string]string{"version": "1.2.0", "region": "us-east-1"},
	}
	serviceDeregistered = events.ServiceDeregisteredPayload{
		Name:    "checkout",
		Address: "10.0.0.7:8080",
		Tags:    map[string]string{"version": "1.2.0"},
	}
	thresholdViolated = events.ThresholdViolatedPayload{
		Service:     "checkout",
		Source:      events.SourceRelay,
		Description: "p99_latency < 200ms",
		Actual:      212.5,
		Limit:       200,
	}
	alertFired = events.AlertFiredPayload{
		AlertID:            "alert-7",
		RuleID:             "rule-p99",
		RuleName:           "Checkout p99 latency",
		Severity:           events.SeverityCritical,
		Service:            "checkout",
		Summary:            "p99 latency 212.5ms over 200ms <limit> & rising",
		FiredAt:            fixedTime.Add(time.Second),
		Labels:             map[string]string{"team": "payments"},
		CorrelationEventID: "01966f5e-0000-7000-8000-000000000001",
	}
)

// fixture is one valid event per known type, built with fixed ID and time.
type fixture struct {
	name    string
	source  string
	payload events.Payload
}

var fixtures = []fixture{
	{"run.completed", events.SourcePulse, runCompleted},
	{"threshold.violated", events.SourceRelay, thresholdViolated},
	{"service.registered", events.SourceDeploy, serviceRegistered},
	{"service.deregistered", events.SourceDeploy, serviceDeregistered},
	{"alert.fired", events.SourceBeacon, alertFired},
}

// fixtureID is the fixed ID of the i-th fixture event.
func fixtureID(i int) string {
	return "01966f5e-0000-7000-8000-00000000000" + string(rune('1'+i))
}

// mustEvent builds the event of a fixture; it panics on error, which in a
// test means the fixture itself is broken.
func mustEvent(i int) events.Event {
	f := fixtures[i]
	e, err := newAny(f.source, f.payload, events.WithID(fixtureID(i)), events.WithTimestamp(fixedTime))
	if err != nil {
		panic(err)
	}
	return e
}

// newAny calls events.New with the concrete type behind p.
func newAny(source string, p events.Payload, opts ...events.Option) (events.Event, error) {
	switch p := p.(type) {
	case events.RunCompletedPayload:
		return events.New(source, p, opts...)
	case events.ServiceRegisteredPayload:
		return events.New(source, p, opts...)
	case events.ServiceDeregisteredPayload:
		return events.New(source, p, opts...)
	case events.ThresholdViolatedPayload:
		return events.New(source, p, opts...)
	case events.AlertFiredPayload:
		return events.New(source, p, opts...)
	}
	return events.New(source, p, opts...)
}
