package eventnats

import (
	"context"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPublishWithoutStream: publishing before EnsureStream fails with
// ErrNoStream, naming the subject and what to do, without waiting for the
// timeout; once the streams exist the same event is published.
func TestPublishWithoutStream(t *testing.T) {
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	_, js := connect(t, srv.URL())
	const timeout = 5 * time.Second
	pub, err := NewPublisher(js, PublisherConfig{Timeout: timeout})
	require.NoError(t, err)
	ctx := context.Background()

	start := time.Now()
	err = pub.Publish(ctx, violation(t, "v-1"))
	elapsed := time.Since(start)
	require.ErrorIs(t, err, ErrNoStream)
	assert.ErrorIs(t, err, ErrPublish)
	assert.NotErrorIs(t, err, ErrBrokerUnavailable)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "algoryn.events.threshold.violated")
	assert.Contains(t, err.Error(), "EnsureStream")
	assert.Less(t, elapsed, timeout, "reported before the timeout")
	t.Logf("no stream reported in %s: %v", elapsed, err)

	start = time.Now()
	err = pub.PublishBatch(ctx, []events.Event{violation(t, "v-2"), sampleEvents(t)[0]})
	elapsed = time.Since(start)
	var be *BatchError
	require.ErrorAs(t, err, &be)
	require.Len(t, be.Failures, 2)
	for _, f := range be.Failures {
		assert.ErrorIs(t, f.Err, ErrNoStream, f.ID)
		assert.ErrorIs(t, f.Err, ErrPublish, f.ID)
		assert.Contains(t, f.Err.Error(), "EnsureStream")
	}
	assert.Contains(t, be.Failures[1].Err.Error(), "algoryn.events.run.completed")
	assert.Less(t, elapsed, timeout, "reported before the timeout")

	_, err = EnsureStream(ctx, js, StreamConfig{})
	require.NoError(t, err)
	require.NoError(t, pub.Publish(ctx, violation(t, "v-1")))
	require.NoError(t, pub.PublishBatch(ctx, []events.Event{violation(t, "v-2"), sampleEvents(t)[0]}))
	assert.EqualValues(t, 3, streamMsgs(t, js, DefaultStreamName))
}
