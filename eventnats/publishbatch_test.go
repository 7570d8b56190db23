package eventnats

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// ackedJS is a JetStream whose asynchronous publishes are acknowledged at
// once; it calls after when the last of n is sent.
type ackedJS struct {
	jetstream.JetStream // nil: only the methods below are used
	n                   int
	after               func()
}

func (j *ackedJS) Conn() *nats.Conn { return nil }

func (j *ackedJS) PublishMsgAsync(m *nats.Msg, _ ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	f := &ackedFuture{ok: make(chan *jetstream.PubAck, 1), msg: m}
	f.ok <- &jetstream.PubAck{Stream: DefaultStreamName}
	if j.n--; j.n == 0 {
		j.after()
	}
	return f, nil
}

type ackedFuture struct {
	ok  chan *jetstream.PubAck
	msg *nats.Msg
}

func (f *ackedFuture) Ok() <-chan *jetstream.PubAck { return f.ok }
func (f *ackedFuture) Err() <-chan error            { return nil }
func (f *ackedFuture) Msg() *nats.Msg               { return f.msg }

// TestPublishBatchCountsAcksReadyAtDeadline: acknowledgements that
// arrived before the context ended are successes, even if the batch only
// looks at them afterwards.
func TestPublishBatchCountsAcksReadyAtDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs := violations(t, "r", 50)
	pub, err := NewPublisher(&ackedJS{n: len(evs), after: cancel}, PublisherConfig{})
	require.NoError(t, err)
	require.NoError(t, pub.PublishBatch(ctx, evs))
}
