package eventnats

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go/jetstream"
)

// Stats is a snapshot of the event stream, its durable consumers and
// the dead letters, as [ReadStats] reads it.
type Stats struct {
	// Stream is the event stream's name.
	Stream string
	// Messages is the number of messages the event stream holds (events
	// and replays).
	Messages uint64
	// Bytes is the event stream's size in bytes.
	Bytes uint64
	// FirstSequence and LastSequence are the stream sequences of its
	// oldest and newest messages.
	FirstSequence, LastSequence uint64
	// Consumers are the durable consumers of the event stream, by name;
	// ephemeral ones (such as a tail's, or a scan's) are left out.
	Consumers []DurableStats
	// DeadLetterStream is the dead-letter stream's name.
	DeadLetterStream string
	// DeadLetters is the number of dead letters it holds.
	DeadLetters uint64
	// DeadLetterBytes is its size in bytes.
	DeadLetterBytes uint64
	// DeadLettersBy counts the dead letters per event type and consumer,
	// sorted by type then consumer; it adds up to about DeadLetters (dead
	// letters stored or removed while ReadStats runs may differ).
	DeadLettersBy []DeadLetterCount
}

// DurableStats is the state of one durable consumer of the event stream,
// as the server reports it.
type DurableStats struct {
	// Name is the durable's name, e.g. "beacon".
	Name string
	// Subjects are its filter subjects: its event types and its replay
	// subject; empty when it takes every subject of the stream.
	Subjects []string
	// Pending is the number of messages on its subjects not yet
	// delivered to it: how far it is behind.
	Pending uint64
	// AckPending is the number of messages delivered to it and waiting
	// for an answer (being handled, or held by a process that died, until
	// AckWait passes).
	AckPending int
	// Redelivered is the number of messages waiting for an answer that
	// were delivered more than once.
	Redelivered int
	// Waiting is the number of pull requests waiting for messages: zero
	// means no process is reading it now.
	Waiting int
	// LastActive is when a message was last delivered to it, UTC; zero
	// if never.
	LastActive time.Time
}

// DeadLetterCount is the number of dead letters of one event type given
// up by one consumer.
type DeadLetterCount struct {
	// Type is the event type the dead letters are filed under
	// ([DeadLetter].Type).
	Type events.EventType
	// Consumer is the durable that gave up on them ("" when the header is
	// missing).
	Consumer string
	// Count is how many there are.
	Count int
}

// ReadStats reads the state of the streams cfg describes (zero fields
// meaning eventnats's defaults, as for [EnsureStream]): the event
// stream's messages and bytes, each durable consumer's backlog, and the
// dead letters counted per type and consumer. It changes nothing: it
// reads the consumers' info and scans the dead letters' headers (not
// their bodies) through an ephemeral consumer that acknowledges nothing.
// A missing stream gives jetstream's [jetstream.ErrStreamNotFound].
func ReadStats(ctx context.Context, js jetstream.JetStream, cfg StreamConfig) (Stats, error) {
	if js == nil {
		return Stats{}, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig)
	}
	full, err := cfg.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Stream: full.Name, DeadLetterStream: full.DeadLetterName}
	s, err := js.Stream(ctx, full.Name)
	if err != nil {
		return Stats{}, brokerErr(js, fmt.Errorf("eventnats: stats: stream %s: %w", full.Name, err))
	}
	state := s.CachedInfo().State
	st.Messages, st.Bytes, st.FirstSequence, st.LastSequence = state.Msgs, state.Bytes, state.FirstSeq, state.LastSeq

	list := s.ListConsumers(ctx)
	for ci := range list.Info() {
		if ci.Config.Durable == "" {
			continue
		}
		ds := DurableStats{
			Name: ci.Name, Subjects: filterOf(ci.Config), Pending: ci.NumPending,
			AckPending: ci.NumAckPending, Redelivered: ci.NumRedelivered, Waiting: ci.NumWaiting,
		}
		if ci.Delivered.Last != nil {
			ds.LastActive = ci.Delivered.Last.UTC()
		}
		st.Consumers = append(st.Consumers, ds)
	}
	if err := list.Err(); err != nil {
		return Stats{}, brokerErr(js, fmt.Errorf("eventnats: stats: consumers of %s: %w", full.Name, err))
	}
	slices.SortFunc(st.Consumers, func(a, b DurableStats) int { return cmp.Compare(a.Name, b.Name) })

	dls, err := js.Stream(ctx, full.DeadLetterName)
	if err != nil {
		return Stats{}, brokerErr(js, fmt.Errorf("eventnats: stats: dead-letter stream %s: %w", full.DeadLetterName, err))
	}
	st.DeadLetters, st.DeadLetterBytes = dls.CachedInfo().State.Msgs, dls.CachedInfo().State.Bytes
	counts := map[DeadLetterCount]int{}
	for m, err := range scanStream(ctx, js, full.DeadLetterName, "", true) {
		if err != nil {
			return Stats{}, fmt.Errorf("eventnats: stats: dead letters in %s: %w", full.DeadLetterName, err)
		}
		t := typeFromSubject(full.DeadLetterPrefix, m.subject)
		counts[DeadLetterCount{Type: events.EventType(t), Consumer: m.header.Get(HeaderDLQConsumer)}]++
	}
	for k, n := range counts {
		k.Count = n
		st.DeadLettersBy = append(st.DeadLettersBy, k)
	}
	slices.SortFunc(st.DeadLettersBy, func(a, b DeadLetterCount) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Consumer, b.Consumer))
	})
	return st, nil
}
