package eventoutbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/algoryn/events"
)

// Add writes e into the outbox inside tx, the caller's own transaction on
// the outbox's database ([Outbox.DB] for SQLite; for PostgreSQL, any
// connection to the same database): the event exists if and only if tx
// commits, and a [Forwarder] sends it after that. Add returns once the row
// is written in tx; its durability is tx's commit.
//
// An invalid event is refused and not written, with the error
// [events.Event.Validate] gives (matching [events.ErrInvalidEvent]); the
// caller decides whether to roll back. A failed insert matches
// [ErrNotStored].
func (o *Outbox) Add(ctx context.Context, tx *sql.Tx, e events.Event) error {
	data, err := encode(e)
	if err != nil {
		return err
	}
	if tx == nil {
		return fmt.Errorf("eventoutbox: event %q: %w: the transaction is nil", e.ID, ErrNotStored)
	}
	select {
	case <-o.closing:
		return fmt.Errorf("eventoutbox: event %q not stored: %w", e.ID, ErrClosed)
	default:
	}
	if _, err := tx.ExecContext(ctx, o.d.bind(insertRows(1)), e.ID, string(e.Type), data, time.Now().UnixNano()); err != nil {
		return fmt.Errorf("eventoutbox: event %q: %w in %s: %w", e.ID, ErrNotStored, o.where, err)
	}
	return nil
}
