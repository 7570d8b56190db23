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
	assert.Equal(t, []string{"algoryn.events.>", "algoryn.events_replay.>"}, cfg.Subjects)
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

// TestEnsureStreamKeepsExistingSettings: on a stream set up by an
// operator, EnsureStream with the zero config changes nothing; a field
// set explicitly changes that setting only.
func TestEnsureStreamKeepsExistingSettings(t *testing.T) {
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	_, js := connect(t, srv.URL())
	ctx := context.Background()
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: DefaultStreamName, Subjects: []string{"algoryn.events.>"},
		MaxAge: time.Hour, Duplicates: 30 * time.Second, MaxMsgs: 1000})
	require.NoError(t, err)

	_, err = EnsureStream(ctx, js, StreamConfig{})
	require.NoError(t, err)
	cfg := streamConfig(t, js, DefaultStreamName)
	assert.Equal(t, time.Hour, cfg.MaxAge)
	assert.Equal(t, 30*time.Second, cfg.Duplicates)
	assert.EqualValues(t, 1000, cfg.MaxMsgs)
	assert.Equal(t, 30*24*time.Hour, streamConfig(t, js, DefaultDeadLetterStreamName).MaxAge, "the missing stream is created with the defaults")

	_, err = EnsureStream(ctx, js, StreamConfig{MaxAge: 2 * time.Hour})
	require.NoError(t, err)
	cfg = streamConfig(t, js, DefaultStreamName)
	assert.Equal(t, 2*time.Hour, cfg.MaxAge)
	assert.Equal(t, 30*time.Second, cfg.Duplicates)
	assert.EqualValues(t, 1000, cfg.MaxMsgs)
}

// TestEnsureStreamRefusesIncompatibleStream: an existing stream with
// other subjects or storage is reported, not reconfigured.
func TestEnsureStreamRefusesIncompatibleStream(t *testing.T) {
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	_, js := connect(t, srv.URL())
	ctx := context.Background()
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: DefaultStreamName, Subjects: []string{"orders.>"}})
	require.NoError(t, err)
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{Name: "MEM", Subjects: []string{"mem.events.>"}, Storage: jetstream.MemoryStorage})
	require.NoError(t, err)

	_, err = EnsureStream(ctx, js, StreamConfig{})
	assert.ErrorIs(t, err, ErrInvalidConfig)
	assert.Equal(t, []string{"orders.>"}, streamConfig(t, js, DefaultStreamName).Subjects)
	_, err = EnsureStream(ctx, js, StreamConfig{Name: "MEM", Prefix: "mem.events", DeadLetterName: "MEM_DLQ", DeadLetterPrefix: "mem.dlq"})
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

// TestMergeStreamNeverLowersReplicas: the zero config keeps a stream's
// three replicas; only an explicit Replicas changes them.
func TestMergeStreamNeverLowersReplicas(t *testing.T) {
	have := jetstream.StreamConfig{Name: "S", Subjects: []string{"algoryn.events.>"}, Replicas: 3, MaxAge: time.Hour}
	want := jetstream.StreamConfig{Name: "S", Subjects: []string{"algoryn.events.>"}, Replicas: 1, MaxAge: DefaultMaxAge, Duplicates: DefaultDuplicates}
	upd, changed, err := mergeStream(have, want, explicit{})
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, have, upd)

	upd, changed, err = mergeStream(have, want, explicit{replicas: true})
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, 1, upd.Replicas)
	assert.Equal(t, time.Hour, upd.MaxAge)
}

// streamConfig returns a stream's configuration as the server has it.
func streamConfig(t *testing.T, js jetstream.JetStream, name string) jetstream.StreamConfig {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	require.NoError(t, err)
	return s.CachedInfo().Config
}
