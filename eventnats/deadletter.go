package eventnats

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Headers added to a dead letter. The dead letter also keeps the original
// message's body (unless it is too large, see [HeaderDLQBodyDropped]) and
// CloudEvents headers, so it can be inspected and republished as it was.
const (
	// HeaderDLQReason says why the message was dead-lettered, e.g.
	// "malformed: eventnats: malformed message: missing header ce-id",
	// `rejected: no handler for "run.completed"` or
	// "failed 5 deliveries: <the handler's last error>".
	HeaderDLQReason = "Eventnats-Reason"
	// HeaderDLQDeliveries is how many times the message was delivered to
	// the consumer, a decimal number.
	HeaderDLQDeliveries = "Eventnats-Deliveries"
	// HeaderDLQSubject is the subject the message was published on.
	HeaderDLQSubject = "Eventnats-Original-Subject"
	// HeaderDLQStream is the stream that held the original message.
	HeaderDLQStream = "Eventnats-Original-Stream"
	// HeaderDLQSequence is the original message's stream sequence number.
	HeaderDLQSequence = "Eventnats-Original-Sequence"
	// HeaderDLQConsumer is the durable consumer that gave up on it.
	HeaderDLQConsumer = "Eventnats-Consumer"
	// HeaderDLQBodyDropped is set on a dead letter whose original was too
	// large to be republished with the dead-letter headers: the body is
	// left out, and this header gives its size in bytes, a decimal
	// number. The original stays in its stream (HeaderDLQStream, at
	// HeaderDLQSequence) until that stream's max age removes it.
	HeaderDLQBodyDropped = "Eventnats-Body-Dropped"
)

// DeadLetterHeadroom is the room, in bytes, that a [Publisher] keeps free
// under the server's maximum payload for the headers a dead letter adds,
// so that any event it publishes can be dead-lettered whole.
const DeadLetterHeadroom = 4096

// unknownType files a dead letter whose subject tells no event type.
const unknownType = "unknown"

// maxReasonLen caps the reason header; handler errors can be long.
const maxReasonLen = 1024

// DeadLetterSubject returns the subject of the dead letters of events
// published on subject under prefix: dlqPrefix + "." + the event type, or
// dlqPrefix + ".unknown" for a subject not under prefix. (A [Consumer]
// files the dead letter of a replay under its event type too.)
func DeadLetterSubject(prefix, dlqPrefix, subject string) string {
	t := typeFromSubject(prefix, subject)
	if t == "" {
		t = unknownType
	}
	return dlqPrefix + "." + t
}

// deadLetterSubject is [DeadLetterSubject] for a subject this consumer
// receives: a replay is dead-lettered under its event type, as the
// original was.
func (c *Consumer) deadLetterSubject(subject string) string {
	t := c.subjectType(subject)
	if t == "" {
		t = unknownType
	}
	return c.cfg.DeadLetterPrefix + "." + t
}

// deadLetter publishes m to the dead-letter subject with the reason and
// delivery count, waiting for the acknowledgement, then terminates m. If
// the dead letter cannot be stored, m is not terminated but redelivered
// later, so that nothing is dropped.
func (c *Consumer) deadLetter(ctx context.Context, m jetstream.Msg, md *jetstream.MsgMetadata, reason string) error {
	h := make(nats.Header, len(m.Headers())+6)
	for k, v := range m.Headers() {
		if strings.HasPrefix(k, "Nats-") {
			continue // Nats-Msg-Id, Nats-Expected-*: not ours to copy.
		}
		h[k] = v
	}
	reason = strings.NewReplacer("\r", " ", "\n", " ").Replace(reason)
	if len(reason) > maxReasonLen {
		reason = reason[:maxReasonLen-3] + "..."
	}
	h.Set(HeaderDLQReason, reason)
	h.Set(HeaderDLQSubject, m.Subject())
	h.Set(HeaderDLQConsumer, c.cfg.Durable)
	deliveries := uint64(1)
	if md != nil {
		deliveries = md.NumDelivered
		h.Set(HeaderDLQStream, md.Stream)
		h.Set(HeaderDLQSequence, strconv.FormatUint(md.Sequence.Stream, 10))
		// The same message dead-lettered again (after a crash between
		// publish and terminate) is stored once.
		h.Set(nats.MsgIdHdr, "dlq."+md.Stream+"."+strconv.FormatUint(md.Sequence.Stream, 10)+"."+c.cfg.Durable)
	}
	h.Set(HeaderDLQDeliveries, strconv.FormatUint(deliveries, 10))
	dm := &nats.Msg{Subject: c.deadLetterSubject(m.Subject()), Header: h, Data: m.Data()}

	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), DefaultPublishTimeout)
	defer cancel()
	_, err := c.js.PublishMsg(pctx, dm)
	if tooLarge(err) && len(dm.Data) > 0 {
		// The original fit, but not with our headers: keep the headers,
		// drop the body; the original stays in its stream.
		h.Set(HeaderDLQBodyDropped, strconv.Itoa(len(dm.Data)))
		dm.Data = nil
		_, err = c.js.PublishMsg(pctx, dm)
	}
	if err != nil {
		_ = m.NakWithDelay(c.delay(deliveries))
		return brokerErr(c.js, fmt.Errorf("%w: dead letter to %s: %w", ErrPublish, dm.Subject, err))
	}
	if err := m.TermWithReason("eventnats: dead-lettered"); err != nil {
		return brokerErr(c.js, fmt.Errorf("eventnats: terminate dead-lettered message: %w", err))
	}
	return nil
}

// tooLarge reports whether err is a refusal of a message for its size, by
// the client (the server's max_payload) or by the stream.
func tooLarge(err error) bool {
	return err != nil && (errors.Is(err, nats.ErrMaxPayload) || errors.Is(err, jetstream.ErrStreamMessageExceedsMaximum))
}
