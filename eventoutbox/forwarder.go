package eventoutbox

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/algoryn/events"
)

// Defaults of ForwarderConfig.
const (
	DefaultBatch        = 256                    // DefaultBatch is how many events a forwarder reads and sends at a time.
	DefaultMinBackoff   = 100 * time.Millisecond // DefaultMinBackoff is the wait after the first failed attempt.
	DefaultMaxBackoff   = 5 * time.Second        // DefaultMaxBackoff caps the wait between attempts while the target is down.
	DefaultPollInterval = 250 * time.Millisecond // DefaultPollInterval is how often a forwarder looks for events it was not told about.
	DefaultLeaseTTL     = 15 * time.Second       // DefaultLeaseTTL is how long an SQLite forwarding lease lasts without renewal.
)

// finishTimeout bounds marking a batch after the target confirmed it, also
// when Run's context has ended meanwhile.
const finishTimeout = 10 * time.Second

// BatchPublisher is a target that can send many events in one call, as
// eventnats.Publisher does with PublishBatch: a [Forwarder] uses it when
// the target has it. PublishBatch must return nil only when every event
// was confirmed.
type BatchPublisher interface {
	events.Publisher
	PublishBatch(ctx context.Context, evs []events.Event) error
}

// ForwarderConfig configures a [Forwarder]. Only Target is required; zero
// fields take the defaults.
//
//	Field         Default     Meaning
//	Target        (required)  where events go: an eventnats or eventhttp Publisher, or any events.Publisher
//	Batch         256         events read and sent at a time
//	MinBackoff    100ms       wait after the first failed attempt; doubles with each failure
//	MaxBackoff    5s          longest wait between attempts while the target is down
//	PollInterval  250ms       how often to look for events added by Add or by other processes
//	LeaseTTL      15s         SQLite: how long another forwarder waits for one that stopped without a word
//	Permanent     IsPermanent extra refusals to move aside instead of retrying
//	Logger        none        retries and refusals are logged here
type ForwarderConfig struct {
	// Target receives the events. If it is a [BatchPublisher], events are
	// sent a batch at a time.
	Target events.Publisher
	// Batch is the most events read and sent at a time; default
	// [DefaultBatch].
	Batch int
	// MinBackoff is the wait after the first failed attempt; each further
	// failure doubles it, up to MaxBackoff, with jitter. Default
	// [DefaultMinBackoff].
	MinBackoff time.Duration
	// MaxBackoff is the longest wait between attempts; default
	// [DefaultMaxBackoff].
	MaxBackoff time.Duration
	// PollInterval is how often the forwarder looks for new events when
	// it has not been told of any: events stored by [Outbox.Publish] in
	// this process wake it at once; those written by [Outbox.Add] or by
	// other processes are found at the next poll. Default
	// [DefaultPollInterval].
	PollInterval time.Duration
	// LeaseTTL is, on SQLite, how long the forwarding lease lasts: one
	// forwarder per file sends at a time, and if it dies without giving
	// the lease back another takes over after LeaseTTL. While it sends,
	// the forwarder renews the lease every LeaseTTL/3, so a batch or a
	// single Publish may take longer; if the lease is lost all the same
	// (the database too slow to renew it), the Publish under way is
	// cancelled and no other is started until the lease is taken again.
	// Default [DefaultLeaseTTL]. Unused on PostgreSQL, where forwarders split the
	// work with row locks.
	LeaseTTL time.Duration
	// Permanent, if set, is asked about each error that [IsPermanent]
	// does not call permanent: if it returns true the event is refused
	// for good and moved aside too. Use it for a transport's own
	// refusals, such as eventnats.ErrTooLarge.
	Permanent func(error) bool
	// Logger receives warnings of failed attempts and refusals. Default:
	// a logger that discards everything.
	Logger *slog.Logger
}

// Forwarder sends the events of an [Outbox] to a target, at least once and
// with their IDs unchanged, in the order they were stored.
//
// It deletes an event from the outbox only after the target confirmed it
// (sent events are not kept: the target has them). While the target fails
// it retries with exponential backoff, never dropping an event; after a
// crash or restart it sends what was not confirmed again, so the target
// may see an event twice and must deduplicate on its ID (JetStream does
// within its duplicate window). An event the target refuses for good
// (see [IsPermanent]) is moved aside with the reason, for
// [Outbox.Refused] and [Outbox.Requeue].
//
// Several forwarders may run on one outbox, in one process or many. On
// SQLite one holds a lease and forwards, the others wait; on PostgreSQL
// each claims a batch with SELECT … FOR UPDATE SKIP LOCKED, so they split
// the work and no event is sent by two at once (order then holds within
// each batch, not across forwarders).
type Forwarder struct {
	o          *Outbox
	cfg        ForwarderConfig
	owner      string // this forwarder's name in the SQLite lease
	leaseMu    sync.Mutex
	leaseUntil time.Time   // when the lease it holds ends; zero if none; see leaseEnd
	cursor     int64       // SQLite: the last seq sent or refused; the next batch starts after it
	rewind     atomic.Bool // SQLite: a mark failed, start again from the oldest event
	log        *slog.Logger

	forwarded, refused, failures atomic.Uint64
}

// ForwarderStats counts what a [Forwarder] did since it was made.
type ForwarderStats struct {
	Forwarded uint64 // events the target confirmed
	Refused   uint64 // events the target refused for good, moved aside
	Failures  uint64 // failed attempts (target or database errors), each followed by a backoff
}

// NewForwarder returns a Forwarder of o's events to cfg.Target. It fails
// with [ErrInvalidConfig] when Target is nil or a number is negative.
func (o *Outbox) NewForwarder(cfg ForwarderConfig) (*Forwarder, error) {
	switch {
	case cfg.Target == nil:
		return nil, fmt.Errorf("%w: ForwarderConfig.Target is nil", ErrInvalidConfig)
	case cfg.Batch < 0, cfg.MinBackoff < 0, cfg.MaxBackoff < 0, cfg.PollInterval < 0, cfg.LeaseTTL < 0:
		return nil, fmt.Errorf("%w: ForwarderConfig: Batch %d, MinBackoff %s, MaxBackoff %s, PollInterval %s, LeaseTTL %s: none may be negative",
			ErrInvalidConfig, cfg.Batch, cfg.MinBackoff, cfg.MaxBackoff, cfg.PollInterval, cfg.LeaseTTL)
	}
	if cfg.Batch == 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.MinBackoff == 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = DefaultMaxBackoff
	}
	cfg.MaxBackoff = max(cfg.MaxBackoff, cfg.MinBackoff)
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.LeaseTTL == 0 {
		cfg.LeaseTTL = DefaultLeaseTTL
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var id [8]byte
	crand.Read(id[:])
	return &Forwarder{o: o, cfg: cfg, owner: hex.EncodeToString(id[:]), log: log}, nil
}

// Stats returns the forwarder's counters.
func (f *Forwarder) Stats() ForwarderStats {
	return ForwarderStats{Forwarded: f.forwarded.Load(), Refused: f.refused.Load(), Failures: f.failures.Load()}
}

// Run forwards events until ctx ends, then gives its SQLite lease back and
// returns nil. Errors of the target and of the database are logged and
// retried with backoff, never returned; Run returns [ErrClosed] if the
// outbox is closed under it.
func (f *Forwarder) Run(ctx context.Context) error {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		defer cancel()
		f.releaseLease(rctx)
	}()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-f.o.closing:
			return fmt.Errorf("eventoutbox: forwarder stopped: %w", ErrClosed)
		default:
		}
		wake := f.o.storedSignal() // before reading, so no commit is missed
		sent, err := f.step(ctx)
		switch {
		case errors.Is(err, errLeaseLost) && ctx.Err() == nil:
			// Another forwarder may have it now; not a failure.
			f.log.Warn("eventoutbox: forwarding lease lost mid-batch", "err", err)
			f.sleep(ctx, nil, f.cfg.PollInterval)
		case err != nil && ctx.Err() == nil:
			failures++
			f.failures.Add(1)
			d := f.backoff(failures)
			f.log.Warn("eventoutbox: forwarding failed, retrying", "err", err, "retry_in", d, "failures", failures)
			f.sleep(ctx, nil, d)
		case err != nil: // stopping
		case sent == 0:
			failures = 0
			f.sleep(ctx, wake, f.cfg.PollInterval)
		default:
			failures = 0
		}
	}
}

// step claims a batch, sends it and marks what the target confirmed or
// refused. It returns how many it handled, and the target's or the
// database's error.
func (f *Forwarder) step(ctx context.Context) (int, error) {
	c, err := f.claimBatch(ctx)
	if err != nil {
		return 0, fmt.Errorf("eventoutbox: reading %s: %w", f.o.where, err)
	}
	if c == nil || len(c.rows) == 0 {
		c.abort()
		return 0, nil
	}
	sctx, stop := ctx, func() bool { return false }
	if c.tx == nil { // SQLite: send only while holding the lease
		sctx, stop = f.keepLease(ctx)
	}
	sent, refused, sendErr := f.send(sctx, c.rows)
	if stop() {
		sendErr = fmt.Errorf("%w after %d of %d events", errLeaseLost, len(sent)+len(refused), len(c.rows))
	}
	toDelete := sent
	if c.tx == nil { // SQLite: the writer deletes them with its next commit
		f.markSent(sent)
		toDelete = nil
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := f.finish(fctx, c, toDelete, refused); err != nil {
		c.abort()
		// The target has these events; they will be sent again, and
		// deduplicated there.
		f.rewind.Store(true)
		return 0, fmt.Errorf("eventoutbox: marking %d events sent in %s: %w", len(toDelete)+len(refused), f.o.where, err)
	}
	f.advance(c.rows, sent, refused)
	f.forwarded.Add(uint64(len(sent)))
	f.refused.Add(uint64(len(refused)))
	for _, r := range refused {
		f.log.Warn("eventoutbox: event refused by the target, moved aside", "seq", r.seq, "reason", r.reason)
	}
	return len(sent) + len(refused), sendErr
}

// send sends rows in order and returns the seqs the target confirmed, the
// ones it refused for good, and the error that stopped it early, if any.
// It starts no Publish once ctx has ended: on SQLite ctx ends when the
// lease is lost.
func (f *Forwarder) send(ctx context.Context, rows []storedRow) (sent []int64, refused []refusal, err error) {
	evs := make([]events.Event, 0, len(rows))
	seqs := make([]int64, 0, len(rows))
	for _, r := range rows {
		e, err := events.ParseEvent(r.data)
		if err != nil { // never happens to a row this package wrote; kept, not dropped
			refused = append(refused, refusal{r.seq, "eventoutbox: stored event unreadable: " + err.Error()})
			continue
		}
		evs = append(evs, e)
		seqs = append(seqs, r.seq)
	}
	if bp, ok := f.cfg.Target.(BatchPublisher); ok && len(evs) > 1 {
		if err := ctx.Err(); err != nil {
			return nil, refused, err
		}
		err := bp.PublishBatch(ctx, evs)
		if err == nil {
			return seqs, refused, nil
		}
		if !f.permanent(err) {
			return nil, refused, err // all sent again next time; the target deduplicates
		}
		// Some were refused: find which, one at a time. Those the target
		// has already are deduplicated.
	}
	for i, e := range evs {
		if err := ctx.Err(); err != nil {
			return sent, refused, err
		}
		err := f.cfg.Target.Publish(ctx, e)
		switch {
		case err == nil:
			sent = append(sent, seqs[i])
		case f.permanent(err) && ctx.Err() == nil:
			refused = append(refused, refusal{seqs[i], err.Error()})
		default:
			return sent, refused, err
		}
	}
	return sent, refused, nil
}

func (f *Forwarder) permanent(err error) bool {
	if IsPermanent(err) {
		return true
	}
	if f.cfg.Permanent == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return f.cfg.Permanent(err)
}

// backoff returns the wait after the n-th failure in a row: MinBackoff
// doubled n-1 times, capped at MaxBackoff, between half and all of it.
func (f *Forwarder) backoff(n int) time.Duration {
	d := f.cfg.MinBackoff
	for i := 1; i < n && d < f.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, f.cfg.MaxBackoff)
	return d/2 + rand.N(d/2+1)
}

// sleep waits d, or until wake is closed or ctx ends.
func (f *Forwarder) sleep(ctx context.Context, wake <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-wake:
	case <-f.o.closing:
	case <-t.C:
	}
}
