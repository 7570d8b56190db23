// Command eventctl sees, checks and recovers the events between the
// Algoryn tools, with exactly the rules of the events package
// (github.com/algoryn/events): one truth.
//
// Install it with
//
//	go install github.com/algoryn/events/cmd/eventctl@latest
//
// # Offline commands
//
//   - eventctl validate [FILE...]: check NDJSON, a JSON array or
//     pretty-printed events (envelopes, v0.2.0 base64 payloads or
//     CloudEvents), streaming; one line per failing field,
//     "FILE:LINE: ID TYPE: Field.Path: problem", then "N valid, M invalid".
//   - eventctl new TYPE --source S [--payload JSON|@FILE] [--set F=V]...:
//     make a valid event.
//   - eventctl convert --to cloudevents|envelope [FILE...]: convert, streaming.
//   - eventctl schema [TYPE], eventctl types: the JSON Schemas and the
//     event types, their payloads, who emits and who listens.
//
// # Broker commands
//
// With --server (default $NATS_URL, then nats://127.0.0.1:4222) and
// --creds for authenticated servers; --stream, --prefix, --dlq-stream and
// --dlq-prefix default to eventnats's names.
//
//   - eventctl publish [FILE...]: validate and publish through the eventnats
//     Publisher; "N published, M duplicate, K invalid".
//   - eventctl tail: follow the event stream with an ephemeral ordered
//     consumer, disturbing no durable consumer.
//   - eventctl dlq ls|show|replay|purge: list, inspect, send back to the
//     consumer that gave up on them, or delete dead letters.
//   - eventctl stats: the stream's size, each durable consumer's backlog and
//     the dead letters per type and consumer.
//
// Every command has --help; eventctl --version prints the module version
// (the one given to go install …@version).
//
// # Exit status
//
//	0  success: every event valid, published, converted or replayed
//	1  some events were invalid (validate, new, convert, publish) or a
//	   dead letter could not be replayed
//	2  usage error, unreadable input, or the broker failed
//
// Errors are written on stderr as one line starting "eventctl: ". A
// progress line is drawn on stderr for long inputs, only when stderr is a
// terminal.
package main
