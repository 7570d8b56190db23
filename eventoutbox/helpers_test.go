package eventoutbox

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/require"
)

// Environment variables set by scripts/postgres.sh.
const (
	envPostgresDSN      = "EVENTOUTBOX_POSTGRES_DSN"
	envPostgresRequired = "EVENTOUTBOX_POSTGRES_REQUIRED"
)

// store is a way to open an outbox, for tests that run on every store.
type store struct {
	name string
	open func(t *testing.T) *Outbox
}

// stores returns SQLite and PostgreSQL; see postgresDSN.
func stores() []store {
	return []store{{"sqlite", func(t *testing.T) *Outbox { return openTempSQLite(t) }}, {"postgres", openTempPostgres}}
}

func openTempSQLite(t testing.TB) *Outbox {
	t.Helper()
	o, err := Open(filepath.Join(t.TempDir(), "outbox.db"))
	require.NoError(t, err)
	t.Cleanup(func() { o.Close() })
	return o
}

// postgresDSN returns the DSN of the server scripts/postgres.sh started.
// Without one the test is skipped, unless the script said PostgreSQL is
// there (EVENTOUTBOX_POSTGRES_REQUIRED): then it fails.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envPostgresDSN)
	if dsn == "" {
		if os.Getenv(envPostgresRequired) != "" {
			t.Fatalf("%s=1 but %s is empty: PostgreSQL was promised and is missing", envPostgresRequired, envPostgresDSN)
		}
		t.Skipf("no PostgreSQL: run `eventoutbox/scripts/postgres.sh go test ./...` (from the repository root) to include these tests")
	}
	return dsn
}

var schemaSeq atomic.Int64

// freshPostgresDSN returns a DSN whose tables live in a new schema of
// their own, dropped at the end of the test.
func freshPostgresDSN(t *testing.T) string {
	t.Helper()
	dsn := postgresDSN(t)
	schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err, "PostgreSQL at %s", dsn)
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

func openTempPostgres(t *testing.T) *Outbox {
	t.Helper()
	o, err := OpenPostgres(freshPostgresDSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { o.Close() })
	return o
}

// violation returns a valid event about service svc-i.
func violation(t testing.TB, i int) events.Event {
	t.Helper()
	e, err := events.New(events.SourcePulse, events.ThresholdViolatedPayload{
		Service: fmt.Sprintf("svc-%d", i), Source: events.SourcePulse, Description: "p99_latency < 200ms", Actual: 412, Limit: 200,
	})
	require.NoError(t, err)
	return e
}

// recorder is a target that keeps what it was sent, and fails as told.
type recorder struct {
	mu       sync.Mutex
	got      []events.Event
	attempts map[string]int
	// fail, if set, decides the answer to the n-th attempt at e (from 1).
	fail func(e events.Event, n int) error
}

func (r *recorder) Publish(ctx context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.attempts == nil {
		r.attempts = map[string]int{}
	}
	r.attempts[e.ID]++
	if r.fail != nil {
		if err := r.fail(e, r.attempts[e.ID]); err != nil {
			return err
		}
	}
	r.got = append(r.got, e)
	return nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, len(r.got))
	for i, e := range r.got {
		ids[i] = e.ID
	}
	return ids
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// runForwarder runs a forwarder of o to target until the test ends.
func runForwarder(t *testing.T, o *Outbox, cfg ForwarderConfig) *Forwarder {
	t.Helper()
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = 5 * time.Millisecond
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 50 * time.Millisecond
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 20 * time.Millisecond
	}
	f, err := o.NewForwarder(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return f
}

// waitFor polls cond until it holds, failing the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 20*time.Second, 5*time.Millisecond, what)
}

func pending(t *testing.T, o *Outbox) int {
	t.Helper()
	n, err := o.Pending(context.Background())
	require.NoError(t, err)
	return n
}
