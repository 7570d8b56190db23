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

const selectPending = "SELECT seq, id, event, stored_at FROM eventoutbox_events ORDER BY seq LIMIT ?"

// claimBatch returns the oldest pending rows this forwarder may send, or
// nil when it may send none now (another holds the SQLite lease).
func (f *Forwarder) claimBatch(ctx context.Context) (*claim, error) {
	o := f.o
	if o.d.skipLocked {
		tx, err := o.db.BeginTx(ctx, nil)
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
	rows, err := readRows(ctx, o.db, selectPending, f.cfg.Batch)
	if err != nil {
		return nil, err
	}
	return &claim{rows: rows}, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readRows(ctx context.Context, q querier, query string, limit int) ([]storedRow, error) {
	rs, err := q.QueryContext(ctx, query, limit)
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
		var err error
		if tx, err = o.db.BeginTx(ctx, nil); err != nil {
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
	if len(sent) > 0 {
		args := make([]any, len(sent))
		for i, s := range sent {
			args[i] = s
		}
		q := "DELETE FROM eventoutbox_events WHERE seq IN (?" + strings.Repeat(", ?", len(sent)-1) + ")"
		if _, err := tx.ExecContext(ctx, o.d.bind(q), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// renewLease takes or extends the SQLite forwarding lease, and reports
// whether this forwarder holds it.
func (f *Forwarder) renewLease(ctx context.Context) (bool, error) {
	now := time.Now()
	res, err := f.o.db.ExecContext(ctx,
		"UPDATE eventoutbox_lease SET owner = ?, expires_at = ? WHERE name = 'forwarder' AND (owner = ? OR expires_at < ?)",
		f.owner, now.Add(f.cfg.LeaseTTL).UnixNano(), f.owner, now.UnixNano())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// releaseLease gives the SQLite lease up, so that another forwarder can
// take over at once.
func (f *Forwarder) releaseLease(ctx context.Context) error {
	if f.o.d.skipLocked {
		return nil
	}
	_, err := f.o.db.ExecContext(ctx, "UPDATE eventoutbox_lease SET expires_at = 0 WHERE name = 'forwarder' AND owner = ?", f.owner)
	return err
}
