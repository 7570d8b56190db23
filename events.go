package events

import "time"

// Event is the envelope for all inter-tool communication in Algoryn. Every
// tool that emits or consumes events uses this type.
//
// Build events with [New] rather than by hand: it fills ID and Timestamp,
// derives Type from the payload and checks everything. On the wire an Event
// is a JSON object with the keys "ID", "Type", "Source", "Timestamp" and
// "Payload", the payload embedded as a JSON object (see [Event.MarshalJSON]).
//
// The zero Event is not valid: [Event.Validate] reports every empty field.
type Event struct {
	// ID is a unique identifier for this event.
	// Wire key "ID". Required; no control characters and no space at
	// either end. [New] sets a UUIDv7 string (time-ordered); it is the
	// idempotency key, made once and kept on every retry.
	ID string

	// Type identifies what happened.
	// Wire key "Type". Required: lowercase words of [a-z0-9_] joined by dots.
	Type EventType

	// Source is the tool that emitted this event.
	// Use the constants [SourcePulse], [SourceRelay], [SourceDeploy] and
	// [SourceBeacon] for the four tools.
	// Wire key "Source". Required; a URI-reference (RFC 3986), as
	// CloudEvents requires, with no control characters and no space at
	// either end.
	Source string

	// Timestamp is when the event occurred.
	// Wire key "Timestamp": RFC 3339 in UTC with nanoseconds. Required.
	Timestamp time.Time

	// Payload contains event-specific data serialized as JSON.
	// Use the typed payload structs below and serialize with encoding/json,
	// or let [New] do it; read it back with [Decode] or [DecodePayload].
	// Wire key "Payload": the JSON object itself, not base64. Required,
	// at most [MaxPayloadBytes] bytes.
	Payload []byte
}

// EventType identifies the kind of event being emitted.
//
// A type is one or more lowercase words of [a-z0-9_] joined by single dots,
// so that it can also serve as a broker subject. The empty EventType is not
// valid.
type EventType string

const (
	// EventTypeRunCompleted is emitted by Pulse when a load test finishes.
	EventTypeRunCompleted EventType = "run.completed"

	// EventTypeServiceRegistered is emitted by Deploy when a new
	// service backend becomes available. Relay listens for this.
	EventTypeServiceRegistered EventType = "service.registered"

	// EventTypeServiceDeregistered is emitted by Deploy when a
	// service backend is removed. Relay listens for this.
	EventTypeServiceDeregistered EventType = "service.deregistered"

	// EventTypeThresholdViolated is emitted by Pulse or Relay when
	// a metric exceeds a configured threshold. Beacon listens for this.
	EventTypeThresholdViolated EventType = "threshold.violated"

	// EventTypeAlertFired is emitted by Beacon when an alert condition
	// is triggered.
	EventTypeAlertFired EventType = "alert.fired"
)

// Types returns the event types this version of the package defines, in a
// stable order: run.completed, threshold.violated, service.registered,
// service.deregistered, alert.fired. The slice is a fresh copy each call.
func Types() []EventType {
	out := make([]EventType, len(knownTypes))
	copy(out, knownTypes[:])
	return out
}

// Known reports whether t is one of the types in [Types]. An unknown but
// well-formed type is still a valid [Event]; only [Decode] and
// [DecodePayload] refuse it.
func (t EventType) Known() bool { return kindOf(t) != nil }

// String returns the type as written on the wire.
func (t EventType) String() string { return string(t) }

// Sources of events: the tools of the Algoryn ecosystem, as the values of
// [Event].Source and [ThresholdViolatedPayload].Source.
const (
	// SourcePulse is the load tester; it emits run.completed and
	// threshold.violated.
	SourcePulse = "pulse"
	// SourceRelay is the reverse proxy; it emits threshold.violated and
	// listens for service.registered and service.deregistered.
	SourceRelay = "relay"
	// SourceDeploy is the deployer; it emits service.registered and
	// service.deregistered.
	SourceDeploy = "deploy"
	// SourceBeacon is the alerter; it listens for threshold.violated and
	// emits alert.fired.
	SourceBeacon = "beacon"
)

// MaxPayloadBytes is the largest Payload, in bytes of JSON, that [New]
// produces and [Event.UnmarshalJSON] accepts (1 MiB). Larger payloads are
// refused with an error that names the field and the size.
const MaxPayloadBytes = 1 << 20
