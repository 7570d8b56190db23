package eventnats

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them (and,
// where there is one, the underlying NATS or events error) with %w, so
// callers test them with [errors.Is].
var (
	// ErrInvalidSubject means a prefix or event type cannot be used as
	// NATS subject tokens: it is empty, has an empty token ("a..b"), or
	// contains a wildcard ('*', '>'), whitespace or a control character.
	ErrInvalidSubject = errors.New("eventnats: invalid subject")

	// ErrInvalidConfig means a field of a [PublisherConfig],
	// [ConsumerConfig], [StreamConfig] or [EmbeddedConfig] has a value
	// that cannot work, such as a negative count or a StoreDir that is a
	// file; that an existing stream cannot serve as the StreamConfig
	// asks ([EnsureStream]); or that a handler given to [Consumer.Run]
	// handles no event type.
	ErrInvalidConfig = errors.New("eventnats: invalid configuration")

	// ErrBrokerUnavailable means the NATS connection was not connected
	// when an operation failed, typically because the server is down or
	// unreachable. It is returned together with the operation's own error.
	ErrBrokerUnavailable = errors.New("eventnats: broker unavailable")

	// ErrMalformedMessage means a message on an event subject could not be
	// read as an event: missing or bad CloudEvents headers, a subject that
	// does not match its type, or a body that is not a valid payload.
	// Such messages are dead-lettered at once.
	ErrMalformedMessage = errors.New("eventnats: malformed message")

	// ErrPublish means the broker did not accept a publish: no stream
	// takes the subject (then the error matches [ErrNoStream] too), the
	// acknowledgement timed out, or the server refused the message.
	ErrPublish = errors.New("eventnats: publish failed")

	// ErrNoStream means no stream captures the subject an event was
	// published on, typically because [EnsureStream] was not called (or
	// was called with another Prefix than the [Publisher]'s). Errors
	// matching it match [ErrPublish] too, and name the subject.
	ErrNoStream = errors.New("eventnats: no stream captures the subject")

	// ErrTooLarge means a [Publisher] refused an event whose message,
	// headers included, would leave less room under the server's maximum
	// payload than a dead letter of it needs (see [DeadLetterHeadroom]).
	ErrTooLarge = errors.New("eventnats: event too large")

	// ErrServerNotReady means [StartEmbedded] started a server that did
	// not accept clients, or did not enable JetStream, in time.
	ErrServerNotReady = errors.New("eventnats: embedded server not ready")
)
