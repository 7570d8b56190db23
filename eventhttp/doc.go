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
// itself with [NewRequest]. A consumer mounts the handler of
// [NewHandler] on a mux, or reads requests itself with [ReadRequest]:
//
//	h, err := eventhttp.NewHandler(router, eventhttp.RequireSignature(os.Getenv("EVENTS_SECRET")))
//	mux.Handle("/events", h)
//
//	pub, err := eventhttp.NewPublisher("https://relay.internal/events",
//		eventhttp.WithSigningSecrets(os.Getenv("EVENTS_SECRET")))
//	err = pub.Publish(ctx, e)
//
// # Signatures
//
// A receiver that others can reach accepts only signed events: otherwise
// anyone who can reach it could register a backend or page the on-call
// engineer. Requests are signed as the Standard Webhooks specification
// (https://www.standardwebhooks.com) says, so other senders and
// receivers interoperate:
//
//	webhook-id:        the event's ID (percent-encoded as ce-id, and '.' too)
//	webhook-timestamp: the time of the attempt, in seconds since the epoch
//	webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">
//
// with a secret "whsec_" followed by 24 to 64 random bytes in base64
// (generate one with `echo whsec_$(head -c 32 /dev/urandom | base64)`).
// A [Publisher] given [WithSigningSecrets] signs every attempt anew, with
// the time of that attempt. A handler given [RequireSignature] refuses
// with 401 and a [Problem] of type bad-signature, before its
// [events.Handler] sees anything: a request without the three headers
// (before reading its body), with a timestamp more than the tolerance
// ([DefaultTolerance], [WithTolerance]) from its clock (before reading
// its body too), with no signature that matches under one of its
// secrets, compared in constant time (before parsing the body), or whose
// webhook-id is not the ID of the event it carries.
//
// In structured mode the body is the whole event, so the signature
// covers every attribute. In binary mode the body is only the payload:
// the attributes travel in ce- headers that the Standard Webhooks
// signature does not cover, and a request captured on the way could be
// sent again with another ce-type, ce-source or ce-time (webhook-id,
// which must equal ce-id, covers the ID). So in binary mode the Publisher
// adds a webhook-ce-signature header, in the same format: "v1,<base64
// HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{attributes}">", where
// attributes is, for each of Content-Type, ce-specversion, ce-id,
// ce-source, ce-type, ce-subject and ce-time present, in that order, the
// header name in lower case, ':', its value as sent and a line feed. A
// handler requiring signatures refuses a binary-mode request without a
// matching webhook-ce-signature. Standard Webhooks verifiers ignore the
// header and check the body's signature as usual; a sender that signs
// with a Standard Webhooks library sends structured mode (Content-Type
// application/cloudevents+json), whose signed body carries every
// attribute.
//
// Secrets rotate without downtime, as several are accepted at once: give
// the receivers the new secret beside the old (RequireSignature(new,
// old)), then the senders (WithSigningSecrets(new)), then drop the old
// one from the receivers. A sender may also sign with both for a while:
// webhook-signature then carries one signature per secret. Secrets are
// parsed when the Publisher or handler is made, and an error there
// ([ErrInvalidSecret]) says what is wrong without showing them; no error,
// log or printed value of this package shows a secret.
//
// The timestamp bounds how long a captured request can be replayed;
// [WithReplayProtection] closes that window too: the handler remembers
// the IDs it accepted until their timestamp leaves the tolerance window,
// [DefaultReplayMemory] of them at most (some 8.5 MB), and answers a
// second delivery of one with 204 without calling its events.Handler, so
// a replay cannot run the work again and a Publisher's retry after a lost
// answer is harmless. When the memory is full, it forgets the ID signed
// earliest and answers 503 to any request signed no later than it (an
// honest sender's retry, signed anew, gets through), so it never lets a
// replay through. The memory is per handler: replicas behind a load
// balancer each keep their own.
//
// An endpoint without signatures is made with [AllowUnsigned] (or
// [Handler], which is that): acceptable on loopback, or behind a proxy
// that authenticates the senders (mutual TLS, a service mesh), never on
// a network others share.
//
// # Under load
//
// The handler works on at most [DefaultMaxInFlight] requests at once
// ([WithMaxInFlight]), from reading the body to its events.Handler's
// answer; another gets 503 with Retry-After ([DefaultRetryAfter],
// [WithRetryAfter]) before its body is read, and a Publisher waits that
// long, plus a random part of its backoff, before sending again. A burst
// becomes retries, not goroutines and memory without bound. What a
// request holds before it gets a slot (its connection, its goroutine,
// its headers) is the http.Server's to bound; set its timeouts:
//
//	srv := &http.Server{
//		Handler:           mux,
//		ReadHeaderTimeout: 5 * time.Second,  // slow headers
//		ReadTimeout:       30 * time.Second, // slow bodies (MaxBodyBytes at most)
//		WriteTimeout:      30 * time.Second, // the events.Handler's time and the answer
//		IdleTimeout:       2 * time.Minute,  // kept-alive connections
//		MaxHeaderBytes:    64 << 10,
//	}
//
// A Publisher sending many events at once should use an http.Transport
// that keeps as many idle connections per host as it sends in parallel
// (MaxIdleConnsPerHost; the default keeps 2).
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
//	401     bad-signature    a signature missing or wrong, a timestamp  ErrBadSignature            no
//	                         outside the tolerance, or a webhook-id
//	                         not the event's (NewHandler with
//	                         RequireSignature)
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
//	503     about:blank      too many requests in flight, or the event  -                          yes, after
//	                         is being handled or was signed too long                               Retry-After
//	                         ago for the replay memory (NewHandler)
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
// A 204 may also answer an event already handled, with
// [WithReplayProtection].
//
// # Tracing
//
// [WithObserver] and [WithHandlerObserver] give the publisher and the
// handler an [events.Observer] (such as eventotel's): the trace context
// travels as traceparent and tracestate headers in binary mode and as
// CloudEvents extension attributes in structured mode, and the
// events.Handler runs in the context the Observer draws from them.
//
// Errors returned by this package start with "eventhttp:" and wrap the
// underlying error, so [errors.Is] and [errors.As] find the events
// package's sentinels and its [*events.ValidationError].
package eventhttp
