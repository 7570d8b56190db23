package eventnats

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// flaky is a handler of threshold.violated events that fails the event
// with ID failID until fixed is set, and records every event it handled
// successfully.
type flaky struct {
	failID string
	fixed  atomic.Bool
	rec    recorder
}

func (f *flaky) router() *events.Router {
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, _ events.ThresholdViolatedPayload) error {
		if e.ID == f.failID && !f.fixed.Load() {
			return errors.New("pager returned 503")
		}
		return f.rec.HandleEvent(ctx, e)
	})
	return r
}

// seen returns how many times r recorded the event id.
func (r *recorder) seenID(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[id]
}

// newDeadLetters returns a DeadLetters with the default configuration.
func newDeadLetters(t testing.TB, env *testEnv) *DeadLetters {
	t.Helper()
	d, err := NewDeadLetters(env.js, DeadLettersConfig{})
	require.NoError(t, err)
	return d
}

// TestReplayGoesOnlyToTheConsumerThatGaveUp is the replay of issue 9:
// two durable consumers of one type, and a third that takes every type
// through a Router fallback. One fails an event until fixed, and it is
// dead-lettered; after Replay that consumer handles it exactly once,
// with its original ID, type, source, time and payload; the others never
// see it twice; the dead-letter stream is empty. The replay happens
// within the stream's duplicate window of the original event.
func TestReplayGoesOnlyToTheConsumerThatGaveUp(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)

	beacon := &flaky{failID: "doomed"}
	dashboard := &recorder{}
	dashRouter := events.NewRouter()
	events.Handle(dashRouter, func(ctx context.Context, e events.Event, _ events.ThresholdViolatedPayload) error {
		return dashboard.HandleEvent(ctx, e)
	})
	audit := &recorder{}
	auditRouter := events.NewRouter()
	auditRouter.Fallback(audit)

	cb := env.consumer(t, ConsumerConfig{Durable: "beacon", MaxDeliver: 2})
	cd := env.consumer(t, ConsumerConfig{Durable: "dashboard"})
	ca := env.consumer(t, ConsumerConfig{Durable: "audit"})
	run(t, cb, beacon.router())
	run(t, cd, dashRouter)
	run(t, ca, auditRouter)

	doomed := violation(t, "doomed")
	require.NoError(t, pub.Publish(ctx, doomed))
	require.NoError(t, pub.Publish(ctx, violation(t, "fine")))
	require.Eventually(t, func() bool {
		return cb.Stats().DeadLettered == 1 && beacon.rec.count() == 1 && dashboard.count() == 2 && audit.count() == 2
	}, waitFor, 10*time.Millisecond)

	dls := newDeadLetters(t, env)
	list, err := dls.List(ctx, DeadLetterFilter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	dl := list[0]
	assert.Equal(t, "beacon", dl.Consumer)
	assert.Equal(t, "doomed", dl.EventID)
	assert.Equal(t, events.EventTypeThresholdViolated, dl.Type)
	assert.Equal(t, uint64(2), dl.Deliveries)
	assert.Equal(t, "failed 2 deliveries: pager returned 503", dl.Reason)

	beacon.fixed.Store(true)
	require.NoError(t, dls.Replay(ctx, dl.Sequence))
	require.Eventually(t, func() bool { return beacon.rec.seenID("doomed") == 1 }, waitFor, 10*time.Millisecond)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName), "the dead letter is deleted")

	got := beacon.rec.events()[1]
	assert.Equal(t, doomed.ID, got.ID)
	assert.Equal(t, doomed.Type, got.Type)
	assert.Equal(t, doomed.Source, got.Source)
	assert.True(t, doomed.Timestamp.Equal(got.Timestamp), "timestamp %s, want %s", got.Timestamp, doomed.Timestamp)
	assert.JSONEq(t, string(doomed.Payload), string(got.Payload))

	// A marker published after the replay reaches every consumer after
	// it would have: a consumer that received the replay has it by then.
	require.NoError(t, pub.Publish(ctx, violation(t, "marker")))
	require.Eventually(t, func() bool {
		return beacon.rec.seenID("marker") == 1 && dashboard.seenID("marker") == 1 && audit.seenID("marker") == 1
	}, waitFor, 10*time.Millisecond)
	assert.Equal(t, 1, beacon.rec.seenID("doomed"), "the consumer that gave up handles the replay once")
	assert.Equal(t, 1, dashboard.seenID("doomed"), "another consumer of the type never sees it again")
	assert.Equal(t, 1, audit.seenID("doomed"), "a consumer with a fallback never sees it again")
	assert.Zero(t, cd.Stats().DeadLettered+ca.Stats().DeadLettered)
}

// TestReplayRefusesWithoutDeleting: a dead letter is kept, with a
// precise error, when its consumer no longer exists, when the broker
// refuses the replay, when its body was dropped, and when it is not an
// event.
func TestReplayRefusesWithoutDeleting(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	dls := newDeadLetters(t, env)

	t.Run("no such dead letter", func(t *testing.T) {
		for _, seq := range []uint64{0, 99} {
			err := dls.Replay(ctx, seq)
			require.ErrorIs(t, err, ErrNoDeadLetter)
			assert.ErrorContains(t, err, "sequence "+strconv.FormatUint(seq, 10))
			require.ErrorIs(t, dls.Purge(ctx, seq), ErrNoDeadLetter)
			_, err = dls.Get(ctx, seq)
			require.ErrorIs(t, err, ErrNoDeadLetter)
		}
	})
}
