package events

import "time"

// Payload is implemented by every typed payload struct. It binds a payload
// to the [EventType] it travels under, so that [New] can derive the type and
// [Decode] can refuse a mismatch.
//
// The five payloads of this package implement it with value receivers. A
// payload type of your own may implement it too; if it also has a
// Validate() error method, [New] calls it.
type Payload interface {
	// EventType returns the type of the events that carry this payload.
	EventType() EventType
}

// RunCompletedPayload is the payload for EventTypeRunCompleted.
// Emitted by Pulse at the end of every test run.
//
// Wire keys are the field names. Required: RunID and Service.
type RunCompletedPayload struct {
	// RunID identifies the run in Pulse: the ID Pulse gave the load test,
	// under which its full results are kept.
	// Wire key "RunID". Required.
	RunID string

	// Service is the name of the service that was tested.
	// Wire key "Service". Required.
	Service string

	// Passed indicates whether all thresholds were met.
	// Wire key "Passed".
	Passed bool

	// Duration is the total run time.
	// Wire key "Duration": an integer number of nanoseconds, at least 0.
	Duration time.Duration

	// Summary contains key metrics for quick evaluation.
	// Full metrics stay in Pulse, under RunID.
	// Wire key "Summary".
	Summary RunSummary
}

// RunSummary contains the key metrics from a Pulse run.
// It is intentionally compact — enough for alerting and dashboards
// without carrying Pulse's full metrics of the run.
//
// Every float must be finite (no NaN or ±Inf). The zero value is a valid
// summary of a run that sent nothing.
type RunSummary struct {
	// Total is the number of requests sent. Wire key "Total"; at least 0.
	Total int64
	// Failed is the number of requests that failed. Wire key "Failed";
	// from 0 to Total.
	Failed int64
	// RPS is the mean throughput in requests per second. Wire key "RPS";
	// at least 0.
	RPS float64
	// ErrorRate is Failed/Total as a fraction, not a percentage.
	// Wire key "ErrorRate"; within [0,1].
	ErrorRate float64
	P99Ms     float64 // P99 latency in milliseconds. Wire key "P99Ms"; at least 0.
}

// ServiceRegisteredPayload is the payload for EventTypeServiceRegistered.
// Emitted by Deploy when a new backend is ready to receive traffic.
//
// Required: Name and Address.
type ServiceRegisteredPayload struct {
	// Name is the service identifier used across the ecosystem.
	// Wire key "Name". Required.
	Name string

	// Address is the network address of the backend (host:port).
	// Wire key "Address". Required; the port is a number from 1 to 65535.
	Address string

	// Tags contains arbitrary metadata about the service.
	// Example: {"version": "1.2.0", "region": "us-east-1"}
	// Wire key "Tags"; optional (nil is written as null). Keys are not empty.
	Tags map[string]string
}

// ServiceDeregisteredPayload is the payload for EventTypeServiceDeregistered.
// Emitted by Deploy when a backend is removed; Relay stops sending it
// traffic. It names the backend exactly as the matching
// [ServiceRegisteredPayload] did.
//
// Required: Name and Address.
type ServiceDeregisteredPayload struct {
	// Name is the service identifier used across the ecosystem.
	// Wire key "Name". Required.
	Name string

	// Address is the network address of the backend (host:port) that is
	// going away. Wire key "Address". Required; the port is a number from
	// 1 to 65535.
	Address string

	// Tags contains arbitrary metadata about the service, as registered.
	// Wire key "Tags"; optional (nil is written as null). Keys are not empty.
	Tags map[string]string
}

// ThresholdViolatedPayload is the payload for EventTypeThresholdViolated.
// Emitted by Pulse or Relay. Beacon uses this to trigger alerts.
//
// Required: Service and Description. Actual and Limit must be finite.
type ThresholdViolatedPayload struct {
	// Service is the service where the violation occurred.
	// Wire key "Service". Required.
	Service string

	// Source is the tool that detected the violation.
	// Wire key "Source"; optional, usually [SourcePulse] or [SourceRelay].
	Source string

	// Description is the human-readable threshold description.
	// Example: "p99_latency < 200ms"
	// Wire key "Description". Required.
	Description string

	// Actual is the observed value that violated the threshold.
	// Stored as float64 for interoperability — interpret based on Description.
	// Wire key "Actual"; finite, in the unit the Description implies.
	Actual float64

	// Limit is the configured threshold value.
	// Wire key "Limit"; finite, in the same unit as Actual.
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

// Known reports whether s is one of SeverityCritical, SeverityWarning or
// SeverityInfo.
func (s Severity) Known() bool {
	switch s {
	case SeverityCritical, SeverityWarning, SeverityInfo:
		return true
	}
	return false
}

// AlertFiredPayload is the payload for EventTypeAlertFired.
// Emitted by Beacon when an alert rule triggers, usually on a
// threshold.violated event.
//
// Required: AlertID, RuleID, Service, a known Severity and FiredAt.
type AlertFiredPayload struct {
	// AlertID identifies this firing of the alert.
	// Wire key "AlertID". Required.
	AlertID string

	// RuleID identifies the alert rule that fired.
	// Wire key "RuleID". Required.
	RuleID string

	// RuleName is the rule's human-readable name.
	// Wire key "RuleName"; optional.
	RuleName string

	// Severity ranks the alert.
	// Wire key "Severity": "critical", "warning" or "info". Required.
	Severity Severity

	// Service is the service the alert is about.
	// Wire key "Service". Required.
	Service string

	// Summary is a one-line human-readable account of the alert.
	// Wire key "Summary"; optional.
	Summary string

	// FiredAt is when the rule fired.
	// Wire key "FiredAt": RFC 3339 with nanoseconds. Required (not zero).
	FiredAt time.Time

	// Labels contains arbitrary metadata for routing the alert.
	// Wire key "Labels"; optional (nil is written as null). Keys are not empty.
	Labels map[string]string

	// CorrelationEventID is the ID of the event that caused the alert,
	// typically a threshold.violated [Event].ID.
	// Wire key "CorrelationEventID"; optional.
	CorrelationEventID string
}

// EventType returns [EventTypeRunCompleted].
func (RunCompletedPayload) EventType() EventType { return EventTypeRunCompleted }

// EventType returns [EventTypeServiceRegistered].
func (ServiceRegisteredPayload) EventType() EventType { return EventTypeServiceRegistered }

// EventType returns [EventTypeServiceDeregistered].
func (ServiceDeregisteredPayload) EventType() EventType { return EventTypeServiceDeregistered }

// EventType returns [EventTypeThresholdViolated].
func (ThresholdViolatedPayload) EventType() EventType { return EventTypeThresholdViolated }

// EventType returns [EventTypeAlertFired].
func (AlertFiredPayload) EventType() EventType { return EventTypeAlertFired }
