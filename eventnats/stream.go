package eventnats

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of [StreamConfig].
const (
	// DefaultStreamName is the name of the stream that keeps events.
	DefaultStreamName = "ALGORYN_EVENTS"
	// DefaultDeadLetterStreamName is the name of the stream that keeps
	// dead letters.
	DefaultDeadLetterStreamName = "ALGORYN_DLQ"
	// DefaultDuplicates is the deduplication window: a message whose
	// Nats-Msg-Id (the event ID) was seen this recently is stored once.
	DefaultDuplicates = 2 * time.Minute
	// DefaultMaxAge is how long events are kept: long enough for a
	// consumer that was down over a weekend to catch up.
	DefaultMaxAge = 7 * 24 * time.Hour
	// DefaultDeadLetterMaxAge is how long dead letters are kept, for a
	// person to inspect and replay them.
	DefaultDeadLetterMaxAge = 30 * 24 * time.Hour
)

// StreamConfig describes the two streams [EnsureStream] creates. The zero
// value gives the defaults, suitable for one embedded server; set Replicas
// to 3 on a cluster.
//
//	Field             Default                    Meaning
//	Name              ALGORYN_EVENTS             stream of events
//	Prefix            algoryn.events             its subjects are Prefix.>
//	DeadLetterName    ALGORYN_DLQ                stream of dead letters
//	DeadLetterPrefix  algoryn.dlq                its subjects are DeadLetterPrefix.>
//	Replicas          1                          copies of each message (3 in a cluster)
//	MaxAge            7 days                     events older than this are removed
//	DeadLetterMaxAge  30 days                    dead letters older than this are removed
//	Duplicates        2 minutes                  deduplication window on Nats-Msg-Id
//	Storage           file                       jetstream.FileStorage or MemoryStorage
type StreamConfig struct {
	// Name is the event stream's name; default [DefaultStreamName].
	Name string
	// Prefix is the subject prefix of events; default [DefaultPrefix].
	Prefix string
	// DeadLetterName is the dead-letter stream's name; default
	// [DefaultDeadLetterStreamName].
	DeadLetterName string
	// DeadLetterPrefix is the subject prefix of dead letters; default
	// [DefaultDeadLetterPrefix]. It must not overlap Prefix.
	DeadLetterPrefix string
	// Replicas is the number of copies of each message, 1 to 5; default
	// 1 (one server), 3 on a cluster.
	Replicas int
	// MaxAge is how long events are kept; default [DefaultMaxAge].
	MaxAge time.Duration
	// DeadLetterMaxAge is how long dead letters are kept; default
	// [DefaultDeadLetterMaxAge].
	DeadLetterMaxAge time.Duration
	// Duplicates is the deduplication window; default
	// [DefaultDuplicates]. It must not exceed MaxAge.
	Duplicates time.Duration
	// Storage is the storage backend; the zero value is file storage.
	Storage jetstream.StorageType
}

// withDefaults fills the zero fields and checks the rest.
func (c StreamConfig) withDefaults() (StreamConfig, error) {
	if c.Name == "" {
		c.Name = DefaultStreamName
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.DeadLetterName == "" {
		c.DeadLetterName = DefaultDeadLetterStreamName
	}
	if c.DeadLetterPrefix == "" {
		c.DeadLetterPrefix = DefaultDeadLetterPrefix
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.MaxAge == 0 {
		c.MaxAge = DefaultMaxAge
	}
	if c.DeadLetterMaxAge == 0 {
		c.DeadLetterMaxAge = DefaultDeadLetterMaxAge
	}
	if c.Duplicates == 0 {
		c.Duplicates = DefaultDuplicates
	}
	if err := prefixesApart(c.Prefix, c.DeadLetterPrefix); err != nil {
		return c, err
	}
	switch {
	case c.Replicas < 1 || c.Replicas > 5:
		return c, fmt.Errorf("%w: Replicas must be from 1 to 5, got %d", ErrInvalidConfig, c.Replicas)
	case c.MaxAge < 0 || c.DeadLetterMaxAge < 0 || c.Duplicates < 0:
		return c, fmt.Errorf("%w: MaxAge, DeadLetterMaxAge and Duplicates must not be negative", ErrInvalidConfig)
	case c.Duplicates > c.MaxAge:
		return c, fmt.Errorf("%w: Duplicates (%s) must not exceed MaxAge (%s)", ErrInvalidConfig, c.Duplicates, c.MaxAge)
	}
	return c, nil
}

// prefixesApart checks both prefixes and that neither contains the other,
// so that dead letters never reach consumers of events.
func prefixesApart(prefix, dlq string) error {
	if err := ValidatePrefix(prefix); err != nil {
		return err
	}
	if err := checkTokens("dead-letter prefix", dlq); err != nil {
		return err
	}
	if prefix == dlq || typeFromSubject(prefix, dlq) != "" || typeFromSubject(dlq, prefix) != "" {
		return fmt.Errorf("%w: dead-letter prefix %q and event prefix %q overlap", ErrInvalidConfig, dlq, prefix)
	}
	return nil
}

// EnsureStream creates the event stream and the dead-letter stream
// described by cfg, or updates them to cfg if they exist, and returns the
// event stream. It is safe to call from every process at start-up.
//
// The event stream takes the subjects cfg.Prefix + ".>", the dead-letter
// stream cfg.DeadLetterPrefix + ".>"; both keep messages until they are
// older than their max age (limits retention), so several durable
// consumers can each read every event.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (jetstream.Stream, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.Name,
		Description: "Algoryn events (github.com/algoryn/events)",
		Subjects:    []string{cfg.Prefix + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
		MaxAge:      cfg.MaxAge,
		Duplicates:  cfg.Duplicates,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return nil, brokerErr(js, fmt.Errorf("eventnats: ensure stream %s: %w", cfg.Name, err))
	}
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        cfg.DeadLetterName,
		Description: "Algoryn dead letters: events no consumer could handle",
		Subjects:    []string{cfg.DeadLetterPrefix + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     cfg.Storage,
		Replicas:    cfg.Replicas,
		MaxAge:      cfg.DeadLetterMaxAge,
		Duplicates:  cfg.Duplicates,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return nil, brokerErr(js, fmt.Errorf("eventnats: ensure dead-letter stream %s: %w", cfg.DeadLetterName, err))
	}
	return s, nil
}
