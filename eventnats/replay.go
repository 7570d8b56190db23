package eventnats

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/algoryn/events"
)

// DefaultReplayPrefix is the subject prefix of replays for the default
// [DefaultPrefix]: a dead-lettered "threshold.violated" event replayed to
// the durable consumer "beacon" is stored in the event stream on
// "algoryn.events_replay.beacon.threshold.violated".
//
// For another Prefix the default replay prefix is that Prefix + "_replay"
// ([ReplayPrefixSuffix]), so that each event stream has its own.
const DefaultReplayPrefix = DefaultPrefix + ReplayPrefixSuffix

// ReplayPrefixSuffix is appended to the event prefix to make the default
// replay prefix. The last token of the replay prefix differs from the
// event prefix's, so no event subject (Prefix.<type>) is ever a replay
// subject and no replay subject is ever an event subject, whatever the
// event type: consumers that take every event (Prefix.>) never receive a
// replay.
const ReplayPrefixSuffix = "_replay"

// HeaderReplayOf is set on a replayed event: the dead-letter stream and
// sequence it was replayed from, as "ALGORYN_DLQ:42". A handler never sees
// it (it receives the event as it was first published); it is there for
// people reading the stream.
const HeaderReplayOf = "Eventnats-Replay-Of"

// ReplaySubject returns the subject on which an event of type t is
// replayed to the durable consumer durable under replayPrefix:
// replayPrefix + "." + durable + "." + t, e.g.
// "algoryn.events_replay.beacon.threshold.violated". An empty
// replayPrefix means [DefaultReplayPrefix].
//
// A durable name has no '.', so the token after the prefix always names
// the consumer and the rest the type. A [Consumer] takes
// replayPrefix + "." + Durable + ".>" besides its event subjects, and so
// receives the replays addressed to its durable, and only those.
//
// It returns an error matching [ErrInvalidSubject] when a part is not
// valid subject tokens, or [ErrInvalidConfig] for an invalid durable name.
func ReplaySubject(replayPrefix, durable string, t events.EventType) (string, error) {
	if replayPrefix == "" {
		replayPrefix = DefaultReplayPrefix
	}
	if err := checkTokens("replay prefix", replayPrefix); err != nil {
		return "", err
	}
	if err := checkDurable(durable); err != nil {
		return "", fmt.Errorf("%w: durable: %w", ErrInvalidConfig, err)
	}
	if err := checkTokens("event type", string(t)); err != nil {
		return "", err
	}
	return replayPrefix + "." + durable + "." + string(t), nil
}

// replayPrefixFor is the default replay prefix of the event prefix.
func replayPrefixFor(prefix string) string {
	return prefix + ReplayPrefixSuffix
}

// replayFilter is the subject filter of the replays addressed to durable.
func replayFilter(replayPrefix, durable string) string {
	return replayPrefix + "." + durable + ".>"
}

// splitReplay returns the durable and the event type of a replay
// subject under replayPrefix, or ok false for a subject that is not one.
func splitReplay(replayPrefix, subject string) (durable, typ string, ok bool) {
	rest := typeFromSubject(replayPrefix, subject)
	durable, typ, ok = strings.Cut(rest, ".")
	if !ok || durable == "" || typ == "" {
		return "", "", false
	}
	return durable, typ, true
}

// replayPrefixApart checks a replay prefix: valid tokens, overlapping
// neither the event prefix nor the dead-letter prefix. Errors match
// [ErrInvalidSubject] or [ErrInvalidConfig].
func replayPrefixApart(replay, prefix, dlq string) error {
	if err := checkTokens("replay prefix", replay); err != nil {
		return err
	}
	if overlap(replay, prefix) {
		return fmt.Errorf("%w: replay prefix %q and event prefix %q overlap", ErrInvalidConfig, replay, prefix)
	}
	if overlap(replay, dlq) {
		return fmt.Errorf("%w: replay prefix %q and dead-letter prefix %q overlap", ErrInvalidConfig, replay, dlq)
	}
	return nil
}

// replayMsgID is the Nats-Msg-Id of the replay of the dead letter at seq
// in the dead-letter stream dlqStream, carrying the event id. Replaying
// the same dead letter again (after a crash between storing the replay
// and deleting the dead letter) is deduplicated within the duplicate
// window; a later dead letter of the same event (its replay failed too)
// has another sequence, so its own replay is stored. The event ID makes
// a clash with another event's ID, or with a dead letter of a recreated
// stream that reuses the sequence, impossible in practice.
func replayMsgID(dlqStream string, seq uint64, id string) string {
	return "eventnats-replay:" + dlqStream + ":" + strconv.FormatUint(seq, 10) + ":" + id
}

// subjectMatches reports whether the subject filter (which may hold '*'
// and a final '>') matches the literal subject.
func subjectMatches(filter, subject string) bool {
	for {
		ft, frest, fmore := strings.Cut(filter, ".")
		st, srest, smore := strings.Cut(subject, ".")
		switch {
		case ft == ">":
			return true
		case ft != "*" && ft != st:
			return false
		case !fmore || !smore:
			return !fmore && !smore
		}
		filter, subject = frest, srest
	}
}
