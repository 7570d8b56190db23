package eventnats

import (
	"context"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
)

// SystemName is the value of [events.Operation].System for this
// transport.
const SystemName = "nats"

// publishOp is the Operation of a publish of m, which carries e.
func publishOp(m *nats.Msg, e events.Event) events.Operation {
	return events.Operation{System: SystemName, Destination: m.Subject, Event: e, Subject: m.Header.Get(HeaderSubject)}
}

// natsCarrier is an events.Carrier over NATS headers. Keys are used as
// given (NATS headers are case-sensitive): "traceparent" stays
// "traceparent".
type natsCarrier struct {
	h        nats.Header
	readOnly bool
}

func (c natsCarrier) Get(key string) string {
	if v := c.h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (c natsCarrier) Set(key, value string) {
	if !c.readOnly {
		c.h[key] = []string{value}
	}
}

func (c natsCarrier) Keys() []string {
	keys := make([]string, 0, len(c.h))
	for k := range c.h {
		keys = append(keys, k)
	}
	return keys
}

// observePending registers the consumer's pending count with an
// Observer that records it.
func (c *Consumer) observePending() {
	po, ok := c.cfg.Observer.(events.PendingObserver)
	if !ok {
		return
	}
	op := events.Operation{System: SystemName, Destination: c.cfg.Stream, ConsumerGroup: c.cfg.Durable}
	po.ObservePending(op, func(ctx context.Context) (int64, error) {
		c.mu.Lock()
		cons := c.cons
		c.mu.Unlock()
		info, err := cons.Info(ctx)
		if err != nil {
			return 0, brokerErr(c.js, err)
		}
		return int64(info.NumPending), nil
	})
}
