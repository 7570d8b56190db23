package eventnats

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// DeadLettersConfig names the streams and prefixes a [DeadLetters]
// works on. The zero value gives eventnats's defaults, those of
// [StreamConfig]; set the fields a deployment changed there.
type DeadLettersConfig struct {
	// Stream is the event stream, where replays are stored and the
	// durable consumers live; default [DefaultStreamName].
	Stream string
	// Prefix is the subject prefix of events; default [DefaultPrefix].
	Prefix string
	// ReplayPrefix is the subject prefix of replays; default Prefix +
	// "_replay" ([DefaultReplayPrefix] for the default Prefix).
	ReplayPrefix string
	// DeadLetterStream is the dead-letter stream; default
	// [DefaultDeadLetterStreamName].
	DeadLetterStream string
	// DeadLetterPrefix is the subject prefix of dead letters; default
	// [DefaultDeadLetterPrefix].
	DeadLetterPrefix string
	// Observer, when set, is told of each replay with an
	// [events.NoticeReplay]. The replay keeps the trace context headers
	// the event was published with, so its handling links to the original
	// publish. Default nil.
	Observer events.Observer
}

// withDefaults fills the zero fields and checks the prefixes.
func (c DeadLettersConfig) withDefaults() (DeadLettersConfig, error) {
	if c.Stream == "" {
		c.Stream = DefaultStreamName
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.ReplayPrefix == "" {
		c.ReplayPrefix = replayPrefixFor(c.Prefix)
	}
	if c.DeadLetterStream == "" {
		c.DeadLetterStream = DefaultDeadLetterStreamName
	}
	if c.DeadLetterPrefix == "" {
		c.DeadLetterPrefix = DefaultDeadLetterPrefix
	}
	if err := prefixesApart(c.Prefix, c.DeadLetterPrefix); err != nil {
		return c, err
	}
	if err := replayPrefixApart(c.ReplayPrefix, c.Prefix, c.DeadLetterPrefix); err != nil {
		return c, err
	}
	return c, nil
}

// DeadLetters lists, inspects, replays and purges the dead letters of
// the event streams: the tool of the person on call. It reads the
// dead-letter stream through short-lived ephemeral consumers that
// acknowledge nothing, and gets and deletes messages by sequence, so it
// never disturbs the durable consumers of events. It is safe for
// concurrent use.
//
// # Replays
//
// [DeadLetters.Replay] sends a dead-lettered event back to the durable
// consumer that gave up on it ([HeaderDLQConsumer]), and only to it: the
// other consumers of its type handled it already. The replay is stored
// in the event stream on [ReplaySubject] (ReplayPrefix.<durable>.<type>),
// a subject outside Prefix.>, so that no consumer of events receives it,
// not even one that takes every type. A [Consumer] takes the replays
// addressed to its durable besides its event types, with nothing to
// configure, and hands the replay to its handler as an ordinary event:
// same ID, type, source, time and payload.
//
// The replay carries its own Nats-Msg-Id, made of the dead-letter
// stream, the dead letter's sequence and the event ID, so it is stored
// even within the duplicate window of the original (whose Nats-Msg-Id
// is the event ID), and a second replay of the same dead letter within
// that window is deduplicated. The dead letter is deleted only after the
// event stream acknowledged the replay: a crash in between leaves the
// dead letter, and replaying it again at worst delivers the event twice
// (once when outside the duplicate window); nothing is lost.
//
// # Several processes on one durable
//
// Processes that share a durable consumer share its replays as they
// share its events: a replay is delivered to the durable once, and
// handled by whichever of its processes pulls it. So every process of a
// durable must run an eventnats with replays (older ones do not take the
// replay subject: Replay refuses to replay to a durable whose subjects
// lack it, with [ErrNoConsumer], rather than store a replay nobody
// reads), and all must handle the same types: a replay of a type the
// process that pulls it has no handler for is dead-lettered again, with
// the reason `rejected: no handler for "<type>"`. A durable that was
// deleted cannot receive replays ([ErrNoConsumer]); make it again with
// [NewConsumer] first, or purge the dead letter.
type DeadLetters struct {
	js  jetstream.JetStream
	cfg DeadLettersConfig
}

// NewDeadLetters returns a DeadLetters for the streams cfg names, zero
// fields taking eventnats's defaults. It does not contact the server;
// a missing stream is reported by the calls that need it. It returns an
// error matching [ErrInvalidConfig] or [ErrInvalidSubject] for a nil js
// or prefixes that cannot work.
func NewDeadLetters(js jetstream.JetStream, cfg DeadLettersConfig) (*DeadLetters, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &DeadLetters{js: js, cfg: cfg}, nil
}

// DeadLetter is one message of the dead-letter stream, as a [Consumer]
// stored it (see [HeaderDLQReason] and the other headers). Fields read
// from headers are zero when the header is missing or unreadable, as in
// a message someone published on a dead-letter subject by hand.
type DeadLetter struct {
	// Sequence is the dead letter's sequence in the dead-letter stream:
	// what [DeadLetters.Get], Replay and Purge take.
	Sequence uint64
	// Stored is when the dead-letter stream stored it, UTC.
	Stored time.Time
	// Subject is the dead letter's own subject, DeadLetterPrefix.<type>.
	Subject string
	// Type is the event type the dead letter is filed under: its subject
	// less DeadLetterPrefix ("unknown" for a message whose subject was
	// not an event subject).
	Type events.EventType
	// EventID is the event's ID, from [HeaderID]; "" if missing.
	EventID string
	// Source is the event's source, from [HeaderSource].
	Source string
	// Consumer is the durable consumer that gave up on the event, from
	// [HeaderDLQConsumer]: the one a replay goes to.
	Consumer string
	// Deliveries is how many times the consumer received the event, from
	// [HeaderDLQDeliveries].
	Deliveries uint64
	// Reason says why it was dead-lettered, from [HeaderDLQReason].
	Reason string
	// OriginalSubject is the subject the event was delivered on, from
	// [HeaderDLQSubject]: an event subject, or a replay subject for an
	// event that failed again after a replay.
	OriginalSubject string
	// OriginalStream and OriginalSequence locate the original message,
	// from [HeaderDLQStream] and [HeaderDLQSequence]; it stays there
	// until that stream's max age removes it.
	OriginalStream   string
	OriginalSequence uint64
	// BodyDropped is the size in bytes of the original body when it was
	// too large to keep with the dead-letter headers and left out (see
	// [HeaderDLQBodyDropped]); 0 when the body is kept. Such a dead
	// letter cannot be replayed.
	BodyDropped int
	// Headers are all the message's headers: the event's CloudEvents
	// headers and the dead-letter headers.
	Headers nats.Header
	// Body is the message body, the event's payload JSON as it was
	// received (empty when BodyDropped is set).
	Body []byte
}

// Event returns the event the dead letter carries, read from its
// CloudEvents headers and body as a [Consumer] reads it ([EventFromMsg]).
// Like EventFromMsg it does not validate the payload; call
// [events.Event.Validate] for that. It returns an error matching
// [ErrNotReplayable] when the body was dropped, and matching
// [ErrNotReplayable] and [ErrMalformedMessage] when the message is not a
// well-formed event (missing or bad headers, or a type that does not
// match its subject).
func (d DeadLetter) Event() (events.Event, error) {
	if d.BodyDropped > 0 {
		return events.Event{}, fmt.Errorf("%w: dead letter %d: its body of %d bytes was left out, too large with the dead-letter headers; the original is in stream %s at sequence %d until it ages out",
			ErrNotReplayable, d.Sequence, d.BodyDropped, d.OriginalStream, d.OriginalSequence)
	}
	e, err := eventFromType(d.eventType(), d.Subject, d.Headers, d.Body)
	if err != nil {
		return events.Event{}, fmt.Errorf("%w: dead letter %d: %w", ErrNotReplayable, d.Sequence, err)
	}
	return e, nil
}

// eventType is the event type the dead letter's subject stands for. A
// dead letter filed under "unknown" was written by a process that could
// not read its original subject: an eventnats older than replays that
// pulled a replay (a rolling upgrade). Its original subject still ends
// with the event type, which then stands for it.
func (d DeadLetter) eventType() string {
	if d.Type != unknownType {
		return string(d.Type)
	}
	t, ok := strings.CutPrefix(d.Headers.Get(HeaderType), TypePrefix)
	if ok && t != "" && strings.HasSuffix(d.OriginalSubject, "."+t) {
		return t
	}
	return string(d.Type)
}

// DeadLetterFilter selects dead letters in [DeadLetters.List]. The zero
// value selects all of them; set fields must all match.
type DeadLetterFilter struct {
	// Type selects the dead letters of one event type ([DeadLetter].Type);
	// "" selects every type. The server does the selecting.
	Type events.EventType
	// Consumer selects the dead letters of one durable consumer
	// ([DeadLetter].Consumer); "" selects every consumer.
	Consumer string
}

// List returns every dead letter the filter selects, in sequence order,
// bodies included, as the stream holds them when List starts (dead
// letters stored meanwhile may be left out). It reads the stream in
// batches through an ephemeral consumer that acknowledges nothing, so it
// disturbs no one however many dead letters there are; [DeadLetters.All]
// does the same without holding them all in memory.
//
// A filter Type that is not valid subject tokens gives an error matching
// [ErrInvalidSubject]; a missing dead-letter stream, jetstream's
// [jetstream.ErrStreamNotFound].
func (d *DeadLetters) List(ctx context.Context, f DeadLetterFilter) ([]DeadLetter, error) {
	var out []DeadLetter
	for dl, err := range d.All(ctx, f) {
		if err != nil {
			return nil, err
		}
		out = append(out, dl)
	}
	return out, nil
}

// All yields the dead letters the filter selects, in sequence order, as
// [DeadLetters.List] returns them, reading them in batches; it yields a
// zero DeadLetter and an error once if reading fails, and stops.
func (d *DeadLetters) All(ctx context.Context, f DeadLetterFilter) iter.Seq2[DeadLetter, error] {
	return func(yield func(DeadLetter, error) bool) {
		subject := ""
		if f.Type != "" {
			if err := checkTokens("event type", string(f.Type)); err != nil {
				yield(DeadLetter{}, err)
				return
			}
			subject = d.cfg.DeadLetterPrefix + "." + string(f.Type)
		}
		for m, err := range scanStream(ctx, d.js, d.cfg.DeadLetterStream, subject, false) {
			if err != nil {
				yield(DeadLetter{}, fmt.Errorf("eventnats: list dead letters in %s: %w", d.cfg.DeadLetterStream, err))
				return
			}
			dl := d.parse(m.seq, m.stored, m.subject, m.header, m.data)
			if f.Consumer != "" && dl.Consumer != f.Consumer {
				continue
			}
			if !yield(dl, nil) {
				return
			}
		}
	}
}

// Get returns the dead letter at sequence seq. It returns an error
// matching [ErrNoDeadLetter], naming seq, when there is none (replayed,
// purged, aged out, or never stored).
func (d *DeadLetters) Get(ctx context.Context, seq uint64) (DeadLetter, error) {
	s, err := d.stream(ctx, seq)
	if err != nil {
		return DeadLetter{}, err
	}
	m, err := s.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return DeadLetter{}, d.noDeadLetter(seq)
	}
	if err != nil {
		return DeadLetter{}, brokerErr(d.js, fmt.Errorf("eventnats: get dead letter %d from %s: %w", seq, d.cfg.DeadLetterStream, err))
	}
	return d.parse(m.Sequence, m.Time, m.Subject, m.Header, m.Data), nil
}

// Purge deletes the dead letter at sequence seq, for good. It returns an
// error matching [ErrNoDeadLetter], naming seq, when there is none.
func (d *DeadLetters) Purge(ctx context.Context, seq uint64) error {
	gone, err := d.delete(ctx, seq)
	if gone {
		return d.noDeadLetter(seq)
	}
	return err
}

// stream returns the dead-letter stream, checking seq first.
func (d *DeadLetters) stream(ctx context.Context, seq uint64) (jetstream.Stream, error) {
	if seq == 0 {
		return nil, d.noDeadLetter(seq) // sequences start at 1
	}
	s, err := d.js.Stream(ctx, d.cfg.DeadLetterStream)
	if err != nil {
		return nil, brokerErr(d.js, fmt.Errorf("eventnats: dead-letter stream %s: %w", d.cfg.DeadLetterStream, err))
	}
	return s, nil
}

// delete deletes the dead letter at seq; gone reports that there was
// none.
func (d *DeadLetters) delete(ctx context.Context, seq uint64) (gone bool, err error) {
	s, err := d.stream(ctx, seq)
	if err != nil {
		return errors.Is(err, ErrNoDeadLetter), err
	}
	err = s.DeleteMsg(ctx, seq)
	if err == nil {
		return false, nil
	}
	// The server answers a missing message with an unsuccessful delete
	// that jetstream reports as text; ask whether it is there instead.
	if _, gerr := s.GetMsg(ctx, seq); errors.Is(gerr, jetstream.ErrMsgNotFound) {
		return true, nil
	}
	return false, brokerErr(d.js, fmt.Errorf("eventnats: delete dead letter %d from %s: %w", seq, d.cfg.DeadLetterStream, err))
}

// noDeadLetter is the error for a sequence the stream does not hold.
func (d *DeadLetters) noDeadLetter(seq uint64) error {
	return fmt.Errorf("%w: sequence %d in stream %s", ErrNoDeadLetter, seq, d.cfg.DeadLetterStream)
}

// Replay sends the event of the dead letter at sequence seq back to the
// durable consumer that gave up on it, and to no other, then deletes the
// dead letter (see the type's documentation). In order:
//
//  1. the dead letter must exist ([ErrNoDeadLetter]) and carry a valid
//     event and a consumer name ([ErrNotReplayable]; a dead letter whose
//     body was dropped, or that is malformed or invalid, is refused: sent
//     back, it would only be dead-lettered again);
//  2. that durable must exist on the event stream and take the replays
//     addressed to it ([ErrNoConsumer]);
//  3. the event is published on [ReplaySubject] with its original
//     headers, [HeaderReplayOf] and a Nats-Msg-Id of its own, and the
//     event stream must acknowledge it (a refusal matches [ErrPublish],
//     and [ErrNoStream] when no stream takes the replay subject: run
//     [EnsureStream] of this version, which adds it);
//  4. the dead letter is deleted.
//
// On any error before step 4 nothing is deleted. An error at step 4
// says the replay is stored: the dead letter is left, and replaying it
// again within the duplicate window is deduplicated.
func (d *DeadLetters) Replay(ctx context.Context, seq uint64) error {
	r, err := d.prepareReplay(ctx, seq)
	if err != nil {
		return err
	}
	ack, err := d.publish(ctx, r.msg, r.msgID)
	if err != nil {
		return fmt.Errorf("eventnats: replay dead letter %d (event %s) to %s; the dead letter is kept: %w", seq, r.dl.EventID, r.dl.Consumer, err)
	}
	if o := d.cfg.Observer; o != nil {
		e, _ := r.dl.Event() // checked by prepareReplay
		o.Notice(ctx, events.Notice{Kind: events.NoticeReplay, Reason: d.cfg.DeadLetterStream + ":" + strconv.FormatUint(seq, 10),
			Operation: events.Operation{System: SystemName, Destination: r.msg.Subject, ConsumerGroup: r.dl.Consumer, Event: e}})
	}
	// Gone: a concurrent replay or purge deleted it; the replay stands.
	if gone, err := d.delete(ctx, seq); err != nil && !gone {
		return fmt.Errorf("eventnats: dead letter %d was replayed (stream %s sequence %d) but not deleted; replaying it again within the duplicate window is deduplicated: %w",
			seq, ack.Stream, ack.Sequence, err)
	}
	return nil
}

// replay is a checked dead letter and the message that replays it.
type replay struct {
	dl    DeadLetter
	msg   *nats.Msg
	msgID string // its Nats-Msg-Id
}

// prepareReplay reads the dead letter at seq, checks that it can be
// replayed to a consumer that takes replays, and builds its replay.
func (d *DeadLetters) prepareReplay(ctx context.Context, seq uint64) (replay, error) {
	dl, err := d.Get(ctx, seq)
	if err != nil {
		return replay{}, err
	}
	e, err := dl.Event()
	if err != nil {
		return replay{}, err
	}
	if err := e.Validate(); err != nil {
		return replay{}, fmt.Errorf("%w: dead letter %d: event %s: %w", ErrNotReplayable, seq, e.ID, err)
	}
	if dl.Consumer == "" {
		return replay{}, fmt.Errorf("%w: dead letter %d: no %s header names the consumer to replay to", ErrNotReplayable, seq, HeaderDLQConsumer)
	}
	subject, err := ReplaySubject(d.cfg.ReplayPrefix, dl.Consumer, e.Type)
	if err != nil {
		return replay{}, fmt.Errorf("%w: dead letter %d: %w", ErrNotReplayable, seq, err)
	}
	if err := d.checkConsumer(ctx, dl, subject); err != nil {
		return replay{}, err
	}
	m := &nats.Msg{Subject: subject, Header: make(nats.Header, len(dl.Headers)+2), Data: dl.Body}
	for k, v := range dl.Headers {
		if !strings.HasPrefix(k, "Nats-") && !strings.HasPrefix(k, "Eventnats-") {
			m.Header[k] = v
		}
	}
	m.Header.Set(HeaderReplayOf, d.cfg.DeadLetterStream+":"+strconv.FormatUint(seq, 10))
	return replay{dl: dl, msg: m, msgID: replayMsgID(d.cfg.DeadLetterStream, seq, e.ID)}, nil
}

// checkConsumer checks that the durable dl names exists on the event
// stream and takes subject. Errors match [ErrNoConsumer].
func (d *DeadLetters) checkConsumer(ctx context.Context, dl DeadLetter, subject string) error {
	cons, err := d.js.Consumer(ctx, d.cfg.Stream, dl.Consumer)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("%w: dead letter %d: consumer %s does not exist on stream %s; create it again (NewConsumer), or purge the dead letter",
			ErrNoConsumer, dl.Sequence, dl.Consumer, d.cfg.Stream)
	}
	if err != nil {
		return brokerErr(d.js, fmt.Errorf("eventnats: dead letter %d: consumer %s on stream %s: %w", dl.Sequence, dl.Consumer, d.cfg.Stream, err))
	}
	filters := filterOf(cons.CachedInfo().Config)
	if len(filters) == 0 {
		return nil // no filter: takes every subject of the stream
	}
	for _, f := range filters {
		if subjectMatches(f, subject) {
			return nil
		}
	}
	return fmt.Errorf("%w: dead letter %d: consumer %s takes %q, not the replay subject %s: its processes run an eventnats older than replays, or another ReplayPrefix",
		ErrNoConsumer, dl.Sequence, dl.Consumer, filters, subject)
}

// publish stores m in the event stream with the Nats-Msg-Id id and
// returns the acknowledgement. Errors match [ErrPublish], and
// [ErrNoStream] when no stream takes m's subject.
func (d *DeadLetters) publish(ctx context.Context, m *nats.Msg, id string) (*jetstream.PubAck, error) {
	opts := []jetstream.PublishOpt{jetstream.WithMsgID(id), jetstream.WithExpectStream(d.cfg.Stream)}
	ack, err := d.js.PublishMsg(ctx, m, append(opts, jetstream.WithRetryAttempts(0))...)
	if errors.Is(err, jetstream.ErrNoStreamResponse) {
		if _, serr := d.js.StreamNameBySubject(ctx, m.Subject); errors.Is(serr, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("%w: to %s: %w: run EnsureStream of this eventnats version, which adds %s.> to stream %s (%w)",
				ErrPublish, m.Subject, ErrNoStream, d.cfg.ReplayPrefix, d.cfg.Stream, err)
		}
		ack, err = d.js.PublishMsg(ctx, m, opts...) // a leader election, say: retry as jetstream does
	}
	if err != nil {
		return nil, brokerErr(d.js, fmt.Errorf("%w: to %s: %w", ErrPublish, m.Subject, err))
	}
	return ack, nil
}

// parse reads a message of the dead-letter stream.
func (d *DeadLetters) parse(seq uint64, stored time.Time, subject string, h nats.Header, data []byte) DeadLetter {
	num := func(k string) uint64 {
		n, _ := strconv.ParseUint(h.Get(k), 10, 64)
		return n
	}
	t := typeFromSubject(d.cfg.DeadLetterPrefix, subject)
	dropped, _ := strconv.Atoi(h.Get(HeaderDLQBodyDropped))
	return DeadLetter{
		Sequence:         seq,
		Stored:           stored.UTC(),
		Subject:          subject,
		Type:             events.EventType(t),
		EventID:          h.Get(HeaderID),
		Source:           h.Get(HeaderSource),
		Consumer:         h.Get(HeaderDLQConsumer),
		Deliveries:       num(HeaderDLQDeliveries),
		Reason:           h.Get(HeaderDLQReason),
		OriginalSubject:  h.Get(HeaderDLQSubject),
		OriginalStream:   h.Get(HeaderDLQStream),
		OriginalSequence: num(HeaderDLQSequence),
		BodyDropped:      max(dropped, 0),
		Headers:          h,
		Body:             data,
	}
}
