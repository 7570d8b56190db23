package eventoutbox

import "errors"

// Sentinel errors. Errors returned by this package start with
// "eventoutbox:" and wrap one of them (and the underlying database or
// events error, where there is one) with %w, so callers test them with
// [errors.Is].
var (
	// ErrOpen means a store could not be opened: the path's directory does
	// not exist, the file cannot be read or written, it is not an SQLite
	// database, the PostgreSQL server is unreachable, or its schema cannot
	// be created. The error names the path (or the PostgreSQL host) and the
	// cause.
	ErrOpen = errors.New("eventoutbox: cannot open store")

	// ErrSchemaTooNew means the store was created or migrated by a newer
	// version of this package: this version does not know its schema and
	// refuses to touch it. Errors matching it match [ErrOpen] too.
	ErrSchemaTooNew = errors.New("eventoutbox: store schema is newer than this version")

	// ErrNotStored means an event could not be written: the database
	// refused the insert or the commit failed (disk full, failed fsync,
	// the file removed or read-only). The event is not in the outbox;
	// publishing it again is safe.
	ErrNotStored = errors.New("eventoutbox: event not stored")

	// ErrClosed means the [Outbox] was closed before the call.
	ErrClosed = errors.New("eventoutbox: outbox closed")

	// ErrInvalidConfig means a field of a [ForwarderConfig] has a value
	// that cannot work, such as a nil Target or a negative duration.
	ErrInvalidConfig = errors.New("eventoutbox: invalid configuration")
)
