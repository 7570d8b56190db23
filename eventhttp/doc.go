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
// # Answers, refusals and retries
//
// This table is the one place that says what each answer of [Handler]
// means, the type of the RFC 9457 [Problem] body it carries (a name
// under https://algoryn.dev/problems/, or about:blank), what the error of
// [Publisher.Publish] then matches with [errors.Is], and whether the
// Publisher sends the event again. h is the [events.Handler] given to
// Handler. Every error response of a receiver is a [*StatusError] on the
// sending side (found with [errors.As]); "-" means it matches none of the
// sentinels.
//
//	Status  Problem type     Meaning                                    Publish's error matches    Retried
//	204     (no body)        h returned nil                             (Publish returns nil)      -
//	400     invalid-event    the request is no valid event (attribute,  events.ErrInvalidEvent     no
//	                         event JSON, ce- header), or h's error
//	                         matches events.ErrInvalidEvent
//	400     invalid-payload  a payload field is invalid, or h's error   events.ErrInvalidPayload   no
//	                         matches events.ErrInvalidPayload           and events.ErrInvalidEvent
//	400     about:blank      the body could not be read                 -                          no
//	413     about:blank      the body or payload is over the limits of  -                          no
//	                         ReadRequest
//	415     about:blank      Content-Type not a JSON CloudEvent         -                          no
//	422     unknown-type     h's error matches events.ErrUnknownType    events.ErrUnknownType      no
//	                         (a Router without a handler for the type)
//	422     type-mismatch    h's error matches events.ErrTypeMismatch   events.ErrTypeMismatch     no
//	422     rejected         h's error was wrapped with                 events.ErrRejected         no
//	                         events.Permanent (matches ErrRejected)
//	405     about:blank      a method other than POST and OPTIONS       -                          no
//	500     about:blank      h returned any other error                 -                          yes
//	429     (any)            too many requests                          -                          yes
//	5xx     (any)            a server or proxy failure, but 501, 505    -                          yes
//	501     (any)            Not Implemented                            -                          no
//	505     (any)            HTTP Version Not Supported                 -                          no
//	4xx     (any)            any other 4xx (not sent by Handler)        -                          no
//	3xx     (any)            a redirect, not followed                   -                          no
//	-       -                network error, or attempt timed out        the network error          yes
//
// A refusal, 400 or 422 with a type under https://algoryn.dev/problems/,
// is for good: retrying the same event cannot help. 400 says the event is
// invalid, the sender's fault; 422 (Unprocessable Content) says it is a
// valid event that this receiver will not process, as its type is not
// handled here or the handler rejected it. Its detail is the text of the
// events package's own error (for example `events: unknown event type:
// no handler for "alert.fired"`), never the text that h wrapped around
// it; a 500 or a rejection sends no text of h's error at all. Retried
// failures are sent again up to [WithMaxAttempts] attempts in all, after
// which Publish returns the last one; a retried event keeps its ID, so
// the receiver's h may see it more than once and should deduplicate.
//
// Errors returned by this package start with "eventhttp:" and wrap the
// underlying error, so [errors.Is] and [errors.As] find the events
// package's sentinels and its [*events.ValidationError].
package eventhttp
