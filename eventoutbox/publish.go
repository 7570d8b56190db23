package eventoutbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/algoryn/events"
)

// maxGroup is the most events one group commit writes.
const maxGroup = 1024

// insertColumns is the column list of a stored event; rows bind 4 values.
const insertColumns = "INSERT INTO eventoutbox_events (id, type, event, stored_at) VALUES "

// writeRequest is one Publish waiting for the group-commit writer.
type writeRequest struct {
	e    events.Event
	data []byte
	done chan error
}

// Publish validates e and stores it durably: it returns nil only once the
// event is committed to disk (SQLite with synchronous=FULL fsyncs the
// write-ahead log at each commit; PostgreSQL commits with
// synchronous_commit=on). A [Forwarder] then sends it. It implements
// [events.Publisher].
//
// Concurrent calls share commits: one writer goroutine stores every event
// waiting at that moment in one transaction, so 16 callers pay for one
// fsync, not 16 (group commit).
//
// An invalid event is refused and never stored, with the error
// [events.Event.Validate] gives (matching [events.ErrInvalidEvent]). When
// the write or the commit fails (disk full, a failed fsync, a store gone
// read-only) the error matches [ErrNotStored] and the event is not in the
// outbox. Once the event was handed to the writer, Publish waits for the
// commit's outcome even if ctx ends meanwhile, so that its answer is
// always true; ctx bounds only the wait to hand it over. After
// [Outbox.Close] it returns [ErrClosed].
func (o *Outbox) Publish(ctx context.Context, e events.Event) error {
	data, err := encode(e)
	if err != nil {
		return err
	}
	req := writeRequest{e: e, data: data, done: make(chan error, 1)}
	select {
	case o.writes <- req:
	case <-o.closing:
		return fmt.Errorf("eventoutbox: event %q not stored: %w", e.ID, ErrClosed)
	case <-ctx.Done():
		return fmt.Errorf("eventoutbox: event %q not stored: %w", e.ID, ctx.Err())
	}
	return <-req.done
}

// writer is the one goroutine that commits Publish's events, in groups.
func (o *Outbox) writer() {
	defer close(o.writerDone)
	group := make([]writeRequest, 0, maxGroup)
	for {
		group = group[:0]
		select {
		case r := <-o.writes:
			group = append(group, r)
		case <-o.closing:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case r := <-o.writes:
				group = append(group, r)
			default:
				break more
			}
		}
		err := o.commitGroup(group)
		o.commits.Add(1)
		for _, r := range group {
			if err != nil {
				r.done <- fmt.Errorf("eventoutbox: event %q: %w in %s: %w", r.e.ID, ErrNotStored, o.where, err)
			} else {
				r.done <- nil
			}
		}
		if err == nil {
			o.signalStored()
		}
	}
}

// commitGroup stores group in one transaction with one INSERT.
func (o *Outbox) commitGroup(group []writeRequest) error {
	ctx := context.Background() // a commit is not abandoned halfway
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if o.d.durableCommit != "" {
		if _, err := tx.ExecContext(ctx, o.d.durableCommit); err != nil {
			return err
		}
	}
	now := time.Now().UnixNano()
	args := make([]any, 0, 4*len(group))
	for _, r := range group {
		args = append(args, r.e.ID, string(r.e.Type), r.data, now)
	}
	if _, err := tx.ExecContext(ctx, o.d.bind(insertRows(len(group))), args...); err != nil {
		return err
	}
	return tx.Commit()
}

// insertRows returns the INSERT of n events, with "?" placeholders.
func insertRows(n int) string {
	var b strings.Builder
	b.Grow(len(insertColumns) + n*len("(?, ?, ?, ?), "))
	b.WriteString(insertColumns)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?)")
	}
	return b.String()
}
