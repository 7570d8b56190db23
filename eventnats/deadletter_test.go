package eventnats

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deadLetters returns the messages in the dead-letter stream.
func deadLetters(t *testing.T, js jetstream.JetStream) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx := context.Background()
	s, err := js.Stream(ctx, DefaultDeadLetterStreamName)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// TestPoisonMessageDeadLettered puts malformed messages on event subjects
// by hand; each lands in the dead-letter stream at once with its reason,
// and the good events around them are still handled.
func TestPoisonMessageDeadLettered(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	require.NoError(t, pub.Publish(ctx, violation(t, "before")))

	good, err := NewMsg(DefaultPrefix, violation(t, "template"))
	require.NoError(t, err)
	poison := func(mutate func(m *nats.Msg)) {
		m := &nats.Msg{Subject: good.Subject, Header: nats.Header{}, Data: append([]byte(nil), good.Data...)}
		for k, v := range good.Header {
			m.Header[k] = v
		}
		m.Header.Del(nats.MsgIdHdr)
		mutate(m)
		_, err := env.js.PublishMsg(ctx, m)
		require.NoError(t, err)
	}
	poison(func(m *nats.Msg) { m.Data = []byte("\x00\xffnot json at all") })                                   // bytes that are not a payload
	poison(func(m *nats.Msg) { m.Header = nil })                                                               // no headers at all
	poison(func(m *nats.Msg) { m.Header.Set(HeaderTime, "yesterday") })                                        // bad time
	poison(func(m *nats.Msg) { m.Header.Set(HeaderType, "io.algoryn.run.completed") })                         // subject and type disagree
	poison(func(m *nats.Msg) { m.Data = []byte(`{"Service":"checkout"}`) })                                    // valid JSON, invalid payload
	poison(func(m *nats.Msg) { m.Subject = "algoryn.events.no_such.type"; m.Header.Set(HeaderType, "bogus") }) // unknown ce-type prefix
	require.NoError(t, pub.Publish(ctx, violation(t, "after")))

	rec := &recorder{}
	c := env.consumer(t, ConsumerConfig{})
	stop := run(t, c, rec)
	require.Eventually(t, func() bool { return rec.count() >= 2 && c.Stats().DeadLettered >= 6 }, waitFor, 10*time.Millisecond)
	stop()

	var ids []string
	for _, e := range rec.events() {
		ids = append(ids, e.ID)
	}
	assert.Equal(t, []string{"before", "after"}, ids, "the events around the poison are handled")

	dl := deadLetters(t, env.js)
	require.Len(t, dl, 6)
	wantReason := []string{"invalid", "malformed: eventnats: malformed message: missing header ce-specversion", "malformed", "malformed", "invalid", "malformed"}
	// The bytes are neither JSON nor UTF-8; which the events package
	// reports first is its business: "Payload: must be" covers both.
	wantDetail := []string{"Payload: must be ", "", "ce-time", "does not match", "Description: required", "does not start with"}
	for i, m := range dl {
		if i == 0 || i == 4 {
			assert.Equal(t, "algoryn.dlq.threshold.violated", m.Subject)
		}
		reason := m.Header.Get(HeaderDLQReason)
		assert.Contains(t, reason, wantReason[i], "dead letter %d", i)
		assert.Contains(t, reason, wantDetail[i], "dead letter %d", i)
		assert.Equal(t, "1", m.Header.Get(HeaderDLQDeliveries), "dead-lettered on first delivery")
		assert.Equal(t, "test", m.Header.Get(HeaderDLQConsumer))
		assert.Equal(t, DefaultStreamName, m.Header.Get(HeaderDLQStream))
		assert.NotEmpty(t, m.Header.Get(HeaderDLQSequence))
	}
	assert.Equal(t, "algoryn.dlq.no_such.type", dl[5].Subject)
	assert.Equal(t, "algoryn.events.no_such.type", dl[5].Header.Get(HeaderDLQSubject))
	assert.Equal(t, "\x00\xffnot json at all", string(dl[0].Data), "the dead letter keeps the original bytes")
	assert.Equal(t, "template", dl[0].Header.Get(HeaderID), "CloudEvents headers are kept")

	// The poison is terminated: a new run of the consumer sees nothing.
	rec2 := &recorder{}
	c2 := env.consumer(t, ConsumerConfig{})
	stop2 := run(t, c2, rec2)
	require.NoError(t, pub.Publish(ctx, violation(t, "marker")))
	require.Eventually(t, func() bool { return rec2.count() >= 1 }, waitFor, 10*time.Millisecond)
	stop2()
	assert.Equal(t, "marker", rec2.events()[0].ID)
	assert.Zero(t, c2.Stats().DeadLettered)
}

// TestMaxDeliverDeadLetters: a handler that always fails is tried
// MaxDeliver times, then the event is dead-lettered with its last error.
func TestMaxDeliverDeadLetters(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	require.NoError(t, pub.Publish(ctx, violation(t, "doomed")))
	require.NoError(t, pub.Publish(ctx, violation(t, "fine")))

	var calls = map[string]int{}
	h := events.HandlerFunc(func(_ context.Context, e events.Event) error {
		calls[e.ID]++ // one worker: no race
		if e.ID == "doomed" {
			return errors.New("pager service returned 503")
		}
		return nil
	})
	c := env.consumer(t, ConsumerConfig{MaxDeliver: 3})
	stop := run(t, c, h)
	require.Eventually(t, func() bool { return c.Stats().DeadLettered == 1 && c.Stats().Handled == 1 }, waitFor, 10*time.Millisecond)
	stop()
	assert.Equal(t, 3, calls["doomed"])
	assert.Equal(t, 1, calls["fine"])

	dl := deadLetters(t, env.js)
	require.Len(t, dl, 1)
	assert.Equal(t, "algoryn.dlq.threshold.violated", dl[0].Subject)
	assert.Equal(t, "3", dl[0].Header.Get(HeaderDLQDeliveries))
	assert.Equal(t, "failed 3 deliveries: pager service returned 503", dl[0].Header.Get(HeaderDLQReason))
	assert.Equal(t, "doomed", dl[0].Header.Get(HeaderID))
}

// TestRouterRefusalDeadLettersAtOnce: an event of a type the consumer
// asked for (ConsumerConfig.Types) that no Router handler takes, and an
// error made with events.Permanent, are dead-lettered without retries; a panicking handler
// is retried like an error.
func TestRouterRefusalDeadLettersAtOnce(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	pub := env.publisher(t)
	for _, e := range sampleEvents(t)[:2] { // run.completed, service.registered
		require.NoError(t, pub.Publish(ctx, e))
	}
	require.NoError(t, pub.Publish(ctx, violation(t, "panics")))

	r := events.NewRouter()
	events.Handle(r, func(context.Context, events.Event, events.RunCompletedPayload) error {
		return events.Permanent(errors.New("run belongs to a deleted project"))
	})
	panicked := 0
	events.Handle(r, func(context.Context, events.Event, events.ThresholdViolatedPayload) error {
		panicked++
		panic("boom")
	})
	c := env.consumer(t, ConsumerConfig{MaxDeliver: 2, Types: []events.EventType{
		events.EventTypeRunCompleted, events.EventTypeServiceRegistered, events.EventTypeThresholdViolated}})
	stop := run(t, c, r)
	require.Eventually(t, func() bool { return c.Stats().DeadLettered == 3 }, waitFor, 10*time.Millisecond)
	stop()
	assert.Equal(t, 2, panicked)

	dl := deadLetters(t, env.js)
	require.Len(t, dl, 3)
	bySubject := map[string]*jetstream.RawStreamMsg{}
	for _, m := range dl {
		bySubject[m.Subject] = m
	}
	run := bySubject["algoryn.dlq.run.completed"]
	require.NotNil(t, run)
	assert.Equal(t, "rejected: run belongs to a deleted project", run.Header.Get(HeaderDLQReason))
	assert.Equal(t, "1", run.Header.Get(HeaderDLQDeliveries))
	reg := bySubject["algoryn.dlq.service.registered"]
	require.NotNil(t, reg)
	assert.Equal(t, `rejected: no handler for "service.registered"`, reg.Header.Get(HeaderDLQReason))
	viol := bySubject["algoryn.dlq.threshold.violated"]
	require.NotNil(t, viol)
	assert.Contains(t, viol.Header.Get(HeaderDLQReason), "failed 2 deliveries: eventnats: handler panicked: boom")
	assert.Equal(t, "2", viol.Header.Get(HeaderDLQDeliveries))
}

// TestRouterInvalidPayloadDeadLettered: with a Router as handler (which
// validates for the Consumer) an invalid payload is still dead-lettered
// on its first delivery as invalid, and valid events are handled.
func TestRouterInvalidPayloadDeadLettered(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	good := violation(t, "good")
	m, err := NewMsg(DefaultPrefix, good)
	require.NoError(t, err)
	m.Header.Set(HeaderID, "bad")
	m.Header.Del(nats.MsgIdHdr)
	m.Data = []byte(`{"Service":"checkout","Actual":"high"}`)
	_, err = env.js.PublishMsg(ctx, m)
	require.NoError(t, err)
	require.NoError(t, env.publisher(t).Publish(ctx, good))

	var handled []string
	r := events.NewRouter()
	events.Handle(r, func(_ context.Context, e events.Event, _ events.ThresholdViolatedPayload) error {
		handled = append(handled, e.ID)
		return nil
	})
	c := env.consumer(t, ConsumerConfig{})
	stop := run(t, c, r)
	require.Eventually(t, func() bool { st := c.Stats(); return st.Handled == 1 && st.DeadLettered == 1 }, waitFor, 10*time.Millisecond)
	stop()
	assert.Equal(t, []string{"good"}, handled)
	dl := deadLetters(t, env.js)
	require.Len(t, dl, 1)
	assert.Contains(t, dl[0].Header.Get(HeaderDLQReason), "invalid: events: invalid payload (threshold.violated): Actual: must be a JSON number")
	assert.Equal(t, "1", dl[0].Header.Get(HeaderDLQDeliveries))
}
