package events

import (
	"context"
	"time"
)

// Carrier is the metadata that travels beside an event on one hop: the
// headers of an HTTP request or a NATS message, or the extension
// attributes of a structured CloudEvent. It has the shape of
// OpenTelemetry's propagation.TextMapCarrier, so a propagator can inject
// trace context into it and extract it again without either side
// importing the other.
//
// Keys are lower case ("traceparent", "tracestate"). A Carrier handed to
// [Observer.StartHandle] is read-only: Set does nothing there.
type Carrier interface {
	// Get returns the value of key, or "" when it is absent.
	Get(key string) string
	// Set stores value under key, replacing any value it had.
	Set(key, value string)
	// Keys lists the keys the carrier holds.
	Keys() []string
}

// Operation describes one publish or one handling of an event by a
// transport, as it tells an [Observer].
type Operation struct {
	// System is the transport: "nats" or "http".
	System string
	// Destination is where the event goes or came from: the NATS subject,
	// or the path of the HTTP URL.
	Destination string
	// ConsumerGroup is the durable consumer that handles the event (NATS),
	// or "" for a publish and for a receiver that has no such name.
	ConsumerGroup string
	// Event is the event. Its Payload is there to measure, never to log:
	// an observer records the envelope only (see [Event.LogValue]).
	Event Event
	// Subject is the service the event is about, the payload's
	// [Event.Subject], when the transport has it; "" otherwise.
	Subject string
	// Delivery is the delivery number of a handled event, 1 for the
	// first; 0 when the transport does not count deliveries (HTTP).
	Delivery int
	// ReplayOf names the dead letter a handled event was replayed from,
	// "<stream>:<sequence>", or "" for an ordinary delivery.
	ReplayOf string
}

// NoticeKind says what a [Notice] reports.
type NoticeKind int

const (
	// NoticeRetry is a publish attempt that failed and will be made
	// again after Delay (an HTTP publisher's retry).
	NoticeRetry NoticeKind = iota + 1
	// NoticeNak is a handled event given back to the broker for
	// redelivery after Delay, because its handler failed.
	NoticeNak
	// NoticeDeadLetter is an event (or a message that was no event) put
	// aside as a dead letter, for Reason.
	NoticeDeadLetter
	// NoticeReplay is a dead letter sent back to its consumer.
	NoticeReplay
)

// String returns "retry", "nak", "dead_letter" or "replay", the names of
// the span events eventotel records.
func (k NoticeKind) String() string {
	switch k {
	case NoticeRetry:
		return "retry"
	case NoticeNak:
		return "nak"
	case NoticeDeadLetter:
		return "dead_letter"
	case NoticeReplay:
		return "replay"
	}
	return "notice"
}

// Notice is something that happened to an event besides its publish and
// its handling: a retry, a nak, a dead letter, a replay.
type Notice struct {
	// Kind says what happened.
	Kind NoticeKind
	// Operation is the publish or handling it happened in; for a message
	// that is no event, Operation.Event is the zero Event.
	Operation Operation
	// Attempt is the number of the attempt that failed (NoticeRetry) or
	// the delivery that was given back (NoticeNak); 0 otherwise.
	Attempt int
	// Delay is the wait before the next attempt or delivery; 0 when none.
	Delay time.Duration
	// Reason says why an event was dead-lettered, or what the replay
	// replays ("<stream>:<sequence>"); "" otherwise.
	Reason string
	// Err is the failure that caused a retry or a nak; nil otherwise.
	Err error
}

// Observer is told by a transport about every event it publishes and
// handles, so that tracing, metrics and logs can follow an event across
// the tools without code in the handlers. The eventotel module provides
// one for OpenTelemetry; eventhttp and eventnats each take one in an
// option. A transport without an Observer does none of this work.
//
// Its methods are called concurrently and must be safe for that.
type Observer interface {
	// StartPublish is called before e is sent, with the carrier of the
	// outgoing message, empty, for the observer to set headers on (the
	// trace context). It returns the context of the publish, passed to
	// [Observer.Notice] for its retries, and a function the transport
	// calls once, with the publish's result, when the publish ends.
	StartPublish(ctx context.Context, op Operation, c Carrier) (context.Context, func(err error))
	// StartHandle is called before the handler is given an event, with
	// the carrier the event arrived with (read-only). It returns the
	// context the handler runs in, which carries what the observer drew
	// from the carrier, and a function the transport calls once, with the
	// handler's result, when the handler returns.
	StartHandle(ctx context.Context, op Operation, c Carrier) (context.Context, func(err error))
	// Notice reports a retry, a nak, a dead letter or a replay. ctx is
	// the context StartPublish or StartHandle returned when the notice
	// happened within one, and the caller's otherwise.
	Notice(ctx context.Context, n Notice)
}

// PendingObserver is an [Observer] that also records how far a consumer
// is behind. A transport that knows it (eventnats's Consumer, from the
// server's count of undelivered messages) calls ObservePending once, when
// the consumer is made, with a function that reads the count; the
// observer calls it when it collects metrics.
type PendingObserver interface {
	Observer
	// ObservePending registers pending, the number of messages waiting
	// for the consumer group of op (op.Event is the zero Event).
	ObservePending(op Operation, pending func(ctx context.Context) (int64, error))
}

// MapCarrier is a [Carrier] over a map of strings, such as the extension
// attributes of a CloudEvent.
type MapCarrier map[string]string

// Get returns the value of key, or "".
func (m MapCarrier) Get(key string) string { return m[key] }

// Set stores value under key.
func (m MapCarrier) Set(key, value string) { m[key] = value }

// Keys lists the keys, in no particular order.
func (m MapCarrier) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
