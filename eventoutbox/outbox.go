package eventoutbox

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/algoryn/events"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, pure Go
)

// openTimeout bounds connecting to and migrating a store in Open and
// OpenPostgres.
const openTimeout = 30 * time.Second

// Outbox is a durable store of events waiting to be forwarded: an
// [events.Publisher] that returns once the event is on disk, [Outbox.Add]
// for writing an event inside the caller's own transaction, and the queue
// a [Forwarder] reads. It is safe for concurrent use by many goroutines,
// and several processes may open the same store.
//
// Make one with [Open] (SQLite) or [OpenPostgres]; the zero value is not
// usable. Close it when done.
type Outbox struct {
	db    *sql.DB
	fwd   *sql.DB // the forwarders' pool: on SQLite, synchronous=NORMAL (see openSQLite)
	d     dialect
	where string // the store, for errors: a path or a PostgreSQL address

	writes     chan writeRequest // to the group-commit writer
	marks      chan writeRequest // forwarders' deletions, to the same writer (SQLite)
	closing    chan struct{}     // closed by Close
	writerDone chan struct{}
	closeOnce  sync.Once
	closeErr   error
	commits    atomic.Uint64 // group commits attempted, for tests

	// writeMu serialises this process's writes to an SQLite file, so that
	// they queue here instead of in SQLite's busy handler, which sleeps
	// for milliseconds at a time.
	writeMu sync.Mutex

	mu     sync.Mutex
	stored chan struct{} // closed, and replaced, after each commit of Publish
}

// Open opens, or creates, the SQLite outbox in the file at path: the
// embedded default, no database server needed. The file is put in WAL mode
// with synchronous=FULL, so that a commit is on disk (fsync'd) before
// [Outbox.Publish] returns, and its schema is created or migrated to
// [SchemaVersion].
//
// Open fails, with an error matching [ErrOpen] that names path and the
// cause, when the file cannot be created or opened (a missing directory,
// no permission, a directory), is not an SQLite database, or was made by a
// newer version of this package (then it matches [ErrSchemaTooNew] too).
func Open(path string) (*Outbox, error) {
	return openSQLite(path)
}

// openSQLite is Open, with extra pragmas for tests ("max_page_count(8)").
func openSQLite(path string, pragmas ...string) (*Outbox, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: the path is empty", ErrOpen)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%w %s: is a directory, not a file", ErrOpen, path)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate") // take the write lock at BEGIN: no deadlock between writers
	file := "file:" + (&url.URL{Path: path}).EscapedPath() + "?"
	o, err := openDB("sqlite", file+q.Encode(), sqliteDialect, path)
	if err != nil {
		return nil, err
	}
	// The forwarders' marks need no fsync of their own: a mark lost in a
	// power cut only makes the event go out again, and the next commit of
	// Publish (FULL) syncs the log with it. Sparing that fsync leaves the
	// disk to Publish.
	q.Del("_pragma")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if o.fwd, err = sql.Open("sqlite", file+q.Encode()); err != nil {
		o.Close()
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, path, err)
	}
	return o, nil
}

// OpenPostgres opens the outbox in the PostgreSQL database at dsn, a URL
// ("postgres://user:pass@host:5432/db") or keyword/value string as pgx
// reads it, through database/sql and the pgx driver. Its tables
// (eventoutbox_*) are created or migrated to [SchemaVersion] in the
// connection's default schema; the migrations ship in this module.
//
// Errors match [ErrOpen] and name the server and database (never the
// password): a DSN that does not parse, a server that does not answer, or
// a schema from a newer version of this package ([ErrSchemaTooNew]).
func OpenPostgres(dsn string) (*Outbox, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: the PostgreSQL DSN does not parse: %w", ErrOpen, err)
	}
	where := fmt.Sprintf("postgres %s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	return openDB("pgx", dsn, postgresDialect, where)
}

func openDB(driver, dsn string, d dialect, where string) (*Outbox, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, where, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w %s: %w", ErrOpen, where, err)
	}
	if err := migrate(ctx, db, d, where); err != nil {
		db.Close()
		return nil, err
	}
	o := &Outbox{
		db: db, fwd: db, d: d, where: where,
		writes:     make(chan writeRequest),
		marks:      make(chan writeRequest, 16),
		closing:    make(chan struct{}),
		writerDone: make(chan struct{}),
		stored:     make(chan struct{}),
	}
	go o.writer()
	return o, nil
}

// DB returns the database the outbox lives in, for the caller's own
// tables and transactions: begin a transaction on it, change your state,
// call [Outbox.Add] and commit. With SQLite this is how a tool keeps its
// state and its events in one file.
func (o *Outbox) DB() *sql.DB { return o.db }

// Close waits for the events being stored, then closes the database.
// Publish and Add after Close fail with [ErrClosed]; stop the forwarders
// first. Close is idempotent.
func (o *Outbox) Close() error {
	o.closeOnce.Do(func() {
		close(o.closing)
		<-o.writerDone
		if o.fwd != o.db {
			o.fwd.Close()
		}
		o.closeErr = o.db.Close()
	})
	return o.closeErr
}

// Pending returns how many events wait to be forwarded: stored, not yet
// confirmed by the target, not refused.
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	var n int
	if err := o.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM eventoutbox_events").Scan(&n); err != nil {
		return 0, fmt.Errorf("eventoutbox: counting pending events in %s: %w", o.where, err)
	}
	return n, nil
}

// lockWrites takes the SQLite write lock of this process; it returns the
// function that releases it. On PostgreSQL it does nothing.
func (o *Outbox) lockWrites() (unlock func()) {
	if o.d.skipLocked {
		return func() {}
	}
	o.writeMu.Lock()
	return o.writeMu.Unlock
}

// storedSignal returns a channel closed at the next commit of Publish.
func (o *Outbox) storedSignal() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stored
}

// signalStored wakes the forwarders waiting on storedSignal.
func (o *Outbox) signalStored() {
	o.mu.Lock()
	defer o.mu.Unlock()
	close(o.stored)
	o.stored = make(chan struct{})
}

// encode validates e and returns the row Publish and Add store, or an
// error matching events.ErrInvalidEvent.
func encode(e events.Event) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, fmt.Errorf("eventoutbox: event %q refused, not stored: %w", e.ID, err)
	}
	data, err := e.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("eventoutbox: event %q refused, not stored: %w", e.ID, err)
	}
	return data, nil
}
