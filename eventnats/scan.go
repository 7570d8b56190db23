package eventnats

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// scanBatch is how many messages a scan asks for at a time; with bodies
// up to 1 MiB each, it bounds what one batch holds.
const scanBatch = 128

// storedMsg is one message a scan read.
type storedMsg struct {
	seq     uint64
	stored  time.Time
	subject string
	header  nats.Header
	data    []byte
}

// scanStream yields the messages of stream on subject ("" for every
// subject) in sequence order, as the stream holds them when the scan
// starts, with their bodies unless headersOnly. It reads through an
// ephemeral consumer that acknowledges nothing and that the server
// removes when the scan ends (or a minute after its client went away),
// so it disturbs no other consumer. It yields one error and stops if
// reading fails.
func scanStream(ctx context.Context, js jetstream.JetStream, stream, subject string, headersOnly bool) iter.Seq2[storedMsg, error] {
	return func(yield func(storedMsg, error) bool) {
		s, err := js.Stream(ctx, stream)
		if err != nil {
			yield(storedMsg{}, brokerErr(js, err))
			return
		}
		cons, err := s.CreateConsumer(ctx, jetstream.ConsumerConfig{
			Description:       "eventnats scan",
			DeliverPolicy:     jetstream.DeliverAllPolicy,
			AckPolicy:         jetstream.AckNonePolicy,
			FilterSubject:     subject,
			HeadersOnly:       headersOnly,
			InactiveThreshold: time.Minute,
			MemoryStorage:     true,
		})
		if err != nil {
			yield(storedMsg{}, brokerErr(js, fmt.Errorf("create a scanning consumer: %w", err)))
			return
		}
		defer func() {
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = s.DeleteConsumer(dctx, cons.CachedInfo().Name) // else the server drops it after InactiveThreshold
		}()
		left := cons.CachedInfo().NumPending // messages there when the scan started
		for left > 0 {
			if err := ctx.Err(); err != nil {
				yield(storedMsg{}, err)
				return
			}
			batch, err := cons.FetchNoWait(int(min(left, scanBatch)))
			if err != nil {
				yield(storedMsg{}, brokerErr(js, err))
				return
			}
			n := 0
			for m := range batch.Messages() {
				n++
				md, err := m.Metadata()
				if err != nil {
					yield(storedMsg{}, err)
					return
				}
				left = min(left-1, md.NumPending)
				if !yield(storedMsg{seq: md.Sequence.Stream, stored: md.Timestamp, subject: m.Subject(), header: m.Headers(), data: m.Data()}, nil) {
					return
				}
			}
			if err := batch.Error(); err != nil {
				yield(storedMsg{}, brokerErr(js, err))
				return
			}
			if n == 0 {
				return // the rest was deleted meanwhile
			}
		}
	}
}
