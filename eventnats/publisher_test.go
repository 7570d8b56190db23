package eventnats

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRoundTripAllTypes publishes one event of each type and checks the
// stored message's subject, headers and body, and the event the consumer
// hands over.
func TestRoundTripAllTypes(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	sent := sampleEvents(t)
	for _, e := range sent {
		require.NoError(t, pub.Publish(ctx, e))
	}

	stream, err := env.js.Stream(ctx, DefaultStreamName)
	require.NoError(t, err)
	wantSubject := map[events.EventType]string{
		events.EventTypeRunCompleted: "checkout", events.EventTypeServiceRegistered: "checkout",
		events.EventTypeServiceDeregistered: "checkout", events.EventTypeThresholdViolated: "checkout",
		events.EventTypeAlertFired: "checkout",
	}
	for i, e := range sent {
		raw, err := stream.GetMsg(ctx, uint64(i+1))
		require.NoError(t, err)
		assert.Equal(t, "algoryn.events."+string(e.Type), raw.Subject)
		h := raw.Header
		assert.Equal(t, "1.0", h.Get("ce-specversion"))
		assert.Equal(t, e.ID, h.Get("ce-id"))
		assert.Equal(t, e.Source, h.Get("ce-source"))
		assert.Equal(t, "io.algoryn."+string(e.Type), h.Get("ce-type"))
		assert.Equal(t, "2026-05-01T12:00:00.123456789Z", h.Get("ce-time"))
		assert.Equal(t, wantSubject[e.Type], h.Get("ce-subject"))
		assert.Equal(t, "application/json", h.Get("content-type"))
		assert.Equal(t, e.ID, h.Get("Nats-Msg-Id"))
		assert.JSONEq(t, string(e.Payload), string(raw.Data))
	}

	rec := &recorder{}
	run(t, env.consumer(t, ConsumerConfig{}), rec)
	require.Eventually(t, func() bool { return rec.count() >= len(sent) }, waitFor, 10*time.Millisecond)
	got := rec.events()
	require.Len(t, got, len(sent))
	for i := range sent {
		assert.Equal(t, sent[i].ID, got[i].ID)
		assert.Equal(t, sent[i].Type, got[i].Type)
		assert.Equal(t, sent[i].Source, got[i].Source)
		assert.True(t, sent[i].Timestamp.Equal(got[i].Timestamp), "timestamp %v != %v", sent[i].Timestamp, got[i].Timestamp)
		assert.Equal(t, string(sent[i].Payload), string(got[i].Payload))
		p1, err := events.DecodePayload(sent[i])
		require.NoError(t, err)
		p2, err := events.DecodePayload(got[i])
		require.NoError(t, err)
		assert.Equal(t, p1, p2)
	}
}

func TestPublishRefusesInvalidEventBeforeSending(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()

	good := violation(t, "id-1")
	bad := []events.Event{
		{},
		{ID: "x", Type: "run.*", Source: "pulse", Timestamp: t0, Payload: []byte(`{}`)},
		{ID: "x", Type: "run completed", Source: "pulse", Timestamp: t0, Payload: []byte(`{}`)},
		{ID: "x", Type: events.EventTypeRunCompleted, Source: "pulse", Timestamp: t0, Payload: []byte(`{"RunID":""}`)},
		{ID: "x", Type: events.EventTypeRunCompleted, Source: "pulse", Timestamp: t0, Payload: []byte(`not json`)},
	}
	// A valid payload in a bad envelope: the Publisher checks the
	// envelope apart from the payload, so cover each envelope field.
	run := sampleEvents(t)[0]
	for _, mutate := range []func(*events.Event){
		func(e *events.Event) { e.ID = "" },
		func(e *events.Event) { e.Source = "" },
		func(e *events.Event) { e.Timestamp = time.Time{} },
		func(e *events.Event) { e.ID = "bad\xff" },
		func(e *events.Event) { e.Payload = append(append([]byte(nil), e.Payload...), " x"...) },
	} {
		e := run
		mutate(&e)
		bad = append(bad, e)
	}
	for _, e := range bad {
		err := pub.Publish(ctx, e)
		require.Error(t, err, "%+v", e)
		assert.True(t, errors.Is(err, events.ErrInvalidEvent) || errors.Is(err, events.ErrInvalidPayload), "%v", err)
		assert.NotErrorIs(t, err, ErrPublish)
		// Exactly the events package's own error.
		verr := e.Validate()
		require.Error(t, verr, "%+v", e)
		assert.Equal(t, "eventnats: refusing to publish: "+verr.Error(), err.Error())
		assert.ErrorIs(t, pub.PublishBatch(ctx, []events.Event{e}), events.ErrInvalidEvent)
	}
	assert.Zero(t, streamMsgs(t, env.js, DefaultStreamName))

	_, err := NewPublisher(env.js, PublisherConfig{Prefix: "algoryn.>"})
	assert.ErrorIs(t, err, ErrInvalidSubject)

	require.NoError(t, pub.Publish(ctx, good))
	assert.EqualValues(t, 1, streamMsgs(t, env.js, DefaultStreamName))
}

// TestPublishDuplicateDeliveredOnce publishes the same event twice within
// the duplicate window; the stream stores it once and the consumer
// handles it once.
func TestPublishDuplicateDeliveredOnce(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	e := violation(t, "dup-1")
	require.NoError(t, pub.Publish(ctx, e))
	require.NoError(t, pub.Publish(ctx, e))
	require.NoError(t, pub.PublishBatch(ctx, []events.Event{e, e}))
	marker := violation(t, "after-dup")
	require.NoError(t, pub.Publish(ctx, marker))
	assert.EqualValues(t, 2, streamMsgs(t, env.js, DefaultStreamName))

	rec := &recorder{}
	c := env.consumer(t, ConsumerConfig{})
	run(t, c, rec)
	require.Eventually(t, func() bool { return rec.count() >= 2 }, waitFor, 10*time.Millisecond)
	// The marker was published last: once it is handled, a second copy
	// of the duplicate would have been handled before it.
	got := rec.events()
	require.Len(t, got, 2)
	assert.Equal(t, "dup-1", got[0].ID)
	assert.Equal(t, "after-dup", got[1].ID)
}

func TestPublishBatch(t *testing.T) {
	env := newEnv(t)
	pub := env.publisher(t)
	ctx := context.Background()
	evs := make([]events.Event, 0, 500)
	for range 500 {
		e, err := events.New(events.SourceRelay, events.ThresholdViolatedPayload{Service: "s", Description: "d", Actual: 2, Limit: 1})
		require.NoError(t, err)
		evs = append(evs, e)
	}
	require.NoError(t, pub.PublishBatch(ctx, evs))
	assert.EqualValues(t, 500, streamMsgs(t, env.js, DefaultStreamName))

	// One invalid event in a batch is reported with its index; the
	// valid ones are sent.
	e1, e2 := violation(t, "b-1"), violation(t, "b-2")
	bad := events.Event{ID: "b-bad", Type: events.EventTypeRunCompleted, Source: "pulse", Timestamp: t0, Payload: []byte(`{}`)}
	err := pub.PublishBatch(ctx, []events.Event{e1, bad, e2})
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.Total)
	require.Len(t, be.Failures, 1)
	assert.Equal(t, 1, be.Failures[0].Index)
	assert.Equal(t, "b-bad", be.Failures[0].ID)
	assert.ErrorIs(t, err, events.ErrInvalidPayload)
	assert.EqualValues(t, 502, streamMsgs(t, env.js, DefaultStreamName))
}

// TestPublishNoStream reports a subject no stream takes (here: a Prefix
// other than the streams') as a publish failure for every event of a
// batch, matching ErrNoStream.
func TestPublishNoStream(t *testing.T) {
	env := newEnv(t)
	pub, err := NewPublisher(env.js, PublisherConfig{Prefix: "nobody.listens", Timeout: 2 * time.Second})
	require.NoError(t, err)
	ctx := context.Background()
	err = pub.Publish(ctx, violation(t, "n-1"))
	assert.ErrorIs(t, err, ErrPublish)
	assert.ErrorIs(t, err, ErrNoStream)
	assert.ErrorIs(t, err, jetstream.ErrNoStreamResponse)
	assert.Contains(t, err.Error(), "nobody.listens.threshold.violated")

	err = pub.PublishBatch(ctx, []events.Event{violation(t, "n-2"), violation(t, "n-3")})
	var be *BatchError
	require.ErrorAs(t, err, &be)
	assert.Len(t, be.Failures, 2)
	assert.ErrorIs(t, err, ErrPublish)
	assert.ErrorIs(t, err, ErrNoStream)
}

// TestPublishBrokerDown stops the server and checks that Publish and
// PublishBatch return a clear error in bounded time instead of hanging.
func TestPublishBrokerDown(t *testing.T) {
	env := newEnv(t)
	pub, err := NewPublisher(env.js, PublisherConfig{Timeout: time.Second})
	require.NoError(t, err)
	env.srv.Shutdown()
	require.Eventually(t, func() bool { return !env.nc.IsConnected() }, waitFor, 10*time.Millisecond)

	done := make(chan error, 1)
	go func() { done <- pub.Publish(context.Background(), violation(t, "down-1")) }()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrPublish)
		assert.ErrorIs(t, err, ErrBrokerUnavailable)
		assert.Contains(t, err.Error(), "broker unavailable")
	case <-time.After(waitFor):
		t.Fatal("Publish hung with the broker down")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	go func() { done <- pub.PublishBatch(ctx, []events.Event{violation(t, "down-2"), violation(t, "down-3")}) }()
	select {
	case err := <-done:
		var be *BatchError
		require.ErrorAs(t, err, &be)
		assert.Len(t, be.Failures, 2)
		assert.ErrorIs(t, err, ErrBrokerUnavailable)
	case <-time.After(waitFor):
		t.Fatal("PublishBatch hung with the broker down")
	}
}

// TestBrokerDownSetupCalls: stream and consumer setup against a stopped
// server fail with ErrBrokerUnavailable in bounded time, and a running
// Consumer still stops promptly when its context is cancelled.
func TestBrokerDownSetupCalls(t *testing.T) {
	env := newEnv(t)
	c := env.consumer(t, ConsumerConfig{})
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, rec) }()

	env.srv.Shutdown()
	require.Eventually(t, func() bool { return !env.nc.IsConnected() }, waitFor, 10*time.Millisecond)

	sctx, scancel := context.WithTimeout(context.Background(), time.Second)
	defer scancel()
	_, err := EnsureStream(sctx, env.js, StreamConfig{})
	assert.ErrorIs(t, err, ErrBrokerUnavailable)
	cctx, ccancel := context.WithTimeout(context.Background(), time.Second)
	defer ccancel()
	_, err = NewConsumer(cctx, env.js, ConsumerConfig{Durable: "late"})
	assert.ErrorIs(t, err, ErrBrokerUnavailable)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("Run did not return after cancel with the broker down")
	}
}
