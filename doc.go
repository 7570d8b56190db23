// Package events defines the inter-tool communication contracts for the
// Algoryn ecosystem. Tools emit events to notify other tools of significant
// state changes.
//
// Every tool imports this package to emit and consume events, so what it
// defines — the [Event] envelope, the [EventType] constants, the payload
// structs and the bytes on the wire — is a contract: see "Compatibility"
// below.
//
// # Event flow
//
//	Type                  Emitted by      Listened to by  Payload
//	run.completed         Pulse           dashboards      RunCompletedPayload
//	threshold.violated    Pulse, Relay    Beacon          ThresholdViolatedPayload
//	service.registered    Deploy          Relay           ServiceRegisteredPayload
//	service.deregistered  Deploy          Relay           ServiceDeregisteredPayload
//	alert.fired           Beacon          people, pagers  AlertFiredPayload
//
// The emitting tool is named in [Event].Source with [SourcePulse],
// [SourceRelay], [SourceDeploy] or [SourceBeacon].
//
// # Producing and consuming
//
// A producer builds an event with [New], which validates the payload, gives
// the event a UUIDv7 ID (its idempotency key) and the current UTC time, and
// encodes the payload; then hands it to a [Publisher]. A consumer reads the
// payload back with [Decode] (one known type), [DecodePayload] (any type),
// or registers functions on a [Router] with [Handle]:
//
//	r := events.NewRouter()
//	events.Handle(r, func(ctx context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
//		return fire(p)
//	})
//	err := r.HandleEvent(ctx, e)
//
// # Wire format
//
// An event is a JSON object (see [Event.MarshalJSON]):
//
//	{"ID":"0190...","Type":"threshold.violated","Source":"relay",
//	 "Timestamp":"2026-05-01T12:00:00.123456789Z","Payload":{"Service":"checkout",...}}
//
// The rules:
//
//   - Keys are exactly the Go field names, in envelope and payloads alike:
//     what encoding/json writes for the untagged v0.2.0 structs, so v0.2.0
//     producers and this version write the same payload bytes.
//   - Payload is embedded as a JSON object. v0.2.0 wrote it as a base64
//     string; [Event.UnmarshalJSON] still reads that form.
//   - Times (Timestamp, FiredAt) are RFC 3339 strings with nanoseconds,
//     written in UTC and read into UTC.
//   - time.Duration fields (RunCompletedPayload.Duration) are integer
//     nanoseconds. RunSummary.P99Ms is milliseconds, ErrorRate a fraction
//     in [0,1], RPS requests per second.
//   - Floats are finite: JSON has no NaN or Inf, and validation refuses them.
//   - Maps (Tags, Labels) are objects of strings; nil is written as null.
//   - A payload is at most [MaxPayloadBytes] bytes of JSON.
//
// Readers tolerate unknown keys, so producers may add fields. An event of a
// type this version does not know decodes as an [Event] and passes
// [Event.Validate]; only [Decode] and [DecodePayload] refuse it, with
// [ErrUnknownType].
//
// # CloudEvents, HTTP and JSON Schema
//
// [ToCloudEvent] and [FromCloudEvent] convert to and from the CloudEvents
// 1.0 structured JSON format (type "io.algoryn." + Type, subject = the
// service the payload is about). Package
// github.com/algoryn/events/eventhttp carries events over the CloudEvents
// HTTP binding, and [Schema] and [EnvelopeSchema] return JSON Schemas
// (draft 2020-12) kept in step with the Go types by tests.
//
// # Errors
//
// Every error matches one of [ErrInvalidEvent], [ErrInvalidPayload],
// [ErrUnknownType] or [ErrTypeMismatch] with [errors.Is]. Validation errors
// are a [*ValidationError] listing every failing field at once, in field
// order, as [*FieldError] values with a path such as "Summary.ErrorRate",
// the bad value and what was expected. Decoding reports every value of the
// wrong JSON type at once, in the order of the input; values are checked
// once they all decode. Malformed JSON gives a [*SyntaxError] with the
// byte offset and the field.
//
// # Tracing, metrics and logs
//
// A transport tells an [Observer] about every event it publishes and
// handles, and about retries, naks, dead letters and replays ([Notice]),
// handing it the message's metadata as a [Carrier] so that trace context
// can travel with the event; the eventotel module is the OpenTelemetry
// Observer. An Event logs as its envelope, never its payload
// ([Event.LogValue]).
//
// # Compatibility
//
// Within a major version: type names, field names and types, constant
// values and the wire bytes written for a given event do not change;
// fields, types and constants may be added. Golden files in
// testdata/golden pin the wire bytes, and the exported API is committed
// as text in the repository's api/ directory, checked by the tests, so
// that every API change is a reviewed diff. Any incompatible change is a
// deliberate decision recorded in CHANGELOG.md.
package events
