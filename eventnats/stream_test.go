package eventnats

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnsureStreamDefaults checks the documented defaults on the server.
func TestEnsureStreamDefaults(t *testing.T) {
	env := newEnv(t) // calls EnsureStream with the zero StreamConfig
	ctx := context.Background()
	s, err := env.js.Stream(ctx, DefaultStreamName)
	require.NoError(t, err)
	cfg := s.CachedInfo().Config
	assert.Equal(t, []string{"algoryn.events.>"}, cfg.Subjects)
	assert.Equal(t, jetstream.FileStorage, cfg.Storage)
	assert.Equal(t, 2*time.Minute, cfg.Duplicates)
	assert.Equal(t, 7*24*time.Hour, cfg.MaxAge)
	assert.Equal(t, 1, cfg.Replicas)
	assert.Equal(t, jetstream.LimitsPolicy, cfg.Retention)

	d, err := env.js.Stream(ctx, DefaultDeadLetterStreamName)
	require.NoError(t, err)
	dcfg := d.CachedInfo().Config
	assert.Equal(t, []string{"algoryn.dlq.>"}, dcfg.Subjects)
	assert.Equal(t, jetstream.FileStorage, dcfg.Storage)
	assert.Equal(t, 30*24*time.Hour, dcfg.MaxAge)

	// Updating with other values changes the stream in place.
	_, err = EnsureStream(ctx, env.js, StreamConfig{MaxAge: time.Hour, Duplicates: time.Minute})
	require.NoError(t, err)
	s, err = env.js.Stream(ctx, DefaultStreamName)
	require.NoError(t, err)
	assert.Equal(t, time.Hour, s.CachedInfo().Config.MaxAge)
	assert.Equal(t, time.Minute, s.CachedInfo().Config.Duplicates)

	// A replica count the single server cannot hold is refused by it.
	_, err = EnsureStream(ctx, env.js, StreamConfig{Name: "R3", Prefix: "r3.events", DeadLetterName: "R3_DLQ", DeadLetterPrefix: "r3.dlq", Replicas: 3})
	assert.Error(t, err)
}

func TestStreamConfigRefusesOverlappingPrefixes(t *testing.T) {
	for _, c := range []StreamConfig{
		{Prefix: "algoryn", DeadLetterPrefix: "algoryn.dlq"},
		{Prefix: "algoryn.events", DeadLetterPrefix: "algoryn.events"},
		{Prefix: "algoryn.events", DeadLetterPrefix: "algoryn.events.dlq"},
	} {
		_, err := c.withDefaults()
		assert.ErrorIs(t, err, ErrInvalidConfig, "%+v", c)
	}
	_, err := StreamConfig{Prefix: "a.*"}.withDefaults()
	assert.ErrorIs(t, err, ErrInvalidSubject)
	c, err := StreamConfig{}.withDefaults()
	require.NoError(t, err)
	assert.Equal(t, DefaultDuplicates, c.Duplicates)
	assert.Equal(t, 1, c.Replicas)
}
