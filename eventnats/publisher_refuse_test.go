package eventnats

import (
	"context"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPublishRefusesWhatHeadersCannotCarry: NATS trims header values and
// a CR or LF ends a header, so an ID ending in "\n" would arrive as
// another event's ID (and be deduplicated away) and a blank Source as a
// missing one. Such events are refused before anything is sent.
func TestPublishRefusesWhatHeadersCannotCarry(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	for _, mutate := range []func(*events.Event){
		func(e *events.Event) { e.ID = "dup\n" },
		func(e *events.Event) { e.ID = " dup" },
		func(e *events.Event) { e.ID = "d\rup" },
		func(e *events.Event) { e.Source = " " },
		func(e *events.Event) { e.Source = "relay\t" },
	} {
		e := violation(t, "dup")
		mutate(&e)
		err := pub.Publish(ctx, e)
		require.ErrorIs(t, err, events.ErrInvalidEvent, "%q %q", e.ID, e.Source)
		assert.NotErrorIs(t, err, ErrPublish)
		assert.ErrorIs(t, pub.PublishBatch(ctx, []events.Event{e}), events.ErrInvalidEvent)
	}
	assert.Zero(t, streamMsgs(t, env.js, DefaultStreamName), "nothing was sent")
	require.NoError(t, pub.Publish(ctx, violation(t, "dup")))
	assert.EqualValues(t, 1, streamMsgs(t, env.js, DefaultStreamName))
}
