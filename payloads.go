package events

import "time"

//go:generate go run ./internal/cmd/eventgen

// Payload is implemented by every typed payload struct. It binds a payload
// to the [EventType] it travels under, so that [New] can derive the type and
// [Decode] can refuse a mismatch.
//
// The five payloads of this package implement it with value receivers. A
// payload type of your own may implement it too; if it also has a
// Validate() error method, [New] calls it.
//
// This file is the one description of the five payloads. On the wire each
// payload is a JSON object whose keys are the Go field names, in field
// order. A field's "events" struct tag states its rules (required, min,
// max, hostport, unit) and which field is the event's subject; go
// generate derives from the structs, their doc comments and their tags the
// JSON encoders and decoders, the Validate and Subject methods, the table
// of event types and the JSON Schemas (see internal/cmd/eventgen). Every
// string must also be valid UTF-8, every float finite and every map key
// not empty.
type Payload interface {
	// EventType returns the type of the events that carry this payload.
	EventType() EventType
}

// RunCompletedPayload is the payload of run.completed, emitted by Pulse at
// the end of every test run.
type RunCompletedPayload struct {
	// RunID identifies the run in Pulse: the ID Pulse gave the load test,
	// under which its full results are kept.
	RunID string `events:"required"`

	// Service is the name of the service that was tested.
	Service string `events:"required,subject"`

	// Passed indicates whether all thresholds were met.
	Passed bool

	// Duration is the total run time, an integer number of nanoseconds on
	// the wire.
	Duration time.Duration `events:"min=0,unit=nanoseconds"`

	// Summary contains key metrics for quick evaluation. Full metrics stay
	// in Pulse, under RunID.
	Summary RunSummary
}

// RunSummary contains the key metrics from a Pulse run.
// It is intentionally compact — enough for alerting and dashboards
// without carrying Pulse's full metrics of the run.
//
// The zero value is a valid summary of a run that sent nothing.
type RunSummary struct {
	// Total is the number of requests sent.
	Total int64 `events:"min=0,unit=requests"`
	// Failed is the number of requests that failed, at most Total.
	Failed int64 `events:"min=0,max=Total,unit=requests"`
	// RPS is the mean throughput.
	RPS float64 `events:"min=0,unit=requests per second"`
	// ErrorRate is Failed/Total as a fraction, not a percentage.
	ErrorRate float64 `events:"min=0,max=1,unit=fraction"`
	// P99Ms is the 99th percentile latency.
	P99Ms float64 `events:"min=0,unit=milliseconds"`
}

// ServiceRegisteredPayload is the payload of service.registered, emitted
// by Deploy when a new backend is ready to receive traffic.
type ServiceRegisteredPayload struct {
	// Name is the service identifier used across the ecosystem.
	Name string `events:"required,subject"`

	// Address is the network address of the backend (host:port).
	Address string `events:"hostport"`

	// Tags contains arbitrary metadata about the service, such as
	// {"version": "1.2.0", "region": "us-east-1"}; nil is written as null.
	Tags map[string]string
}

// ServiceDeregisteredPayload is the payload of service.deregistered,
// emitted by Deploy when a backend is removed; Relay stops sending it
// traffic. It names the backend exactly as the matching
// [ServiceRegisteredPayload] did.
type ServiceDeregisteredPayload struct {
	// Name is the service identifier used across the ecosystem.
	Name string `events:"required,subject"`

	// Address is the network address of the backend (host:port) that is
	// going away.
	Address string `events:"hostport"`

	// Tags contains arbitrary metadata about the service, as registered;
	// nil is written as null.
	Tags map[string]string
}

// ThresholdViolatedPayload is the payload of threshold.violated, emitted
// by Pulse or Relay when a metric exceeds a configured threshold. Beacon
// uses it to trigger alerts.
type ThresholdViolatedPayload struct {
	// Service is the service where the violation occurred.
	Service string `events:"required,subject"`

	// Source is the tool that detected the violation, usually
	// [SourcePulse] or [SourceRelay].
	Source string

	// Description is the human-readable threshold description, such as
	// "p99_latency < 200ms".
	Description string `events:"required"`

	// Actual is the observed value that violated the threshold, in the
	// unit the Description implies.
	Actual float64

	// Limit is the configured threshold value, in the same unit as Actual.
	Limit float64
}

// Severity ranks an alert. The empty Severity is not valid.
type Severity string

// The severities an alert can have, from most to least urgent.
const (
	// SeverityCritical needs a person now.
	SeverityCritical Severity = "critical"
	// SeverityWarning needs attention soon.
	SeverityWarning Severity = "warning"
	// SeverityInfo is for the record only.
	SeverityInfo Severity = "info"
)

// AlertFiredPayload is the payload of alert.fired, emitted by Beacon when
// an alert rule triggers, usually on a threshold.violated event.
type AlertFiredPayload struct {
	// AlertID identifies this firing of the alert.
	AlertID string `events:"required"`

	// RuleID identifies the alert rule that fired.
	RuleID string `events:"required"`

	// RuleName is the rule's human-readable name.
	RuleName string

	// Severity ranks the alert: one of the Severity constants.
	Severity Severity `events:"required"`

	// Service is the service the alert is about.
	Service string `events:"required,subject"`

	// Summary is a one-line human-readable account of the alert.
	Summary string

	// FiredAt is when the rule fired, RFC 3339 in UTC with nanoseconds on
	// the wire.
	FiredAt time.Time `events:"required"`

	// Labels contains arbitrary metadata for routing the alert; nil is
	// written as null.
	Labels map[string]string

	// CorrelationEventID is the ID of the event that caused the alert,
	// typically a threshold.violated [Event].ID.
	CorrelationEventID string
}

// The payloads' event types, in the order of [Types].

// EventType returns [EventTypeRunCompleted].
func (RunCompletedPayload) EventType() EventType { return EventTypeRunCompleted }

// EventType returns [EventTypeThresholdViolated].
func (ThresholdViolatedPayload) EventType() EventType { return EventTypeThresholdViolated }

// EventType returns [EventTypeServiceRegistered].
func (ServiceRegisteredPayload) EventType() EventType { return EventTypeServiceRegistered }

// EventType returns [EventTypeServiceDeregistered].
func (ServiceDeregisteredPayload) EventType() EventType { return EventTypeServiceDeregistered }

// EventType returns [EventTypeAlertFired].
func (AlertFiredPayload) EventType() EventType { return EventTypeAlertFired }
