package eventnats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// DefaultPublishTimeout bounds a publish whose context has no deadline.
const DefaultPublishTimeout = 5 * time.Second

// PublisherConfig configures a [Publisher]. The zero value gives the
// defaults.
type PublisherConfig struct {
	// Prefix is the subject prefix; default [DefaultPrefix].
	Prefix string
	// Timeout bounds each Publish and each PublishBatch whose context has
	// no deadline, so that a broker that is down gives an error instead of
	// a hang; default [DefaultPublishTimeout].
	Timeout time.Duration
	// Logger receives debug records of duplicates the server discarded.
	// Default: a logger that discards everything.
	Logger *slog.Logger
	// Observer, when set, is told about every publish (see
	// [events.Observer]) and sets headers on each message, such as the
	// W3C trace context ("traceparent", "tracestate") of the publish,
	// which the consumers' Observer reads; the headers stay on the
	// message when it is dead-lettered and when it is replayed. Default
	// nil: no headers added, no cost.
	Observer events.Observer
}

// Publisher sends events to a JetStream stream. It implements
// [events.Publisher] and is safe for concurrent use.
type Publisher struct {
	js      jetstream.JetStream
	prefix  string
	timeout time.Duration
	log     *slog.Logger
	obs     events.Observer
}

var _ events.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher that publishes through js. The stream
// must exist (see [EnsureStream]); a publish to a subject no stream takes
// fails at once with an error matching [ErrNoStream] and [ErrPublish].
func NewPublisher(js jetstream.JetStream, cfg PublisherConfig) (*Publisher, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if err := ValidatePrefix(cfg.Prefix); err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("%w: negative Timeout %s", ErrInvalidConfig, cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultPublishTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Publisher{js: js, prefix: cfg.Prefix, timeout: cfg.Timeout, log: cfg.Logger, obs: cfg.Observer}, nil
}

// Publish validates e, publishes it with its ID as Nats-Msg-Id and waits
// for the stream's acknowledgement.
//
// An invalid event is refused before anything is sent, wrapping the error
// [events.Event.Validate] reports (matching [events.ErrInvalidEvent], and
// [events.ErrInvalidPayload] when the payload is at fault); so is an event
// whose ID or Source has leading or trailing white space or a control
// character, which NATS headers cannot carry intact (matching
// [events.ErrInvalidEvent]). An event whose message would not leave
// [DeadLetterHeadroom] bytes free under the server's maximum payload is
// refused with [ErrTooLarge], so that every event published can be
// dead-lettered. A publish the broker does not acknowledge returns an
// error matching [ErrPublish], and also [ErrBrokerUnavailable] when the
// connection is down, or [ErrNoStream], without waiting, when no stream
// takes the event's subject (call [EnsureStream] first); it never waits
// longer than the context allows, or the configured Timeout if the
// context has no deadline. Publishing the same event again within the
// stream's duplicate window succeeds and is stored once.
func (p *Publisher) Publish(ctx context.Context, e events.Event) error {
	_, err := p.PublishAck(ctx, e)
	return err
}

// Ack is the stream's answer to a publish that stored an event.
type Ack struct {
	// Stream is the name of the stream that holds the event.
	Stream string
	// Sequence is the event's sequence number in Stream; for a duplicate,
	// that of the copy stored first.
	Sequence uint64
	// Duplicate is true when the stream had already stored an event with
	// this ID within its duplicate window (see [StreamConfig].Duplicates)
	// and discarded this copy: the event is stored, once.
	Duplicate bool
}

// PublishAck is [Publisher.Publish] that also returns the stream's
// acknowledgement, telling a newly stored event from a duplicate the
// stream discarded. It refuses and fails exactly as Publish does; on an
// error the Ack is the zero value.
func (p *Publisher) PublishAck(ctx context.Context, e events.Event) (_ Ack, err error) {
	m, err := p.msg(e)
	if err != nil {
		return Ack{}, err
	}
	if p.obs != nil {
		var end func(error)
		ctx, end = p.obs.StartPublish(ctx, publishOp(m, e), natsCarrier{h: m.Header})
		defer func() { end(err) }()
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
		defer cancel()
	}
	ack, err := p.js.PublishMsg(ctx, m, jetstream.WithMsgID(e.ID), jetstream.WithRetryAttempts(0))
	if errors.Is(err, jetstream.ErrNoStreamResponse) {
		if p.noStream(ctx, m.Subject) {
			return Ack{}, noStreamErr(e.ID, m.Subject, err)
		}
		// A stream takes the subject but did not answer, as during a
		// leader election: retry as jetstream does by default.
		ack, err = p.js.PublishMsg(ctx, m, jetstream.WithMsgID(e.ID))
	}
	if err != nil {
		return Ack{}, brokerErr(p.js, fmt.Errorf("%w: event %s to %s: %w", ErrPublish, e.ID, m.Subject, err))
	}
	if ack.Duplicate {
		p.log.DebugContext(ctx, "eventnats: duplicate discarded by the server", "id", e.ID, "type", e.Type, "subject", m.Subject)
	}
	return Ack{Stream: ack.Stream, Sequence: ack.Sequence, Duplicate: ack.Duplicate}, nil
}

// noStream reports whether the server says no stream captures subject.
// Publishing there gets "no responders" at once; so does publishing to a
// stream that is electing a leader, which is worth retrying, hence the
// question. An error asking it (no permission, say) counts as no.
func (p *Publisher) noStream(ctx context.Context, subject string) bool {
	_, err := p.js.StreamNameBySubject(ctx, subject)
	return errors.Is(err, jetstream.ErrStreamNotFound)
}

// noStreamErr is the error of a publish of event id to a subject no
// stream captures; it matches [ErrPublish], [ErrNoStream] and cause,
// jetstream's error.
func noStreamErr(id, subject string, cause error) error {
	return fmt.Errorf("%w: event %s to %s: %w: create the streams with EnsureStream before publishing, with the same Prefix as the Publisher's (%w)",
		ErrPublish, id, subject, ErrNoStream, cause)
}

// msg validates e and builds its message, refusing one too large to
// be dead-lettered.
func (p *Publisher) msg(e events.Event) (*nats.Msg, error) {
	subject, err := validate(e)
	if err != nil {
		return nil, fmt.Errorf("eventnats: refusing to publish: %w", err)
	}
	m, err := newMsg(p.prefix, e, subject)
	if err != nil {
		return nil, err
	}
	if nc := p.js.Conn(); nc != nil {
		if limit := nc.MaxPayload() - DeadLetterHeadroom; limit > 0 && int64(m.Size()) > limit {
			return nil, fmt.Errorf("%w: event %s is %d bytes with its headers; the server takes %d, less %d kept for dead-letter headers",
				ErrTooLarge, e.ID, m.Size(), nc.MaxPayload(), DeadLetterHeadroom)
		}
	}
	return m, nil
}

// validate checks e as [events.Event.Validate] does, and that its ID and
// Source survive a trip through NATS headers, and returns the payload's
// Subject() for the ce-subject header.
func validate(e events.Event) (string, error) {
	// Subject is "" for an invalid event, so a subject proves e valid in
	// the one pass that found it; only without one is Validate needed.
	subject := e.Subject()
	if subject == "" {
		if err := e.Validate(); err != nil {
			return "", err
		}
	}
	if err := headerSafe("ID", e.ID); err != nil {
		return "", err
	}
	if err := headerSafe("Source", e.Source); err != nil {
		return "", err
	}
	return subject, nil
}

// headerSafe refuses a value that a NATS header would not carry as it
// is: nats.go trims leading and trailing white space from header values
// and a CR or LF would end the header, so "dup" and "dup\n" would arrive
// as the same ID (the second deduplicated away) and a Source of " " as a
// missing one. The error matches [events.ErrInvalidEvent].
func headerSafe(field, v string) error {
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%w: %s %q has leading or trailing white space", events.ErrInvalidEvent, field, v)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %s %q contains a control character", events.ErrInvalidEvent, field, v)
	}
	return nil
}

// BatchError reports the events of a [Publisher.PublishBatch] that were
// not published. It matches each failure's error with [errors.Is].
type BatchError struct {
	// Failures lists each failed event, in batch order.
	Failures []BatchFailure
	// Total is the number of events in the batch.
	Total int
}

// BatchFailure is one event of a batch that was not published.
type BatchFailure struct {
	// Index is the event's position in the batch.
	Index int
	// ID is the event's ID.
	ID string
	// Err says why: a validation error, or one matching [ErrTooLarge]
	// or [ErrPublish].
	Err error
}

// Error lists how many failed and the first few reasons.
func (e *BatchError) Error() string {
	var b strings.Builder
	b.WriteString("eventnats: ")
	b.WriteString(strconv.Itoa(len(e.Failures)))
	b.WriteString(" of ")
	b.WriteString(strconv.Itoa(e.Total))
	b.WriteString(" events not published")
	for i, f := range e.Failures {
		if i == 3 {
			b.WriteString("; …")
			break
		}
		fmt.Fprintf(&b, "; [%d] %s: %v", f.Index, f.ID, f.Err)
	}
	return b.String()
}

// Unwrap returns every failure's error.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		out[i] = f.Err
	}
	return out
}

// PublishBatch publishes evs asynchronously, without waiting for each
// acknowledgement before sending the next, then waits for all of them. It
// is the throughput mode: thousands of events per round trip.
//
// Invalid events are not sent; the valid ones are. It returns nil when
// every event was acknowledged, and otherwise a [*BatchError] listing every
// event that was refused or not acknowledged, so no failure goes
// unreported; events on a subject no stream captures fail at once with
// errors matching [ErrNoStream]. Events not acknowledged when ctx ends (or, without a
// deadline, after the configured Timeout) are reported with the context's
// error. Retrying the failed events is safe: the server deduplicates on
// the event ID.
func (p *Publisher) PublishBatch(ctx context.Context, evs []events.Event) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout)
		defer cancel()
	}
	be := &BatchError{Total: len(evs)}
	type pending struct {
		i   int
		f   jetstream.PubAckFuture
		msg *nats.Msg
		end func(error) // of the Observer; nil without one
	}
	futs := make([]pending, 0, len(evs))
	stall := p.timeout
	if dl, ok := ctx.Deadline(); ok {
		stall = time.Until(dl)
	}
	for i, e := range evs {
		m, err := p.msg(e)
		if err != nil {
			be.Failures = append(be.Failures, BatchFailure{Index: i, ID: e.ID, Err: err})
			continue
		}
		if ctx.Err() != nil {
			be.Failures = append(be.Failures, BatchFailure{Index: i, ID: e.ID, Err: fmt.Errorf("%w: event %s: not sent: %w", ErrPublish, e.ID, ctx.Err())})
			continue
		}
		var end func(error)
		if p.obs != nil {
			_, end = p.obs.StartPublish(ctx, publishOp(m, e), natsCarrier{h: m.Header})
		}
		f, err := p.js.PublishMsgAsync(m, jetstream.WithMsgID(e.ID), jetstream.WithStallWait(max(stall, time.Millisecond)), jetstream.WithRetryAttempts(0))
		if err != nil {
			err = brokerErr(p.js, fmt.Errorf("%w: event %s to %s: %w", ErrPublish, e.ID, m.Subject, err))
			be.Failures = append(be.Failures, BatchFailure{Index: i, ID: e.ID, Err: err})
			if end != nil {
				end(err)
			}
			continue
		}
		futs = append(futs, pending{i, f, m, end})
	}
	noStream := map[string]bool{} // subject -> no stream captures it
	for _, pf := range futs {
		id := evs[pf.i].ID
		failed := len(be.Failures)
		fail := func(err error) {
			if errors.Is(err, jetstream.ErrNoStreamResponse) {
				s := pf.msg.Subject
				none, asked := noStream[s]
				if !asked {
					none = p.noStream(ctx, s)
					noStream[s] = none
				}
				if none {
					be.Failures = append(be.Failures, BatchFailure{Index: pf.i, ID: id, Err: noStreamErr(id, s, err)})
					return
				}
				// The stream did not answer (a leader election, say):
				// retry this one as jetstream does by default.
				if _, err = p.js.PublishMsg(ctx, pf.msg, jetstream.WithMsgID(id)); err == nil {
					return
				}
			}
			be.Failures = append(be.Failures, BatchFailure{Index: pf.i, ID: id, Err: brokerErr(p.js, fmt.Errorf("%w: event %s to %s: %w", ErrPublish, id, pf.msg.Subject, err))})
		}
		// An answer already in counts even if ctx is done too: select
		// picks at random among ready cases, and would report a stored
		// event as not acknowledged.
		func() {
			select {
			case <-pf.f.Ok():
				return
			case err := <-pf.f.Err():
				fail(err)
				return
			default:
			}
			select {
			case <-pf.f.Ok():
			case err := <-pf.f.Err():
				fail(err)
			case <-ctx.Done():
				fail(fmt.Errorf("no acknowledgement: %w", ctx.Err()))
			}
		}()
		if pf.end != nil {
			if len(be.Failures) > failed {
				pf.end(be.Failures[len(be.Failures)-1].Err)
			} else {
				pf.end(nil)
			}
		}
	}
	if len(be.Failures) == 0 {
		return nil
	}
	slices.SortFunc(be.Failures, func(a, b BatchFailure) int { return a.Index - b.Index })
	return be
}
