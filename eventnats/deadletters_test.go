package eventnats

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDeadLettersListThousands: List reads every one of thousands of dead
// letters, in sequence order, filtered by type on the server and by
// consumer; it leaves no consumer behind on the dead-letter stream;
// ReadStats counts them per type and consumer.
func TestDeadLettersListThousands(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	const n = 3000
	types := []events.EventType{events.EventTypeThresholdViolated, events.EventTypeRunCompleted}
	consumers := []string{"beacon", "dashboard", "relay"}
	tmpl, err := NewMsg(DefaultPrefix, violation(t, "tmpl"))
	require.NoError(t, err)
	var futs []jetstream.PubAckFuture
	for i := range n {
		m := &nats.Msg{Subject: DefaultDeadLetterPrefix + "." + string(types[i%2]), Header: nats.Header{}, Data: tmpl.Data}
		m.Header.Set(HeaderID, fmt.Sprintf("dl-%04d", i))
		m.Header.Set(HeaderDLQConsumer, consumers[i%3])
		m.Header.Set(HeaderDLQDeliveries, "5")
		f, err := env.js.PublishMsgAsync(m)
		require.NoError(t, err)
		futs = append(futs, f)
	}
	for _, f := range futs {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			require.NoError(t, err)
		}
	}

	dls := newDeadLetters(t, env)
	all, err := dls.List(ctx, DeadLetterFilter{})
	require.NoError(t, err)
	require.Len(t, all, n)
	for i, dl := range all {
		if !assert.Equal(t, uint64(i+1), dl.Sequence) || !assert.Equal(t, fmt.Sprintf("dl-%04d", i), dl.EventID) {
			break
		}
	}
	assert.Equal(t, uint64(5), all[0].Deliveries)
	assert.Equal(t, tmpl.Data, all[0].Body)
	assert.False(t, all[0].Stored.IsZero())

	cases := []struct {
		name string
		f    DeadLetterFilter
		want func(i int) bool
	}{
		{"type", DeadLetterFilter{Type: events.EventTypeRunCompleted}, func(i int) bool { return i%2 == 1 }},
		{"consumer", DeadLetterFilter{Consumer: "relay"}, func(i int) bool { return i%3 == 2 }},
		{"both", DeadLetterFilter{Type: events.EventTypeThresholdViolated, Consumer: "beacon"}, func(i int) bool { return i%6 == 0 }},
		{"none of that type", DeadLetterFilter{Type: events.EventTypeAlertFired}, func(int) bool { return false }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dls.List(ctx, tc.f)
			require.NoError(t, err)
			var want []string
			for i := range n {
				if tc.want(i) {
					want = append(want, fmt.Sprintf("dl-%04d", i))
				}
			}
			var ids []string
			for _, dl := range got {
				ids = append(ids, dl.EventID)
			}
			assert.Equal(t, want, ids)
		})
	}
	_, err = dls.List(ctx, DeadLetterFilter{Type: "run.*"})
	assert.ErrorIs(t, err, ErrInvalidSubject)

	st, err := ReadStats(ctx, env.js, StreamConfig{})
	require.NoError(t, err)
	assert.Equal(t, uint64(n), st.DeadLetters)
	assert.Equal(t, []DeadLetterCount{
		{Type: events.EventTypeRunCompleted, Consumer: "beacon", Count: n / 6},
		{Type: events.EventTypeRunCompleted, Consumer: "dashboard", Count: n / 6},
		{Type: events.EventTypeRunCompleted, Consumer: "relay", Count: n / 6},
		{Type: events.EventTypeThresholdViolated, Consumer: "beacon", Count: n / 6},
		{Type: events.EventTypeThresholdViolated, Consumer: "dashboard", Count: n / 6},
		{Type: events.EventTypeThresholdViolated, Consumer: "relay", Count: n / 6},
	}, st.DeadLettersBy)

	s, err := env.js.Stream(ctx, DefaultDeadLetterStreamName)
	require.NoError(t, err)
	assert.Zero(t, s.CachedInfo().State.Consumers, "the scans removed their consumers")
}

// TestReadStats: the event stream's size, each durable's backlog and
// answers pending, ephemeral consumers left out.
func TestReadStats(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	require.NoError(t, env.publisher(t).PublishBatch(ctx, violations(t, "v", 10)))
	require.NoError(t, env.publisher(t).Publish(ctx, sampleEvents(t)[0]))
	env.consumer(t, ConsumerConfig{Durable: "idle", Types: []events.EventType{events.EventTypeThresholdViolated}})

	// "busy" holds events delivered and unanswered, one of them twice.
	busy, err := env.js.CreateOrUpdateConsumer(ctx, DefaultStreamName, jetstream.ConsumerConfig{
		Durable: "busy", AckPolicy: jetstream.AckExplicitPolicy, FilterSubject: "algoryn.events.>", AckWait: time.Minute})
	require.NoError(t, err)
	held := map[uint64]bool{} // stream sequences delivered, unanswered
	first, err := busy.Next()
	require.NoError(t, err)
	require.NoError(t, first.Nak())
	require.Eventually(t, func() bool {
		m, err := busy.Next(jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return false
		}
		md, err := m.Metadata()
		require.NoError(t, err)
		held[md.Sequence.Stream] = true
		return md.NumDelivered == 2
	}, waitFor, 10*time.Millisecond)
	_, err = env.js.CreateConsumer(ctx, DefaultStreamName, jetstream.ConsumerConfig{ // a tail's, say
		AckPolicy: jetstream.AckNonePolicy, InactiveThreshold: time.Minute})
	require.NoError(t, err)

	st, err := ReadStats(ctx, env.js, StreamConfig{})
	require.NoError(t, err)
	assert.Equal(t, DefaultStreamName, st.Stream)
	assert.Equal(t, uint64(11), st.Messages)
	assert.Equal(t, uint64(11), st.LastSequence)
	assert.NotZero(t, st.Bytes)
	assert.Zero(t, st.DeadLetters)
	assert.Empty(t, st.DeadLettersBy)
	require.Len(t, st.Consumers, 2, "the durables, by name; no ephemeral")
	b, idle := st.Consumers[0], st.Consumers[1]
	assert.Equal(t, "busy", b.Name)
	assert.Equal(t, []string{"algoryn.events.>"}, b.Subjects)
	assert.Equal(t, uint64(11-len(held)), b.Pending)
	assert.Equal(t, len(held), b.AckPending)
	assert.Equal(t, 1, b.Redelivered)
	assert.False(t, b.LastActive.IsZero())
	assert.Equal(t, "idle", idle.Name)
	assert.Equal(t, []string{"algoryn.events.threshold.violated", "algoryn.events_replay.idle.>"}, idle.Subjects)
	assert.Equal(t, uint64(10), idle.Pending)
	assert.Zero(t, idle.AckPending)
	assert.True(t, idle.LastActive.IsZero())

	_, err = ReadStats(ctx, env.js, StreamConfig{Name: "NOPE"})
	assert.ErrorIs(t, err, jetstream.ErrStreamNotFound)
}

// TestPublishAck tells a stored event from a duplicate, and refuses an
// invalid one as Publish does.
func TestPublishAck(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	ack, err := pub.PublishAck(ctx, violation(t, "a"))
	require.NoError(t, err)
	assert.Equal(t, Ack{Stream: DefaultStreamName, Sequence: 1}, ack)
	ack, err = pub.PublishAck(ctx, violation(t, "b"))
	require.NoError(t, err)
	assert.Equal(t, Ack{Stream: DefaultStreamName, Sequence: 2}, ack)
	ack, err = pub.PublishAck(ctx, violation(t, "a"))
	require.NoError(t, err)
	assert.Equal(t, Ack{Stream: DefaultStreamName, Sequence: 1, Duplicate: true}, ack)

	bad := violation(t, "c")
	bad.Payload = []byte(`{}`)
	ack, err = pub.PublishAck(ctx, bad)
	assert.ErrorIs(t, err, events.ErrInvalidPayload)
	assert.Zero(t, ack)
	assert.Equal(t, uint64(2), streamMsgs(t, env.js, DefaultStreamName))
}

// TestDeadLetterEvent reads the event back from a dead letter.
func TestDeadLetterEvent(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	e := sampleEvents(t)[4] // alert.fired
	seq := putDeadLetter(t, env, e, "pager", nil)
	dl, err := newDeadLetters(t, env).Get(ctx, seq)
	require.NoError(t, err)
	got, err := dl.Event()
	require.NoError(t, err)
	assert.Equal(t, e.ID, got.ID)
	assert.Equal(t, e.Type, got.Type)
	assert.Equal(t, e.Source, got.Source)
	assert.True(t, e.Timestamp.Equal(got.Timestamp))
	assert.Equal(t, string(e.Payload), string(got.Payload))
	assert.Equal(t, "pager", dl.Consumer)
	assert.Equal(t, "failed 5 deliveries: pager returned 503", dl.Reason)
	assert.Equal(t, "algoryn.events.alert.fired", dl.OriginalSubject)
	assert.Equal(t, DefaultStreamName, dl.OriginalStream)
	assert.Equal(t, uint64(1), dl.OriginalSequence)
	assert.Zero(t, dl.BodyDropped)

	// Filed under a type its ce-type disagrees with: not an event.
	seq = putDeadLetter(t, env, e, "pager", func(m *nats.Msg) { m.Subject = DefaultDeadLetterPrefix + ".run.completed" })
	dl, err = newDeadLetters(t, env).Get(ctx, seq)
	require.NoError(t, err)
	_, err = dl.Event()
	assert.ErrorIs(t, err, ErrMalformedMessage)
	assert.ErrorIs(t, err, ErrNotReplayable)
}

// TestDeadLettersConfig: zero fields take the defaults; prefixes that
// overlap or hold wildcards are refused.
func TestDeadLettersConfig(t *testing.T) {
	t.Parallel()
	cfg, err := DeadLettersConfig{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DeadLettersConfig{Stream: DefaultStreamName, Prefix: DefaultPrefix, ReplayPrefix: DefaultReplayPrefix,
		DeadLetterStream: DefaultDeadLetterStreamName, DeadLetterPrefix: DefaultDeadLetterPrefix}, cfg)
	cfg, err = DeadLettersConfig{Prefix: "acme.events"}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, "acme.events_replay", cfg.ReplayPrefix, "the default follows Prefix")

	for _, tc := range []struct {
		cfg  DeadLettersConfig
		want error
	}{
		{DeadLettersConfig{ReplayPrefix: "algoryn.events.replay"}, ErrInvalidConfig},
		{DeadLettersConfig{ReplayPrefix: "algoryn"}, ErrInvalidConfig},
		{DeadLettersConfig{ReplayPrefix: "algoryn.dlq.replay"}, ErrInvalidConfig},
		{DeadLettersConfig{ReplayPrefix: "algoryn.*"}, ErrInvalidSubject},
		{DeadLettersConfig{DeadLetterPrefix: "algoryn.events_replay"}, ErrInvalidConfig},
	} {
		_, err := NewDeadLetters(jetstream.JetStream(nil), tc.cfg)
		assert.ErrorIs(t, err, ErrInvalidConfig, "nil JetStream")
		_, err = tc.cfg.withDefaults()
		assert.ErrorIs(t, err, tc.want, "%+v", tc.cfg)
		_, err = StreamConfig{ReplayPrefix: tc.cfg.ReplayPrefix, DeadLetterPrefix: tc.cfg.DeadLetterPrefix}.withDefaults()
		assert.ErrorIs(t, err, tc.want, "StreamConfig %+v", tc.cfg)
		_, err = ConsumerConfig{Durable: "d", ReplayPrefix: tc.cfg.ReplayPrefix, DeadLetterPrefix: tc.cfg.DeadLetterPrefix}.withDefaults()
		assert.ErrorIs(t, err, tc.want, "ConsumerConfig %+v", tc.cfg)
	}
}
