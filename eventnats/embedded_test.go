package eventnats

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartEmbeddedNeedsStoreDir(t *testing.T) {
	_, err := StartEmbedded(EmbeddedConfig{})
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

// TestStartEmbeddedUnusableStoreDir: a StoreDir that is a file, or lies
// under one, is reported at once, naming the path, instead of after
// ReadyTimeout as a server that is not ready.
func TestStartEmbeddedUnusableStoreDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "store")
	require.NoError(t, os.WriteFile(file, []byte("not a directory"), 0o600))
	const ready = 5 * time.Second
	for dir, cause := range map[string]string{
		file:                       "is a file, not a directory",
		filepath.Join(file, "sub"): "cannot be created",
	} {
		start := time.Now()
		srv, err := StartEmbedded(EmbeddedConfig{StoreDir: dir, ReadyTimeout: ready})
		elapsed := time.Since(start)
		if srv != nil {
			srv.Shutdown()
		}
		require.ErrorIs(t, err, ErrInvalidConfig, dir)
		assert.NotErrorIs(t, err, ErrServerNotReady)
		assert.Contains(t, err.Error(), "EmbeddedConfig.StoreDir "+dir+" "+cause)
		assert.Less(t, elapsed, ready, "reported before ReadyTimeout")
	}
}

// TestStartEmbeddedReadOnlyStoreDir: a directory the process cannot
// write to is reported at once. Root writes anywhere, so the test needs
// another user.
func TestStartEmbeddedReadOnlyStoreDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permission bits do not stop writes")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	_, err := StartEmbedded(EmbeddedConfig{StoreDir: dir, ReadyTimeout: 5 * time.Second})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorIs(t, err, fs.ErrPermission)
	assert.Contains(t, err.Error(), "EmbeddedConfig.StoreDir "+dir+" cannot be written to")
}

// TestStartEmbeddedCreatesStoreDir: a missing StoreDir is created, parents
// included.
func TestStartEmbeddedCreatesStoreDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	srv, err := StartEmbedded(EmbeddedConfig{StoreDir: dir})
	require.NoError(t, err)
	srv.Shutdown()
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	left, err := filepath.Glob(filepath.Join(dir, ".eventnats-write-check-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "the write check cleans up")
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
