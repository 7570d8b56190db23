package eventnats

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigEvent returns a valid event of an unknown type whose payload is
// about n bytes.
func bigEvent(t *testing.T, id string, n int) events.Event {
	t.Helper()
	e := violation(t, id)
	e.Type = "custom.big"
	e.Payload = []byte(`{"x":"` + strings.Repeat("a", n-8) + `"}`)
	require.NoError(t, e.Validate())
	return e
}

// TestPublishRefusesEventTooLargeToDeadLetter: an event that fits under
// the server's max payload but leaves no room for the dead-letter
// headers is refused before sending; one with room to spare is sent.
func TestPublishRefusesEventTooLargeToDeadLetter(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	max := int(env.nc.MaxPayload())
	err := pub.Publish(ctx, bigEvent(t, "too-big", max-1000))
	require.ErrorIs(t, err, ErrTooLarge)
	assert.NotErrorIs(t, err, ErrPublish)
	assert.ErrorIs(t, pub.PublishBatch(ctx, []events.Event{bigEvent(t, "too-big", max-1000)}), ErrTooLarge)
	assert.Zero(t, streamMsgs(t, env.js, DefaultStreamName))
	require.NoError(t, pub.Publish(ctx, bigEvent(t, "fits", max-2*DeadLetterHeadroom)))
	assert.EqualValues(t, 1, streamMsgs(t, env.js, DefaultStreamName))
}

// TestDeadLetterTooLargeDropsBody: an event published by other means
// that fits the server's max payload but not with the dead-letter
// headers is still dead-lettered (not redelivered forever): without its
// body, with a header giving the body's size, and pointing at the
// original, which stays in its stream.
func TestDeadLetterTooLargeDropsBody(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	// Fill the message up to 10 bytes under the server's max payload.
	small, err := NewMsg(DefaultPrefix, bigEvent(t, "huge", 100))
	require.NoError(t, err)
	headers := small.Size() - len(small.Subject) - len(small.Data)
	e := bigEvent(t, "huge", int(env.nc.MaxPayload())-headers-10)
	m, err := NewMsg(DefaultPrefix, e)
	require.NoError(t, err)
	_, err = env.js.PublishMsg(ctx, m)
	require.NoError(t, err, "the original fits")

	c := env.consumer(t, ConsumerConfig{Durable: "big"})
	stop := run(t, c, events.HandlerFunc(func(context.Context, events.Event) error {
		return events.Permanent(errors.New("no room for this"))
	}))
	require.Eventually(t, func() bool { return c.Stats().DeadLettered == 1 }, waitFor, 10*time.Millisecond)
	waitSettled(t, env, "big")
	stop()
	assert.Zero(t, c.Stats().Retried)

	dl := deadLetters(t, env.js)
	require.Len(t, dl, 1)
	assert.Empty(t, dl[0].Data)
	assert.Equal(t, strconv.Itoa(len(e.Payload)), dl[0].Header.Get(HeaderDLQBodyDropped))
	assert.Equal(t, "huge", dl[0].Header.Get(HeaderID))
	assert.Equal(t, DefaultStreamName, dl[0].Header.Get(HeaderDLQStream))
	assert.Equal(t, "1", dl[0].Header.Get(HeaderDLQSequence))
	assert.Equal(t, "rejected: no room for this", dl[0].Header.Get(HeaderDLQReason))
	assert.EqualValues(t, 1, streamMsgs(t, env.js, DefaultStreamName), "the original is kept")
}
