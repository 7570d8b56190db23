package eventoutbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/algoryn/events"
)

// RefusedEvent is an event the target refused for good, moved aside by a
// [Forwarder] instead of being retried forever or deleted.
type RefusedEvent struct {
	// Event is the event as stored. It is the zero Event only if the
	// stored bytes could not be read back; JSON has them.
	Event events.Event
	// JSON is the event as stored, in the form of Event.MarshalJSON.
	JSON []byte
	// Reason is the target's error, e.g. `eventhttp: … 422 …: events:
	// event rejected: …`.
	Reason string
	// StoredAt is when the event was stored in the outbox, UTC.
	StoredAt time.Time
	// RefusedAt is when the target refused it, UTC.
	RefusedAt time.Time
}

// Refused lists the events moved aside, oldest first, at most limit of
// them (all when limit ≤ 0).
func (o *Outbox) Refused(ctx context.Context, limit int) ([]RefusedEvent, error) {
	q := "SELECT event, reason, stored_at, refused_at FROM eventoutbox_refused ORDER BY seq"
	var args []any
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rs, err := o.db.QueryContext(ctx, o.d.bind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("eventoutbox: listing refused events in %s: %w", o.where, err)
	}
	defer rs.Close()
	var out []RefusedEvent
	for rs.Next() {
		var r RefusedEvent
		var stored, refused int64
		if err := rs.Scan(&r.JSON, &r.Reason, &stored, &refused); err != nil {
			return nil, fmt.Errorf("eventoutbox: listing refused events in %s: %w", o.where, err)
		}
		r.Event, _ = events.ParseEvent(r.JSON) // unreadable: the zero Event, JSON kept
		r.StoredAt, r.RefusedAt = time.Unix(0, stored).UTC(), time.Unix(0, refused).UTC()
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("eventoutbox: listing refused events in %s: %w", o.where, err)
	}
	return out, nil
}

// Requeue puts the refused events with the given IDs back in the queue,
// after the events pending now, for the forwarders to send again (once the
// receiver was fixed, say). It returns how many it moved; IDs that are not
// among the refused events are ignored.
func (o *Outbox) Requeue(ctx context.Context, ids ...string) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	n, err := o.requeue(ctx, ids)
	if n > 0 {
		o.signalStored()
	}
	return n, err
}

func (o *Outbox) requeue(ctx context.Context, ids []string) (int, error) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	defer o.lockWrites()()
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("eventoutbox: requeueing in %s: %w", o.where, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, o.d.bind(`INSERT INTO eventoutbox_events (id, type, event, stored_at)
		SELECT id, type, event, stored_at FROM eventoutbox_refused WHERE id IN `+in+` ORDER BY seq`), args...)
	if err != nil {
		return 0, fmt.Errorf("eventoutbox: requeueing in %s: %w", o.where, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("eventoutbox: requeueing in %s: %w", o.where, err)
	}
	if _, err := tx.ExecContext(ctx, o.d.bind("DELETE FROM eventoutbox_refused WHERE id IN "+in), args...); err != nil {
		return 0, fmt.Errorf("eventoutbox: requeueing in %s: %w", o.where, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("eventoutbox: requeueing in %s: %w", o.where, err)
	}
	return int(n), nil
}
