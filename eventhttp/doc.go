// Package eventhttp carries Algoryn events over HTTP as CloudEvents 1.0,
// following the CloudEvents HTTP protocol binding, with nothing but the
// standard library.
//
// Both content modes of the binding are supported:
//
//   - [Binary]: the attributes travel as ce- headers (ce-id, ce-source,
//     ce-type, ce-subject, ce-time, ce-specversion), percent-encoded as the
//     binding requires, and the body is the payload, Content-Type
//     application/json;
//   - [Structured]: the body is the whole event in the CloudEvents JSON
//     format of [events.ToCloudEvent], Content-Type
//     application/cloudevents+json.
//
// A producer sends with a [Publisher] (an [events.Publisher] with
// per-attempt timeouts and bounded, jittered retries) or builds requests
// itself with [NewRequest]. A consumer mounts [Handler] on a mux, or reads
// requests itself with [ReadRequest]:
//
//	mux.Handle("/events", eventhttp.Handler(router))
//
//	pub, err := eventhttp.NewPublisher("https://relay.internal/events")
//	err = pub.Publish(ctx, e)
//
// Errors returned by this package start with "eventhttp:" and wrap the
// underlying error, so [errors.Is] and [errors.As] find the events
// package's sentinels and its [*events.ValidationError].
package eventhttp
