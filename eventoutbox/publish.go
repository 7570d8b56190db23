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

// maxGroupWait caps how long the writer waits for the callers of its last
// group to come back with their next events before committing fewer. It
// waits at most as long as its last commit took (an fsync, mostly),
// so that a steady set of concurrent publishers shares each commit
// instead of splitting into small ones, and a lone publisher never waits.
const maxGroupWait = 2 * time.Millisecond

// insertColumns is the column list of a stored event; rows bind 4 values.
const insertColumns = "INSERT INTO eventoutbox_events (id, type, event, stored_at) VALUES "

// writeRequest is one Publish waiting for the group-commit writer, or,
// when marks is set, a forwarder's events to delete as sent.
type writeRequest struct {
	e    events.Event
	data []byte
	done chan error // Publish's answer; nil for marks

	marks  []int64         // seqs the target confirmed
	marked func(err error) // told the outcome of deleting marks
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
	target := 0            // callers to wait for: the largest recent group, decaying by one per commit
	var took time.Duration // how long the last commit took
	timer := time.NewTimer(0)
	<-timer.C
	for {
		group = group[:0]
		select {
		case r := <-o.writes:
			group = append(group, r)
		case r := <-o.marks:
			group = append(group, r)
		case <-o.closing:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case r := <-o.writes:
				group = append(group, r)
			case r := <-o.marks:
				group = append(group, r)
			default:
				break more
			}
		}
		if len(group) < target {
			timer.Reset(min(took, maxGroupWait))
		wait:
			for len(group) < target {
				select {
				case r := <-o.writes:
					group = append(group, r)
				case <-timer.C:
					break wait
				}
			}
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		}
		target = max(len(group), target-1)
		start := time.Now()
		inserts, err := o.commitGroup(group)
		took = time.Since(start)
		o.commits.Add(1)
		for _, r := range group {
			switch {
			case r.marked != nil:
				r.marked(err)
			case err != nil:
				r.done <- fmt.Errorf("eventoutbox: event %q: %w in %s: %w", r.e.ID, ErrNotStored, o.where, err)
			default:
				r.done <- nil
			}
		}
		if err == nil && inserts > 0 {
			o.signalStored()
		}
	}
}

// commitGroup stores the events of group with one INSERT and deletes its
// marks, in one transaction; it returns how many events it stored.
func (o *Outbox) commitGroup(group []writeRequest) (int, error) {
	ctx := context.Background() // a commit is not abandoned halfway
	defer o.lockWrites()()
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if o.d.durableCommit != "" {
		if _, err := tx.ExecContext(ctx, o.d.durableCommit); err != nil {
			return 0, err
		}
	}
	now := time.Now().UnixNano()
	args := make([]any, 0, 4*len(group))
	inserts := 0
	for _, r := range group {
		if r.marked != nil {
			if err := deleteRows(ctx, tx, o.d, r.marks); err != nil {
				return 0, err
			}
			continue
		}
		args = append(args, r.e.ID, string(r.e.Type), r.data, now)
		inserts++
	}
	if inserts > 0 {
		if _, err := tx.ExecContext(ctx, o.d.bind(insertRows(inserts)), args...); err != nil {
			return 0, err
		}
	}
	return inserts, tx.Commit()
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
