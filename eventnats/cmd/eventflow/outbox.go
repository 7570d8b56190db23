package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/algoryn/events/eventnats"
	"github.com/algoryn/events/eventoutbox"
)

// outboxFlow is what --outbox adds to the flow: the tools publish into an
// SQLite outbox, a forwarder sends its events to the broker, and the
// broker is stopped in the middle of the flow and started again.
type outboxFlow struct {
	outbox    *eventoutbox.Outbox
	forwarder *eventoutbox.Forwarder
	emb       *embedded
	out       *printer
	path      string
	stop      func()
}

// startOutbox opens the outbox next to the broker's store and starts its
// forwarder to pub.
func startOutbox(ctx context.Context, cfg config, emb *embedded, pub *eventnats.Publisher, out *printer) (*outboxFlow, error) {
	path := filepath.Join(emb.dir, "eventflow-outbox.db")
	os.Remove(path) // a fresh outbox for each run; a leftover would replay an earlier run
	ob, err := eventoutbox.Open(path)
	if err != nil {
		return nil, fmt.Errorf("eventflow: %w", err)
	}
	f, err := ob.NewForwarder(eventoutbox.ForwarderConfig{
		Target:       pub,
		MinBackoff:   50 * time.Millisecond,
		MaxBackoff:   500 * time.Millisecond,
		PollInterval: 100 * time.Millisecond,
		Permanent:    func(err error) bool { return errors.Is(err, eventnats.ErrTooLarge) },
		Logger:       cfg.log.With("tool", "forwarder"),
	})
	if err != nil {
		ob.Close()
		return nil, fmt.Errorf("eventflow: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()
	out.line("eventflow: outbox %s: the tools publish into it, a forwarder sends its events to the broker", path)
	return &outboxFlow{outbox: ob, forwarder: f, emb: emb, out: out, path: path, stop: func() { cancel(); <-done }}, nil
}

// brokerDown waits until the outbox is empty, then stops the broker.
func (o *outboxFlow) brokerDown(ctx context.Context) error {
	if err := o.waitPending(ctx, func(n int) bool { return n == 0 }); err != nil {
		return err
	}
	o.emb.stop()
	o.out.line("eventflow: broker stopped (an outage); the tools go on publishing into the outbox")
	return nil
}

// brokerUp starts the broker again on the same port and store, and says
// how many events wait for it.
func (o *outboxFlow) brokerUp(ctx context.Context) error {
	n, err := o.outbox.Pending(ctx)
	if err != nil {
		return fmt.Errorf("eventflow: %w", err)
	}
	if err := o.emb.start(); err != nil {
		return fmt.Errorf("eventflow: restarting the broker: %w", err)
	}
	o.out.line("eventflow: broker started again; %d events waited in the outbox", n)
	return nil
}

// waitPending polls the outbox until done(pending) or ctx ends.
func (o *outboxFlow) waitPending(ctx context.Context, done func(int) bool) error {
	for {
		n, err := o.outbox.Pending(ctx)
		if err == nil && done(n) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("eventflow: waiting for the outbox to empty (%d pending): %w", n, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// summary waits, while ctx lasts, until the forwarder has sent the
// published events and the outbox is empty, then prints what the
// forwarder did.
func (o *outboxFlow) summary(ctx context.Context, published int) {
	_ = o.waitPending(ctx, func(n int) bool { return n == 0 && o.forwarder.Stats().Forwarded >= uint64(published) })
	st := o.forwarder.Stats()
	pending, err := o.outbox.Pending(context.Background())
	if err != nil {
		pending = -1
	}
	o.out.line("outbox: forwarded %d, refused %d, pending %d, failed attempts %d",
		st.Forwarded, st.Refused, pending, st.Failures)
}

func (o *outboxFlow) close() {
	o.stop()
	o.outbox.Close()
}
