package eventnats

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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

// putDeadLetter stores a dead letter of e by hand, as a Consumer named
// consumer would have, after mutate changes it, and returns its sequence.
func putDeadLetter(t testing.TB, env *testEnv, e events.Event, consumer string, mutate func(m *nats.Msg)) uint64 {
	t.Helper()
	m, err := NewMsg(DefaultPrefix, e)
	require.NoError(t, err)
	m.Header.Del(nats.MsgIdHdr)
	m.Header.Set(HeaderDLQReason, "failed 5 deliveries: pager returned 503")
	m.Header.Set(HeaderDLQDeliveries, "5")
	m.Header.Set(HeaderDLQSubject, m.Subject)
	m.Header.Set(HeaderDLQStream, DefaultStreamName)
	m.Header.Set(HeaderDLQSequence, "1")
	m.Header.Set(HeaderDLQConsumer, consumer)
	m.Subject = DefaultDeadLetterPrefix + "." + string(e.Type)
	if mutate != nil {
		mutate(m)
	}
	ack, err := env.js.PublishMsg(context.Background(), m)
	require.NoError(t, err)
	return ack.Sequence
}

// TestReplayRefusals: a dead letter is kept, with an error saying why,
// when it does not exist, does not carry a valid event, names no consumer
// or one that is gone or does not take replays, or when no stream or a
// full stream refuses the replay. Once the cause is mended, it replays.
func TestReplayRefusals(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	dls := newDeadLetters(t, env)
	// The durable "beacon" exists, as made by this version.
	env.consumer(t, ConsumerConfig{Durable: "beacon", Types: []events.EventType{events.EventTypeThresholdViolated}})

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

	refusals := []struct {
		name     string
		consumer string
		mutate   func(m *nats.Msg)
		want     []error
		says     string
	}{
		{"body dropped", "beacon", func(m *nats.Msg) { m.Header.Set(HeaderDLQBodyDropped, "2000000"); m.Data = nil },
			[]error{ErrNotReplayable}, "body of 2000000 bytes was left out"},
		{"not an event", "beacon", func(m *nats.Msg) { m.Header.Del(HeaderID); m.Header.Del(HeaderTime) },
			[]error{ErrNotReplayable, ErrMalformedMessage}, "missing header ce-id, ce-time"},
		{"invalid payload", "beacon", func(m *nats.Msg) { m.Data = []byte(`{"Service":"checkout"}`) },
			[]error{ErrNotReplayable, events.ErrInvalidEvent, events.ErrInvalidPayload}, "Payload.Description"},
		{"no consumer named", "", func(m *nats.Msg) { m.Header.Del(HeaderDLQConsumer) },
			[]error{ErrNotReplayable}, "no Eventnats-Consumer header"},
		{"consumer gone", "pager", nil, []error{ErrNoConsumer}, "consumer pager does not exist on stream ALGORYN_EVENTS"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			seq := putDeadLetter(t, env, violation(t, "id-"+tc.name), tc.consumer, tc.mutate)
			err := dls.Replay(ctx, seq)
			for _, want := range tc.want {
				assert.ErrorIs(t, err, want)
			}
			assert.ErrorContains(t, err, tc.says)
			assert.ErrorContains(t, err, "dead letter "+strconv.FormatUint(seq, 10))
			_, err = dls.Get(ctx, seq)
			assert.NoError(t, err, "the dead letter is kept")
			require.NoError(t, dls.Purge(ctx, seq))
			_, err = dls.Get(ctx, seq)
			assert.ErrorIs(t, err, ErrNoDeadLetter, "purged")
		})
	}

	t.Run("consumer of an older version", func(t *testing.T) {
		// A durable whose processes run an eventnats without replays
		// takes only its event types: a replay would never reach it.
		_, err := env.js.CreateOrUpdateConsumer(ctx, DefaultStreamName, jetstream.ConsumerConfig{
			Durable: "legacy", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "algoryn.events.threshold.violated"})
		require.NoError(t, err)
		seq := putDeadLetter(t, env, violation(t, "id-legacy"), "legacy", nil)
		err = dls.Replay(ctx, seq)
		require.ErrorIs(t, err, ErrNoConsumer)
		assert.ErrorContains(t, err, "older than replays")
		require.Equal(t, uint64(1), streamMsgs(t, env.js, DefaultDeadLetterStreamName))

		// Once it runs this version, the replay goes through.
		c := env.consumer(t, ConsumerConfig{Durable: "legacy", Types: []events.EventType{events.EventTypeThresholdViolated}})
		require.NoError(t, dls.Replay(ctx, seq))
		rec := &recorder{}
		run(t, c, rec)
		require.Eventually(t, func() bool { return rec.seenID("id-legacy") == 1 }, waitFor, 10*time.Millisecond)
		assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
	})

	t.Run("stream of an older version", func(t *testing.T) {
		// An event stream made before replays has no replay subject:
		// the publish finds no stream and the dead letter stays, until
		// EnsureStream adds the subject.
		s, err := env.js.Stream(ctx, DefaultStreamName)
		require.NoError(t, err)
		old := s.CachedInfo().Config
		old.Subjects = []string{DefaultPrefix + ".>"}
		_, err = env.js.UpdateStream(ctx, old)
		require.NoError(t, err)

		seq := putDeadLetter(t, env, violation(t, "id-old-stream"), "beacon", nil)
		err = dls.Replay(ctx, seq)
		require.ErrorIs(t, err, ErrPublish)
		require.ErrorIs(t, err, ErrNoStream)
		assert.ErrorContains(t, err, "the dead letter is kept")
		assert.ErrorContains(t, err, "run EnsureStream")
		_, err = dls.Get(ctx, seq)
		require.NoError(t, err)

		_, err = EnsureStream(ctx, env.js, StreamConfig{})
		require.NoError(t, err)
		assert.Equal(t, []string{"algoryn.events.>", "algoryn.events_replay.>"}, streamConfig(t, env.js, DefaultStreamName).Subjects)
		require.NoError(t, dls.Replay(ctx, seq))
		_, err = dls.Get(ctx, seq)
		require.ErrorIs(t, err, ErrNoDeadLetter)
	})

	t.Run("stream full", func(t *testing.T) {
		// The event stream refuses new messages: the replay fails and
		// the dead letter stays.
		s, err := env.js.Stream(ctx, DefaultStreamName)
		require.NoError(t, err)
		info, err := s.Info(ctx)
		require.NoError(t, err)
		full := info.Config
		full.MaxMsgs, full.Discard = int64(info.State.Msgs), jetstream.DiscardNew
		_, err = env.js.UpdateStream(ctx, full)
		require.NoError(t, err)

		seq := putDeadLetter(t, env, violation(t, "id-full"), "beacon", nil)
		err = dls.Replay(ctx, seq)
		require.ErrorIs(t, err, ErrPublish)
		assert.ErrorContains(t, err, "maximum messages exceeded")
		_, err = dls.Get(ctx, seq)
		require.NoError(t, err, "the dead letter is kept")

		full.MaxMsgs = -1
		_, err = env.js.UpdateStream(ctx, full)
		require.NoError(t, err)
		require.NoError(t, dls.Replay(ctx, seq))
	})
}

// TestReplayAfterCrashIsDeduplicated: a Replay that stored its replay and
// died before deleting the dead letter is run again: the second replay is
// deduplicated, the consumer handles the event once, and the dead letter
// goes.
func TestReplayAfterCrashIsDeduplicated(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	dls := newDeadLetters(t, env)
	c := env.consumer(t, ConsumerConfig{Durable: "beacon", Types: []events.EventType{events.EventTypeThresholdViolated}})
	seq := putDeadLetter(t, env, violation(t, "crashy"), "beacon", nil)

	r, err := dls.prepareReplay(ctx, seq)
	require.NoError(t, err)
	first, err := dls.publish(ctx, r.msg, r.msgID) // ... and the process died here
	require.NoError(t, err)
	assert.False(t, first.Duplicate)

	require.NoError(t, dls.Replay(ctx, seq))
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
	rec := &recorder{}
	run(t, c, rec)
	require.NoError(t, env.publisher(t).Publish(ctx, violation(t, "marker")))
	require.Eventually(t, func() bool { return rec.seenID("marker") == 1 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, 1, rec.seenID("crashy"))
	assert.Equal(t, first.Sequence+1, streamSeq(t, env.js), "one replay and the marker stored, not two replays")
}

// TestReplayFailingAgainIsDeadLetteredAndReplayable: a replay whose
// handler still fails is dead-lettered again under its type; replaying
// that second dead letter, still within the duplicate window of the first
// replay, reaches the consumer.
func TestReplayFailingAgainIsDeadLetteredAndReplayable(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	dls := newDeadLetters(t, env)
	beacon := &flaky{failID: "stubborn"}
	c := env.consumer(t, ConsumerConfig{Durable: "beacon", MaxDeliver: 1})
	run(t, c, beacon.router())
	require.NoError(t, env.publisher(t).Publish(ctx, violation(t, "stubborn")))
	require.Eventually(t, func() bool { return c.Stats().DeadLettered == 1 }, waitFor, 10*time.Millisecond)

	first, err := dls.List(ctx, DeadLetterFilter{})
	require.NoError(t, err)
	require.Len(t, first, 1)
	require.NoError(t, dls.Replay(ctx, first[0].Sequence)) // not fixed yet
	require.Eventually(t, func() bool { return c.Stats().DeadLettered == 2 }, waitFor, 10*time.Millisecond)

	again, err := dls.List(ctx, DeadLetterFilter{})
	require.NoError(t, err)
	require.Len(t, again, 1)
	dl := again[0]
	assert.Greater(t, dl.Sequence, first[0].Sequence)
	assert.Equal(t, "algoryn.dlq.threshold.violated", dl.Subject)
	assert.Equal(t, events.EventTypeThresholdViolated, dl.Type)
	assert.Equal(t, "algoryn.events_replay.beacon.threshold.violated", dl.OriginalSubject)
	assert.Equal(t, "ALGORYN_DLQ:"+strconv.FormatUint(first[0].Sequence, 10), dl.Headers.Get(HeaderReplayOf))
	assert.Equal(t, "stubborn", dl.EventID)

	beacon.fixed.Store(true)
	require.NoError(t, dls.Replay(ctx, dl.Sequence))
	require.Eventually(t, func() bool { return beacon.rec.seenID("stubborn") == 1 }, waitFor, 10*time.Millisecond)
	assert.Zero(t, streamMsgs(t, env.js, DefaultDeadLetterStreamName))
}

// streamSeq returns the event stream's last sequence.
func streamSeq(t testing.TB, js jetstream.JetStream) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), DefaultStreamName)
	require.NoError(t, err)
	return s.CachedInfo().State.LastSeq
}

// A replay pulled, during a rolling upgrade, by a process that runs an
// eventnats older than replays is dead-lettered under "unknown" (that
// process cannot read the replay subject). Such a dead letter still
// yields its event, and replays.
func TestReplayOfADeadLetterFiledAsUnknown(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	dls := newDeadLetters(t, env)
	env.consumer(t, ConsumerConfig{Durable: "beacon", Types: []events.EventType{events.EventTypeThresholdViolated}})
	e := violation(t, "pulled-by-an-old-process")
	replaySubject, err := ReplaySubject(DefaultReplayPrefix, "beacon", e.Type)
	require.NoError(t, err)
	seq := putDeadLetter(t, env, e, "beacon", func(m *nats.Msg) {
		m.Subject = DefaultDeadLetterPrefix + ".unknown"
		m.Header.Set(HeaderDLQSubject, replaySubject)
		m.Header.Set(HeaderDLQReason, `malformed: eventnats: malformed message: subject "`+replaySubject+`" is not under "algoryn.events"`)
	})

	dl, err := dls.Get(ctx, seq)
	require.NoError(t, err)
	assert.Equal(t, events.EventType("unknown"), dl.Type, "filed where the old process put it")
	got, err := dl.Event()
	require.NoError(t, err)
	assert.Equal(t, e.ID, got.ID)
	assert.Equal(t, e.Type, got.Type)

	require.NoError(t, dls.Replay(ctx, seq))
	_, err = dls.Get(ctx, seq)
	assert.ErrorIs(t, err, ErrNoDeadLetter, "replayed, then deleted")

	// The suffix must be the event's own type: a dead letter filed as
	// unknown whose original subject says another type stays malformed.
	seq = putDeadLetter(t, env, violation(t, "mismatched"), "beacon", func(m *nats.Msg) {
		m.Subject = DefaultDeadLetterPrefix + ".unknown"
		m.Header.Set(HeaderDLQSubject, DefaultReplayPrefix+".beacon.run.completed")
	})
	dl, err = dls.Get(ctx, seq)
	require.NoError(t, err)
	_, err = dl.Event()
	assert.ErrorIs(t, err, ErrMalformedMessage)
}
