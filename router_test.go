package events_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

func TestRouterDispatchesByType(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	var got []string
	events.Handle(r, func(_ context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		got = append(got, "violation:"+p.Description)
		return nil
	})
	events.Handle(r, func(_ context.Context, e events.Event, p events.ServiceRegisteredPayload) error {
		got = append(got, "registered:"+p.Address)
		return nil
	})
	ctx := context.Background()
	require.NoError(t, r.HandleEvent(ctx, mustEvent(1)))
	require.NoError(t, r.HandleEvent(ctx, mustEvent(2)))
	assert.Equal(t, []string{"violation:p99_latency < 200ms", "registered:10.0.0.7:8080"}, got)
}

func TestRouterRefusesBeforeCalling(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	called := false
	events.Handle(r, func(context.Context, events.Event, events.RunCompletedPayload) error {
		called = true
		return nil
	})
	bad := mustEvent(0)
	bad.Source = ""
	err := r.HandleEvent(context.Background(), bad)
	assert.ErrorIs(t, err, events.ErrInvalidEvent)

	badPayload := mustEvent(0)
	badPayload.Payload = []byte(`{"RunID":"r","Service":"s","Summary":{"ErrorRate":7}}`)
	err = r.HandleEvent(context.Background(), badPayload)
	assert.ErrorIs(t, err, events.ErrInvalidPayload)
	assert.Equal(t, []string{"Summary.ErrorRate/out of range"}, fieldsOf(t, err))
	assert.False(t, called)
}

func TestRouterUnknownAndFallback(t *testing.T) {
	t.Parallel()
	var r events.Router // the zero value is ready to use
	unknown := mustEvent(0)
	unknown.Type = "deploy.rolled_back"
	err := r.HandleEvent(context.Background(), unknown)
	assert.ErrorIs(t, err, events.ErrUnknownType)
	err = r.HandleEvent(context.Background(), mustEvent(0)) // known type, no handler
	assert.ErrorIs(t, err, events.ErrUnknownType)

	var seen []events.EventType
	r.Fallback(events.HandlerFunc(func(_ context.Context, e events.Event) error {
		seen = append(seen, e.Type)
		return nil
	}))
	require.NoError(t, r.HandleEvent(context.Background(), unknown))
	require.NoError(t, r.HandleEvent(context.Background(), mustEvent(0)))
	assert.Equal(t, []events.EventType{"deploy.rolled_back", events.EventTypeRunCompleted}, seen)

	invalid := mustEvent(0)
	invalid.Payload = []byte(`{"RunID":""}`)
	assert.ErrorIs(t, r.HandleEvent(context.Background(), invalid), events.ErrInvalidPayload, "the fallback gets valid events only")

	r.Fallback(nil)
	assert.ErrorIs(t, r.HandleEvent(context.Background(), unknown), events.ErrUnknownType)
}

func TestRouterReturnsHandlerError(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	boom := errors.New("boom")
	events.Handle(r, func(ctx context.Context, e events.Event, p events.AlertFiredPayload) error {
		return boom
	})
	assert.Same(t, boom, r.HandleEvent(context.Background(), mustEvent(4)))
}

func TestRouterPassesContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ServiceDeregisteredPayload) error {
		assert.Equal(t, "v", ctx.Value(key{}))
		assert.Equal(t, fixtureID(3), e.ID)
		return nil
	})
	require.NoError(t, r.HandleEvent(context.WithValue(context.Background(), key{}, "v"), mustEvent(3)))
}

func TestHandlePanicsOnMisuse(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	fn := func(context.Context, events.Event, events.RunCompletedPayload) error { return nil }
	events.Handle(r, fn)
	assert.PanicsWithValue(t, "events: Handle: a handler for run.completed is already registered", func() { events.Handle(r, fn) })
	assert.Panics(t, func() { events.Handle[events.RunCompletedPayload](nil, fn) })
	assert.Panics(t, func() { events.Handle[events.AlertFiredPayload](r, nil) })
	assert.Panics(t, func() {
		events.Handle(r, func(context.Context, events.Event, events.Payload) error { return nil })
	})
}

func TestRouterConcurrent(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	var handled atomic.Int64
	events.Handle(r, func(context.Context, events.Event, events.RunCompletedPayload) error {
		handled.Add(1)
		return nil
	})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			if w == 0 { // register while others dispatch
				events.Handle(r, func(context.Context, events.Event, events.AlertFiredPayload) error { return nil })
				r.Fallback(events.HandlerFunc(func(context.Context, events.Event) error { return nil }))
			}
			for i := 0; i < 200; i++ {
				assert.NoError(t, r.HandleEvent(context.Background(), mustEvent(0)))
			}
		}(w)
	}
	wg.Wait()
	assert.Equal(t, int64(8*200), handled.Load())
}

func TestPublisherFunc(t *testing.T) {
	t.Parallel()
	var sent []string
	var p events.Publisher = events.PublisherFunc(func(_ context.Context, e events.Event) error {
		sent = append(sent, e.ID)
		return nil
	})
	require.NoError(t, p.Publish(context.Background(), mustEvent(0)))
	assert.Equal(t, []string{fixtureID(0)}, sent)
}

func TestRouterTypes(t *testing.T) {
	t.Parallel()
	r := events.NewRouter()
	assert.Empty(t, r.Types(), "a new Router handles no type")
	assert.False(t, r.HasFallback())
	events.Handle(r, func(context.Context, events.Event, events.ThresholdViolatedPayload) error { return nil })
	events.Handle(r, func(context.Context, events.Event, events.AlertFiredPayload) error { return nil })
	events.Handle(r, func(context.Context, events.Event, *events.RunCompletedPayload) error { return nil })
	want := []events.EventType{events.EventTypeAlertFired, events.EventTypeRunCompleted, events.EventTypeThresholdViolated}
	assert.Equal(t, want, r.Types(), "sorted, pointer payloads included")
	r.Fallback(events.HandlerFunc(func(context.Context, events.Event) error { return nil }))
	assert.True(t, r.HasFallback())
	assert.Equal(t, want, r.Types(), "a fallback adds no listed type")
	r.Fallback(nil)
	assert.False(t, r.HasFallback())

	var zero events.Router
	assert.Empty(t, zero.Types(), "the zero Router is usable")
}
