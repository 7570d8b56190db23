package eventoutbox

import (
	"context"
	"errors"
	"time"
)

// errLeaseLost stops a batch on SQLite when the forwarder no longer holds
// the forwarding lease: another forwarder may be sending now.
var errLeaseLost = errors.New("eventoutbox: the SQLite forwarding lease was lost mid-batch; sending stopped")

// leaseEnd returns when the lease this forwarder holds ends; zero if none.
func (f *Forwarder) leaseEnd() time.Time {
	f.leaseMu.Lock()
	defer f.leaseMu.Unlock()
	return f.leaseUntil
}

func (f *Forwarder) setLeaseEnd(t time.Time) {
	f.leaseMu.Lock()
	defer f.leaseMu.Unlock()
	f.leaseUntil = t
}

// renewLease takes or extends the SQLite forwarding lease, and reports
// whether this forwarder holds it. A lease with more than half its time
// left is kept without writing.
func (f *Forwarder) renewLease(ctx context.Context) (bool, error) {
	now := time.Now()
	until := f.leaseEnd()
	if now.Before(until.Add(-f.cfg.LeaseTTL / 2)) {
		return true, nil
	}
	defer f.o.lockWrites()()
	res, err := f.o.fwd.ExecContext(ctx,
		"UPDATE eventoutbox_lease SET owner = ?, expires_at = ? WHERE name = 'forwarder' AND (owner = ? OR expires_at < ?)",
		f.owner, now.Add(f.cfg.LeaseTTL).UnixNano(), f.owner, now.UnixNano())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		f.setLeaseEnd(time.Time{})
		return false, err
	}
	if !now.Before(until) { // newly taken: start from the oldest event
		f.cursor = 0
	}
	f.setLeaseEnd(now.Add(f.cfg.LeaseTTL))
	return true, nil
}

// extendLease extends the SQLite lease this forwarder holds, while it
// sends a batch. It reports false, and forgets the lease, when the
// forwarder no longer holds it: its time ran out, or another took it.
func (f *Forwarder) extendLease(ctx context.Context) (bool, error) {
	now := time.Now()
	if !now.Before(f.leaseEnd()) {
		f.setLeaseEnd(time.Time{})
		return false, nil
	}
	defer f.o.lockWrites()()
	res, err := f.o.fwd.ExecContext(ctx,
		"UPDATE eventoutbox_lease SET expires_at = ? WHERE name = 'forwarder' AND owner = ?",
		now.Add(f.cfg.LeaseTTL).UnixNano(), f.owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	if n != 1 {
		f.setLeaseEnd(time.Time{})
		return false, nil
	}
	f.setLeaseEnd(now.Add(f.cfg.LeaseTTL))
	return true, nil
}

// keepLease returns the context to send a batch in under the SQLite lease.
// Until stop is called it renews the lease every LeaseTTL/3, so that a
// batch, or a single Publish, longer than LeaseTTL keeps it; the context
// is cancelled, with cause errLeaseLost, as soon as the lease is lost or
// its time runs out unrenewed (the database too slow or failing), before
// another forwarder may take it over. stop returns whether the lease was
// lost.
func (f *Forwarder) keepLease(ctx context.Context) (lctx context.Context, stop func() (lost bool)) {
	lctx, cancel := context.WithCancelCause(ctx)
	lose := func() { cancel(errLeaseLost) }
	expiry := time.AfterFunc(time.Until(f.leaseEnd()), lose)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(max(f.cfg.LeaseTTL/3, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-lctx.Done():
				return
			case <-tick.C:
			}
			held, err := f.extendLease(lctx)
			switch {
			case err != nil && lctx.Err() == nil:
				// Tried again at the next tick; expiry stops the batch
				// if the lease runs out meanwhile.
				f.log.Warn("eventoutbox: renewing the forwarding lease failed", "err", err)
			case err != nil:
				return
			case !held:
				lose()
				return
			default:
				expiry.Reset(time.Until(f.leaseEnd()))
			}
		}
	}()
	return lctx, func() bool {
		close(done)
		<-stopped
		expiry.Stop()
		lost := errors.Is(context.Cause(lctx), errLeaseLost)
		cancel(nil)
		if lost {
			f.setLeaseEnd(time.Time{})
		}
		return lost
	}
}

// releaseLease gives the SQLite lease up, so that another forwarder can
// take over at once.
func (f *Forwarder) releaseLease(ctx context.Context) error {
	if f.o.d.skipLocked {
		return nil
	}
	f.setLeaseEnd(time.Time{})
	defer f.o.lockWrites()()
	_, err := f.o.fwd.ExecContext(ctx, "UPDATE eventoutbox_lease SET expires_at = 0 WHERE name = 'forwarder' AND owner = ?", f.owner)
	return err
}
