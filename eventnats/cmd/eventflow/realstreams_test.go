package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEventflowLeavesRealStreamsAlone runs the demo against a broker that
// already has the real streams: it publishes into its own streams only
// and does not reconfigure the real ones.
func TestEventflowLeavesRealStreamsAlone(t *testing.T) {
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	nc, err := nats.Connect(srv.URL())
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = eventnats.EnsureStream(ctx, js, eventnats.StreamConfig{MaxAge: 48 * time.Hour})
	require.NoError(t, err)

	var out, errOut bytes.Buffer
	code := run([]string{"--nats", srv.URL(), "--poison"}, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &out, &errOut)

	for name, maxAge := range map[string]time.Duration{
		eventnats.DefaultStreamName:           48 * time.Hour,
		eventnats.DefaultDeadLetterStreamName: eventnats.DefaultDeadLetterMaxAge,
	} {
		s, err := js.Stream(ctx, name)
		require.NoError(t, err)
		info, err := s.Info(ctx)
		require.NoError(t, err)
		assert.Zero(t, info.State.Msgs, name)
		assert.Equal(t, maxAge, info.Config.MaxAge, name)
	}
	for name, want := range map[string]uint64{demoStream: 8, demoDLQStream: 2} { // 7 events and the poison; its 2 dead letters
		s, err := js.Stream(ctx, name)
		require.NoError(t, err)
		info, err := s.Info(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, info.State.Msgs, name)
	}
}
