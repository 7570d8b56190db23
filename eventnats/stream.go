package eventnats

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// to 3 on a cluster. Zero fields take their defaults only when a stream is
// created: on an existing stream they leave its settings as they are.
//
//	Field             Default                    Meaning
//	Name              ALGORYN_EVENTS             stream of events
//	Prefix            algoryn.events             its subjects are Prefix.> and ReplayPrefix.>
//	ReplayPrefix      Prefix + "_replay"         subjects of replays addressed to one consumer
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
	// ReplayPrefix is the subject prefix of replays, dead-lettered events
	// sent back to one consumer (see [DeadLetters.Replay]); default
	// Prefix + "_replay" ([DefaultReplayPrefix] for the default Prefix).
	// The event stream takes ReplayPrefix.> besides Prefix.>. It must
	// overlap neither Prefix nor DeadLetterPrefix.
	ReplayPrefix string
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
	if c.ReplayPrefix == "" {
		c.ReplayPrefix = replayPrefixFor(c.Prefix)
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
	if err := replayPrefixApart(c.ReplayPrefix, c.Prefix, c.DeadLetterPrefix); err != nil {
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
	if overlap(prefix, dlq) {
		return fmt.Errorf("%w: dead-letter prefix %q and event prefix %q overlap", ErrInvalidConfig, dlq, prefix)
	}
	return nil
}

// overlap reports whether one prefix equals or contains the other.
func overlap(a, b string) bool {
	return a == b || typeFromSubject(a, b) != "" || typeFromSubject(b, a) != ""
}

// EnsureStream makes sure the event stream and the dead-letter stream
// described by cfg exist, and returns the event stream. It is safe to
// call from every process at start-up.
//
// A stream that does not exist is created with cfg, zero fields taking
// their defaults. A stream that exists is checked, not reset: it must
// take the subjects cfg.Prefix + ".>" (cfg.DeadLetterPrefix + ".>"), keep
// messages by limits and use cfg.Storage, or EnsureStream returns an
// error matching [ErrInvalidConfig] and changes nothing. An event stream
// made by an eventnats older than replays lacks cfg.ReplayPrefix + ".>":
// EnsureStream adds that subject, whatever cfg sets, so that
// [DeadLetters.Replay] can store replays there. Of its settings,
// only those cfg sets explicitly (a non-zero Replicas, MaxAge,
// DeadLetterMaxAge or Duplicates) are updated; the others, and any
// setting StreamConfig does not cover, are left as they are. So a zero
// StreamConfig never scales a three-replica stream down to one or resets
// its max age; setting Replicas to 1 does.
//
// Both streams keep messages until they are older than their max age
// (limits retention), so several durable consumers can each read every
// event.
func EnsureStream(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (jetstream.Stream, error) {
	full, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := ensureStream(ctx, js, jetstream.StreamConfig{
		Name:        full.Name,
		Description: "Algoryn events (github.com/algoryn/events)",
		Subjects:    []string{full.Prefix + ".>", full.ReplayPrefix + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     full.Storage,
		Replicas:    full.Replicas,
		MaxAge:      full.MaxAge,
		Duplicates:  full.Duplicates,
		Discard:     jetstream.DiscardOld,
	}, explicit{replicas: cfg.Replicas != 0, maxAge: cfg.MaxAge != 0, duplicates: cfg.Duplicates != 0})
	if err != nil {
		return nil, fmt.Errorf("eventnats: ensure stream %s: %w", full.Name, err)
	}
	_, err = ensureStream(ctx, js, jetstream.StreamConfig{
		Name:        full.DeadLetterName,
		Description: "Algoryn dead letters: events no consumer could handle",
		Subjects:    []string{full.DeadLetterPrefix + ".>"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     full.Storage,
		Replicas:    full.Replicas,
		MaxAge:      full.DeadLetterMaxAge,
		Duplicates:  full.Duplicates,
		Discard:     jetstream.DiscardOld,
	}, explicit{replicas: cfg.Replicas != 0, maxAge: cfg.DeadLetterMaxAge != 0, duplicates: cfg.Duplicates != 0})
	if err != nil {
		return nil, fmt.Errorf("eventnats: ensure dead-letter stream %s: %w", full.DeadLetterName, err)
	}
	return s, nil
}

// explicit says which settings the caller of [EnsureStream] set, and so
// may change on an existing stream.
type explicit struct{ replicas, maxAge, duplicates bool }

// ensureStream creates the stream want, or checks the existing one and
// updates the settings set says the caller chose.
func ensureStream(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig, set explicit) (jetstream.Stream, error) {
	s, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		s, err = js.CreateStream(ctx, want)
		if !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return s, brokerErr(js, err)
		}
		s, err = js.Stream(ctx, want.Name) // another process made it meanwhile
	}
	if err != nil {
		return nil, brokerErr(js, err)
	}
	upd, changed, err := mergeStream(s.CachedInfo().Config, want, set)
	if err != nil || !changed {
		return s, err
	}
	s, err = js.UpdateStream(ctx, upd)
	return s, brokerErr(js, err)
}

// mergeStream checks that the existing stream have can serve as want, and
// returns have with the settings the caller set taken from want, and with
// the subjects of want after the first (the replay subjects, which a
// stream made before replays lacks) added, and whether that differs from
// have. Errors match [ErrInvalidConfig].
func mergeStream(have, want jetstream.StreamConfig, set explicit) (jetstream.StreamConfig, bool, error) {
	switch {
	case !slices.Contains(have.Subjects, want.Subjects[0]):
		return have, false, fmt.Errorf("%w: stream %s exists with subjects %q, not %q", ErrInvalidConfig, have.Name, have.Subjects, want.Subjects[0])
	case have.Retention != want.Retention:
		return have, false, fmt.Errorf("%w: stream %s exists with retention %s, not %s", ErrInvalidConfig, have.Name, have.Retention, want.Retention)
	case have.Storage != want.Storage:
		return have, false, fmt.Errorf("%w: stream %s exists with %s storage, not %s", ErrInvalidConfig, have.Name, have.Storage, want.Storage)
	}
	upd := have
	added := false
	for _, subj := range want.Subjects[1:] {
		if !slices.Contains(have.Subjects, subj) {
			upd.Subjects = append(slices.Clone(upd.Subjects), subj)
			added = true
		}
	}
	if set.replicas {
		upd.Replicas = want.Replicas
	}
	if set.maxAge {
		upd.MaxAge = want.MaxAge
	}
	if set.duplicates {
		upd.Duplicates = want.Duplicates
	}
	changed := added || upd.Replicas != have.Replicas || upd.MaxAge != have.MaxAge || upd.Duplicates != have.Duplicates
	return upd, changed, nil
}
