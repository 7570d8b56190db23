package eventoutbox

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenRefusesBadStores: a store that cannot be used fails at Open
// with the path and the cause.
func TestOpenRefusesBadStores(t *testing.T) {
	dir := t.TempDir()
	notSQLite := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notSQLite, []byte("these are my notes, not a database; they go on for a while to fill a header\n"), 0o600))
	for _, tc := range []struct {
		name, path, cause string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "outbox.db"), "unable to open database file"},
		{"a directory", dir, "is a directory"},
		{"not an SQLite file", notSQLite, "file is not a database"},
		{"empty path", "", "the path is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Open(tc.path)
			require.Error(t, err)
			assert.Nil(t, o)
			assert.ErrorIs(t, err, ErrOpen)
			assert.Contains(t, err.Error(), tc.path)
			assert.Contains(t, err.Error(), tc.cause)
		})
	}
	data, err := os.ReadFile(notSQLite)
	require.NoError(t, err)
	assert.Contains(t, string(data), "these are my notes", "a file that is not SQLite is left as it was")
}

// TestOpenWithoutPermission: a file the process may not write is refused
// at Open. Root may write anything, so this runs only as another user.
func TestOpenWithoutPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which file permissions do not stop")
	}
	dir := filepath.Join(t.TempDir(), "locked")
	require.NoError(t, os.Mkdir(dir, 0o500))
	path := filepath.Join(dir, "outbox.db")
	_, err := Open(path)
	require.ErrorIs(t, err, ErrOpen)
	assert.Contains(t, err.Error(), path)
}

// TestOpenRefusesNewerSchema: a store migrated by a newer version of the
// package is refused, on every store, and left untouched.
func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path)
	require.NoError(t, err)
	_, err = o.DB().Exec("INSERT INTO eventoutbox_schema (version) VALUES (?)", SchemaVersion+1)
	require.NoError(t, err)
	require.NoError(t, o.Close())

	_, err = Open(path)
	require.ErrorIs(t, err, ErrSchemaTooNew)
	assert.ErrorIs(t, err, ErrOpen)
	assert.Contains(t, err.Error(), path)
	assert.Contains(t, err.Error(), "schema version 2, this package knows up to 1")

	t.Run("postgres", func(t *testing.T) {
		dsn := freshPostgresDSN(t)
		o, err := OpenPostgres(dsn)
		require.NoError(t, err)
		_, err = o.DB().Exec("INSERT INTO eventoutbox_schema (version) VALUES ($1)", SchemaVersion+1)
		require.NoError(t, err)
		require.NoError(t, o.Close())
		_, err = OpenPostgres(dsn)
		require.ErrorIs(t, err, ErrSchemaTooNew)
		assert.Contains(t, err.Error(), "postgres ")
	})
}

// TestOpenPostgresRefusesBadDSN: an unreachable server and a DSN that
// does not parse fail at Open, without the password in the error.
func TestOpenPostgresRefusesBadDSN(t *testing.T) {
	_, err := OpenPostgres("postgres://me:secret@127.0.0.1:1/nowhere?connect_timeout=2")
	require.ErrorIs(t, err, ErrOpen)
	assert.Contains(t, err.Error(), "127.0.0.1:1/nowhere")
	assert.NotContains(t, err.Error(), "secret")

	_, err = OpenPostgres("postgres://me:secret@[::1")
	require.ErrorIs(t, err, ErrOpen)
	assert.NotContains(t, err.Error(), "secret")
}

// TestOpenTwiceAndReopen: several handles may share one file, and what
// was stored is there after reopening.
func TestOpenTwiceAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	a, err := Open(path)
	require.NoError(t, err)
	b, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, a.Publish(t.Context(), violation(t, 1)))
	assert.Equal(t, 1, pending(t, b))
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())

	c, err := Open(path)
	require.NoError(t, err)
	defer c.Close()
	assert.Equal(t, 1, pending(t, c))
	var mode string
	require.NoError(t, c.DB().QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)
	var sync int
	require.NoError(t, c.DB().QueryRow("PRAGMA synchronous").Scan(&sync))
	assert.Equal(t, 2, sync, "synchronous=FULL")
}
