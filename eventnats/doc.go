// Package eventnats carries Algoryn events ([github.com/algoryn/events])
// between machines over NATS JetStream, with at-least-once delivery,
// server-side deduplication and dead-lettering, so that no event is lost
// or silently dropped.
//
// It is a separate module so that programs importing the contract package
// never pull in NATS.
//
// # Pieces
//
//   - [StartEmbedded] runs a NATS server with JetStream inside the
//     process, storing on disk: the default for one machine. With several
//     machines, run a NATS cluster and connect to its URL instead.
//   - [EnsureStream] creates the stream of events, subjects
//     "algoryn.events.>", and the stream of dead letters, "algoryn.dlq.>",
//     with the defaults documented on [StreamConfig], if they are missing;
//     existing streams are checked, and only the settings the caller sets
//     are changed.
//   - [Publisher] implements [events.Publisher]: it validates the event,
//     publishes it on "algoryn.events.<type>" and waits for the stream's
//     acknowledgement. [Publisher.PublishBatch] publishes many
//     asynchronously and still reports every failure.
//   - [Consumer] reads a durable pull consumer with explicit
//     acknowledgement and feeds an [events.Handler], typically an
//     [events.Router], with N workers. It receives the event types set
//     in ConsumerConfig.Types or, when none are, those the Router has
//     handlers for (every type if it has a fallback); events of other
//     types stay in the stream for other consumers.
//
// # Wire format
//
// Each event is one NATS message in the CloudEvents 1.0 NATS protocol
// binding, binary content mode ([NewMsg], [EventFromMsg]):
//
//	subject          algoryn.events.threshold.violated      prefix + "." + Event.Type
//	ce-specversion   1.0
//	ce-id            0193...                                Event.ID
//	ce-source        relay                                  Event.Source
//	ce-type          io.algoryn.threshold.violated          "io.algoryn." + Event.Type
//	ce-time          2026-05-01T12:00:00.123456789Z         Event.Timestamp, RFC 3339 nano, UTC
//	ce-subject       checkout                               the payload's Subject(); absent for unknown types
//	content-type     application/json
//	Nats-Msg-Id      0193...                                Event.ID, for deduplication
//	body             {"Service":"checkout",...}             Event.Payload
//
// The same event published twice within the stream's duplicate window (2
// minutes by default) is stored, and so delivered, once.
//
// # Delivery
//
// A [Consumer] acknowledges an event when the handler returns nil. When
// the handler fails it negatively acknowledges with a backoff, and the
// event is redelivered; when the handler fails on the MaxDeliver-th
// delivery or later, or at once for a message that is not a valid event
// or an error retrying cannot fix, it publishes the message to
// "algoryn.dlq.<type>" with the reason and the delivery count in headers
// ([HeaderDLQReason], [HeaderDLQDeliveries]) and terminates it. An event
// is never dead-lettered for having no handler unless the consumer's
// ConsumerConfig.Types asked for its type. Dead
// letters live outside the event subjects, in their own stream, so
// consumers of events never receive them. An event whose handler never
// fails is not dead-lettered for being delivered again (given back at a
// graceful stop, or redelivered after waiting past AckWait); only one
// delivered more than MaxDeliver + 20 times without any answer, as when
// handling it kills the process, is.
//
// Each worker pulls events ahead (Batch, 250 by default) and reports
// progress to the server while a handler runs, so that a slow handler
// keeps its event; keep Batch × handler time well under AckWait.
//
// Delivery is at least once: after a crash or a lost acknowledgement a
// handler can see an event again, and should deduplicate on its ID where
// that matters.
//
// # Errors
//
// Errors start with "eventnats:" and wrap one of the sentinel errors
// ([ErrInvalidSubject], [ErrInvalidConfig], [ErrPublish], [ErrNoStream],
// [ErrBrokerUnavailable], [ErrMalformedMessage], [ErrTooLarge],
// [ErrServerNotReady]) or an error of the events package, so [errors.Is]
// tells them apart. A broker that is down gives an error matching
// [ErrBrokerUnavailable] within the publish timeout, never a hang; a
// publish before [EnsureStream] made the streams fails at once with
// [ErrNoStream].
//
// # Logging
//
// [Publisher] and [Consumer] log through a *slog.Logger set in their
// configuration; by default they log nothing (the errors they return, and
// [Consumer.Stats], carry what a caller needs). Pass slog.Default() to see
// retries and dead letters.
//
// # Try it
//
// From the repository root:
//
//	go run -C eventnats ./cmd/eventflow
//
// starts an embedded server and runs the flow of the Algoryn tools through
// it: Deploy registers a backend, Pulse reports a run and a violation,
// Relay reports another, Beacon fires an alert for each, Deploy
// deregisters the backend; Relay, Beacon and a dashboard consume them.
package eventnats
