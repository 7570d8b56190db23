package eventnats

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartEmbeddedNeedsStoreDir(t *testing.T) {
	_, err := StartEmbedded(EmbeddedConfig{})
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

// TestEmbeddedKeepsStreamsAcrossRestart: a server started on the store
// of a stopped one finds its stream and messages.
func TestEmbeddedKeepsStreamsAcrossRestart(t *testing.T) {
	env := newEnv(t)
	require.NoError(t, env.publisher(t).Publish(context.Background(), violation(t, "kept")))
	assert.Contains(t, env.srv.URL(), "nats://127.0.0.1:")
	env.nc.Close()
	env.srv.Shutdown()

	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: env.dir})
	require.NoError(t, err)
	t.Cleanup(srv.Shutdown)
	_, js := connect(t, srv.URL())
	assert.EqualValues(t, 1, streamMsgs(t, js, DefaultStreamName))

	// EnsureStream on an existing stream updates it and keeps the data.
	_, err = EnsureStream(context.Background(), js, StreamConfig{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, streamMsgs(t, js, DefaultStreamName))
}
