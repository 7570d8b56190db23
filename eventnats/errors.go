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
	// [ConsumerConfig], [StreamConfig], [DeadLettersConfig] or
	// [EmbeddedConfig] has a value
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

	// ErrNoDeadLetter means the dead-letter stream holds no message at
	// the sequence asked for ([DeadLetters.Get], [DeadLetters.Replay],
	// [DeadLetters.Purge]): it was replayed, purged or aged out, or never
	// existed. The error names the sequence.
	ErrNoDeadLetter = errors.New("eventnats: no such dead letter")

	// ErrNotReplayable means a dead letter does not carry an event that
	// can be sent back ([DeadLetters.Replay]): its body was dropped for
	// size, it is not a well-formed event (it then matches
	// [ErrMalformedMessage] too), its event is invalid (matching
	// [events.ErrInvalidEvent] too), or it names no consumer. The dead
	// letter is left in place.
	ErrNotReplayable = errors.New("eventnats: dead letter cannot be replayed")

	// ErrNoConsumer means the durable consumer a dead letter is addressed
	// to ([HeaderDLQConsumer]) does not exist on the event stream, or
	// does not take replays because its processes run a version of
	// eventnats older than replays: a replay would never be delivered, so
	// [DeadLetters.Replay] refuses it and leaves the dead letter in place.
	ErrNoConsumer = errors.New("eventnats: no consumer to replay to")
)
