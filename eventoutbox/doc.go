// Package eventoutbox keeps Algoryn events (github.com/algoryn/events)
// that could not be sent yet, so that none is lost because the broker or
// the receiver was down when it happened: the transactional outbox.
//
// A tool writes each event durably into the outbox, in the same
// transaction as the state change it reports when there is one, and a
// [Forwarder] publishes it, at least once and with its ID unchanged, until
// the target confirms it.
//
// # Pieces
//
//   - [Open] opens an SQLite outbox in one file (pure Go, no cgo, no
//     server): the default for a tool without a database. [OpenPostgres]
//     uses a PostgreSQL database instead, through database/sql and pgx;
//     the schema and its migrations ship in this module.
//   - [Outbox.Publish] implements events.Publisher: it validates the event
//     and returns once the event is committed to disk. Concurrent callers
//     share commits (group commit).
//   - [Outbox.Add] writes the event inside the caller's own *sql.Tx, so the
//     event exists if and only if the state change committed.
//   - [Forwarder.Run] sends the stored events to any events.Publisher
//     (eventnats, eventhttp) in the order they were stored, with backoff
//     while the target is down, and deletes each only once the target
//     confirmed it. An event the target refuses for good ([IsPermanent]) is
//     moved aside with the reason: [Outbox.Refused] lists them and
//     [Outbox.Requeue] sends them again.
//
// # Example
//
//	ob, err := eventoutbox.Open("/var/lib/pulse/outbox.db")
//	fwd, err := ob.NewForwarder(eventoutbox.ForwarderConfig{Target: natsPublisher})
//	go fwd.Run(ctx)
//	err = ob.Publish(ctx, e) // nil: e is on disk and will reach the broker
//
// # Guarantees
//
// Publish returns nil only once the event is on disk: SQLite runs in WAL
// mode with synchronous=FULL, so each commit fsyncs the log; PostgreSQL
// commits with synchronous_commit=on. An invalid event is refused
// (events.ErrInvalidEvent) and never stored; a failed write or commit,
// such as a full disk, returns an error matching [ErrNotStored] and the
// event is not stored.
//
// Delivery is at least once. A forwarder that crashes after the target
// confirmed an event but before deleting it sends the event again after
// the restart, with the same ID: JetStream stores it once if that happens
// within the stream's duplicate window (2 minutes by default), and
// receivers deduplicate on the ID. Sent events are deleted from the
// outbox; the broker keeps them.
//
// # Several processes
//
// Any number of processes may open the same outbox and run forwarders. On
// SQLite one forwarder at a time holds a lease (renewed as it works, taken
// over after [ForwarderConfig.LeaseTTL] if its holder dies) and the
// others wait, so events go out in stored order. On PostgreSQL each
// forwarder claims a batch with SELECT … FOR UPDATE SKIP LOCKED: they
// split the work and no event is sent by two at once; order then holds
// within a batch.
//
// # Errors
//
// Errors start with "eventoutbox:" and wrap one of the sentinel errors
// ([ErrOpen], [ErrSchemaTooNew], [ErrNotStored], [ErrClosed],
// [ErrInvalidConfig]) or an error of the events package, so errors.Is tells
// them apart. Open's errors name the file (or the PostgreSQL server and
// database, never the password) and the cause.
//
// # Logging
//
// A Forwarder logs failed attempts and refusals to the *slog.Logger in
// its configuration; by default it logs nothing ([Forwarder.Stats] counts
// them).
package eventoutbox
