package eventoutbox

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// storedRow is an event as the outbox holds it.
type storedRow struct {
	seq      int64
	id       string
	data     []byte // Event.MarshalJSON
	storedAt int64  // Unix nanoseconds
}

// refusal is a row the target refused for good, and why.
type refusal struct {
	seq    int64
	reason string
}

// claim is a batch of rows one forwarder is sending. On PostgreSQL the
// rows stay locked by tx (FOR UPDATE SKIP LOCKED) until finish; on SQLite
// the forwarder holds the lease instead, and tx is nil.
type claim struct {
	rows []storedRow
	tx   *sql.Tx
}

// abort gives the claimed rows back.
func (c *claim) abort() {
	if c != nil && c.tx != nil {
		c.tx.Rollback()
	}
}

const (
	selectPending      = "SELECT seq, id, event, stored_at FROM eventoutbox_events ORDER BY seq LIMIT ?"
	selectPendingAfter = "SELECT seq, id, event, stored_at FROM eventoutbox_events WHERE seq > ? ORDER BY seq LIMIT ?"
)

// claimBatch returns the oldest pending rows this forwarder may send, or
// nil when it may send none now (another holds the SQLite lease).
func (f *Forwarder) claimBatch(ctx context.Context) (*claim, error) {
	o := f.o
	if o.d.skipLocked {
		// The transaction holds the rows' locks while they are sent, and
		// deletes those confirmed: it must not end with ctx, or the rows
		// would be unlocked (and claimed again) while the send is under
		// way, and confirmed rows kept. It ends when step does: send
		// starts no Publish after ctx ends, and finish has its own
		// timeout. Its queries still stop with ctx.
		tx, err := o.fwd.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return nil, err
		}
		rows, err := readRows(ctx, tx, o.d.bind(selectPending+" FOR UPDATE SKIP LOCKED"), f.cfg.Batch)
		if err != nil {
			tx.Rollback()
			return nil, err
		}
		return &claim{rows: rows, tx: tx}, nil
	}
	held, err := f.renewLease(ctx)
	if err != nil || !held {
		return nil, err
	}
	if f.rewind.Swap(false) {
		f.cursor = 0
	}
	rows, err := readRows(ctx, o.fwd, selectPendingAfter, f.cursor, f.cfg.Batch)
	if err != nil {
		return nil, err
	}
	return &claim{rows: rows}, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readRows(ctx context.Context, q querier, query string, args ...any) ([]storedRow, error) {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var rows []storedRow
	for rs.Next() {
		var r storedRow
		if err := rs.Scan(&r.seq, &r.id, &r.data, &r.storedAt); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, rs.Err()
}

// finish deletes the rows the target confirmed and moves the refused ones
// aside, in one transaction, and releases the claim.
func (f *Forwarder) finish(ctx context.Context, c *claim, sent []int64, refused []refusal) error {
	o := f.o
	tx := c.tx
	if tx == nil {
		if len(sent) == 0 && len(refused) == 0 {
			return nil
		}
		defer o.lockWrites()()
		var err error
		if tx, err = o.fwd.BeginTx(ctx, nil); err != nil {
			return err
		}
	}
	defer tx.Rollback()
	now := time.Now().UnixNano()
	for _, r := range refused {
		if _, err := tx.ExecContext(ctx, o.d.bind(`INSERT INTO eventoutbox_refused (seq, id, type, event, stored_at, reason, refused_at)
			SELECT seq, id, type, event, stored_at, ?, ? FROM eventoutbox_events WHERE seq = ?`), r.reason, now, r.seq); err != nil {
			return err
		}
		sent = append(sent, r.seq)
	}
	if err := deleteRows(ctx, tx, o.d, sent); err != nil {
		return err
	}
	return tx.Commit()
}

// deleteRows deletes the events with the given seqs in tx.
func deleteRows(ctx context.Context, tx *sql.Tx, d dialect, seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	args := make([]any, len(seqs))
	for i, s := range seqs {
		args[i] = s
	}
	q := "DELETE FROM eventoutbox_events WHERE seq IN (?" + strings.Repeat(", ?", len(seqs)-1) + ")"
	_, err := tx.ExecContext(ctx, d.bind(q), args...)
	return err
}

// markSent hands the seqs the target confirmed to the writer, which
// deletes them in its next commit; the forwarder goes on meanwhile, past
// its cursor. If the deletion fails the forwarder rewinds, so the events
// are sent again (and deduplicated by the target) and deleted then.
func (f *Forwarder) markSent(seqs []int64) {
	if len(seqs) == 0 {
		return
	}
	req := writeRequest{marks: seqs, marked: func(err error) {
		if err != nil {
			f.log.Warn("eventoutbox: marking events sent failed; they will be sent again", "err", err, "events", len(seqs))
			f.rewind.Store(true)
		}
	}}
	select {
	case f.o.marks <- req:
	case <-f.o.closing:
		f.rewind.Store(true)
	}
}

// advance moves the cursor past the rows at the front of rows that were
// sent or refused.
func (f *Forwarder) advance(rows []storedRow, sent []int64, refused []refusal) {
	done := make(map[int64]bool, len(sent)+len(refused))
	for _, s := range sent {
		done[s] = true
	}
	for _, r := range refused {
		done[r.seq] = true
	}
	for _, r := range rows {
		if !done[r.seq] {
			return
		}
		f.cursor = r.seq
	}
}
