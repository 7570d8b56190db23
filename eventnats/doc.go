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
//     "algoryn.events.>" and "algoryn.events_replay.>" (replays), and the
//     stream of dead letters, "algoryn.dlq.>",
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
//     types stay in the stream for other consumers. It also receives the
//     replays addressed to its durable, with nothing to configure.
//   - [DeadLetters] lists, shows, replays and purges dead letters: the
//     API under `eventctl dlq`. [ReadStats] reads the streams' sizes,
//     each durable's backlog and the dead letters per type and consumer
//     (`eventctl stats`); [Publisher.PublishAck] tells a stored event
//     from a duplicate (`eventctl publish`).
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
// A replay ([DeadLetters.Replay]) is the same message on another subject,
// with a Nats-Msg-Id of its own and one more header:
//
//	subject          algoryn.events_replay.beacon.threshold.violated   ReplayPrefix + "." + durable + "." + Event.Type
//	Nats-Msg-Id      eventnats-replay:ALGORYN_DLQ:42:0193...           dead-letter stream, sequence and Event.ID
//	Eventnats-Replay-Of  ALGORYN_DLQ:42                               the dead letter it came from
//
// The other headers and the body are the original's.
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
// # Replays
//
// Once the cause of a dead letter is fixed, [DeadLetters.Replay] sends its
// event back to the durable consumer that gave up on it
// ([HeaderDLQConsumer]) and to no other: the other consumers of the type
// handled it already. The replay is stored in the event stream on
// ReplayPrefix.<durable>.<type> ([ReplaySubject]; ReplayPrefix is Prefix +
// "_replay" by default). That subject is outside Prefix.>: no consumer of
// events receives it, not even one whose Router has a fallback and so
// takes Prefix.>, and no event type can ever name it, since the last
// token of ReplayPrefix ("events_replay") differs from Prefix's. Each
// [Consumer] takes ReplayPrefix.<its durable>.> besides its types, so the
// replay reaches its durable without its user changing anything, and its
// handler receives the event as first published: same ID, type, source,
// time and payload.
//
// The original's Nats-Msg-Id (its event ID) may still be in the duplicate
// window; the replay has its own, made of the dead letter's stream and
// sequence and the event ID, so it is stored, and a second replay of the
// same dead letter within the window is deduplicated. The dead letter is
// deleted only after the event stream acknowledged the replay: a crash in
// between leaves it, and replaying it again delivers the event at worst
// twice, never zero times. A replay that fails again is dead-lettered
// again, with a new sequence, and can be replayed in turn.
//
// For operators: all processes of a durable share its replays as they
// share its events, so they should all run this version (a durable whose
// subjects lack its replay subject, as set by an older version, is
// refused with [ErrNoConsumer], dead letter kept) and handle the same
// types (a replay of a type the receiving process has no handler for is
// dead-lettered again). Replaying to a durable that was deleted is
// refused the same way. Event streams made by an older version get the
// replay subject from [EnsureStream] of this one; until then a replay
// fails with [ErrNoStream] and the dead letter stays. Readers of the
// event stream that want events only, such as a tail, filter on Prefix.>.
//
// # Errors
//
// Errors start with "eventnats:" and wrap one of the sentinel errors
// ([ErrInvalidSubject], [ErrInvalidConfig], [ErrPublish], [ErrNoStream],
// [ErrBrokerUnavailable], [ErrMalformedMessage], [ErrTooLarge],
// [ErrServerNotReady], [ErrNoDeadLetter], [ErrNotReplayable],
// [ErrNoConsumer]) or an error of the events package, so [errors.Is]
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
// # Tracing
//
// The Observer field of [PublisherConfig], [ConsumerConfig] and
// [DeadLettersConfig] takes an [events.Observer] (such as eventotel's):
// the publisher writes the trace context into the message headers, which
// a dead letter keeps and a replay sends back, and the consumer runs the
// handler in the context the Observer draws from them.
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
