package eventnats

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go/jetstream"
)

// Defaults of [ConsumerConfig].
const (
	DefaultWorkers    = 1                // DefaultWorkers is the number of concurrent handlers.
	DefaultMaxDeliver = 5                // DefaultMaxDeliver is the number of deliveries before dead-lettering.
	DefaultAckWait    = 30 * time.Second // DefaultAckWait is how long the server waits for a sign of life (ack, nak or progress) before redelivering.
	DefaultBatch      = 250              // DefaultBatch is the number of messages each worker pulls ahead; keep Batch × handler time well under AckWait.
	DefaultDrainWait  = time.Second      // DefaultDrainWait bounds how long Run takes to give back buffered messages when stopping.
)

// DefaultBackoff is the delay before redelivery after the 1st, 2nd, 3rd
// and later failures of a handler.
var DefaultBackoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, time.Minute}

// ConsumerConfig configures a [Consumer]. Only Durable is required.
//
//	Field             Default          Meaning
//	Durable           (required)       durable consumer name, e.g. "beacon"
//	Stream            ALGORYN_EVENTS   stream to read
//	Prefix            algoryn.events   subject prefix of events
//	ReplayPrefix      Prefix_replay    subject prefix of replays (see ReplaySubject)
//	DeadLetterPrefix  algoryn.dlq      subject prefix of dead letters
//	Types             the handler's    event types to receive: those the handler lists (a Router's), else all
//	Workers           1                concurrent handlers
//	MaxDeliver        5                deliveries before a failing event is dead-lettered
//	Backoff           1s 5s 30s 1m     delay before redelivery after the nth failure (last repeats)
//	AckWait           30s              an event unanswered this long (waiting, or its process gone) is redelivered
//	Batch             250              messages each worker pulls ahead
//	DrainWait         1s               bounds how long Run takes to give back buffered messages on stop
//	DeliverPolicy     all              where a new durable consumer starts (jetstream.DeliverAllPolicy)
//	Logger            discard          where retries and dead letters are logged
type ConsumerConfig struct {
	// Durable is the durable consumer's name, required; it may not
	// contain '.', '*', '>', slashes or whitespace. Processes using the
	// same name share the work.
	Durable string
	// Stream is the stream to read; default [DefaultStreamName].
	Stream string
	// Prefix is the subject prefix of events; default [DefaultPrefix].
	Prefix string
	// ReplayPrefix is the subject prefix of replays; default Prefix +
	// "_replay" ([DefaultReplayPrefix] for the default Prefix), as for
	// [StreamConfig]. Besides its event types the consumer takes
	// ReplayPrefix + "." + Durable + ".>": the dead-lettered events that
	// [DeadLetters.Replay] sends back to this durable, and to no other.
	// The handler receives a replay as an ordinary event, with its
	// original ID, type, source, time and payload.
	ReplayPrefix string
	// DeadLetterPrefix is the subject prefix of dead letters; default
	// [DefaultDeadLetterPrefix].
	DeadLetterPrefix string
	// Types limits the consumer to these event types. Events of other
	// types stay in the stream for the consumers that want them: they are
	// not delivered, acknowledged or dead-lettered.
	//
	// When Types is empty, the types come from the handler given to
	// [Consumer.Run]: a handler that lists its types (an
	// [*events.Router], or any handler with a Types() []events.EventType
	// method) receives exactly those, unless it also has a
	// HasFallback() bool method returning true (a Router with a
	// [events.Router.Fallback]), in which case it receives every type; a
	// handler that lists no types receives every type. A Router with
	// neither handlers nor a fallback makes Run return an error.
	//
	// When Types is set it is used as it is, even if the handler does
	// not handle some of those types: an event the handler refuses with
	// [events.ErrUnknownType] is dead-lettered with the reason
	// `rejected: no handler for "<type>"`.
	Types []events.EventType
	// Workers is the number of concurrent handlers; default
	// [DefaultWorkers]. One worker means no concurrency, but order is not
	// guaranteed: an event that fails is redelivered after its backoff,
	// behind later events.
	Workers int
	// MaxDeliver is the number of deliveries after which a failing event
	// is dead-lettered; default [DefaultMaxDeliver]. It counts the
	// server's deliveries, which include deliveries given back unhandled
	// when a Consumer stops, so an event whose handler fails may be
	// dead-lettered after fewer than MaxDeliver handler calls if it was
	// also given back at stops. An event whose handler never fails is
	// only dead-lettered if it keeps being delivered without an answer
	// (typically: handling it kills the process) more than MaxDeliver +
	// 20 times; the slack absorbs graceful stops.
	MaxDeliver int
	// Backoff is the delay before redelivery after the 1st, 2nd, ...
	// failure, the last repeating; default [DefaultBackoff].
	Backoff []time.Duration
	// AckWait is how long the server waits for an answer about a
	// delivered event before delivering it again; default
	// [DefaultAckWait]. The clock starts when the event is pulled, not
	// when its handler starts; while a handler runs the Consumer reports
	// progress every AckWait/4, so a slow handler keeps its event. AckWait
	// therefore bounds how long an event may wait pulled ahead behind
	// other handlers (about Batch × handler time), and how soon events
	// held by a process that died are redelivered. A handler that never
	// returns keeps its event, and its worker, until the process ends.
	AckWait time.Duration
	// Batch is the number of messages each worker pulls ahead; default
	// [DefaultBatch]. Keep Batch × the usual handler time well under
	// AckWait, or events waiting behind slow handlers are redelivered
	// (handled twice) while they wait.
	Batch int
	// DrainWait bounds how long Run takes to give back pulled-ahead
	// messages when it stops, and then to flush those answers to the
	// server; default [DefaultDrainWait].
	DrainWait time.Duration
	// DeliverPolicy is where a new durable consumer starts; the zero
	// value is jetstream.DeliverAllPolicy.
	DeliverPolicy jetstream.DeliverPolicy
	// Logger receives retries, dead letters and pull errors; default: a
	// logger that discards everything. Records about an event carry its
	// "id" and "type", and are logged with the handler's context, so a
	// trace-aware slog.Handler adds the trace and span IDs an Observer put
	// there.
	Logger *slog.Logger
	// Observer, when set, is told about every event handled (see
	// [events.Observer]): the handler runs in the context it derives from
	// the message's headers, which carry the publisher's trace context
	// (kept by dead letters and replays); naks and dead letters are
	// reported as [events.Notice]s. An Observer that is an
	// [events.PendingObserver] is also given the durable's count of
	// pending messages. Default nil: no cost.
	Observer events.Observer
}

func (c ConsumerConfig) withDefaults() (ConsumerConfig, error) {
	if c.Stream == "" {
		c.Stream = DefaultStreamName
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.ReplayPrefix == "" {
		c.ReplayPrefix = replayPrefixFor(c.Prefix)
	}
	if c.DeadLetterPrefix == "" {
		c.DeadLetterPrefix = DefaultDeadLetterPrefix
	}
	if c.Workers == 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxDeliver == 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	if len(c.Backoff) == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.AckWait == 0 {
		c.AckWait = DefaultAckWait
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.DrainWait == 0 {
		c.DrainWait = DefaultDrainWait
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if err := checkDurable(c.Durable); err != nil {
		return c, fmt.Errorf("%w: Durable: %w", ErrInvalidConfig, err)
	}
	if err := prefixesApart(c.Prefix, c.DeadLetterPrefix); err != nil {
		return c, err
	}
	if err := replayPrefixApart(c.ReplayPrefix, c.Prefix, c.DeadLetterPrefix); err != nil {
		return c, err
	}
	for _, t := range c.Types {
		if _, err := Subject(c.Prefix, t); err != nil {
			return c, err
		}
	}
	switch {
	case c.Workers < 0, c.MaxDeliver < 0, c.Batch < 0:
		return c, fmt.Errorf("%w: Workers, MaxDeliver and Batch must be positive", ErrInvalidConfig)
	case c.AckWait < 0, c.DrainWait < 0:
		return c, fmt.Errorf("%w: AckWait and DrainWait must be positive", ErrInvalidConfig)
	}
	return c, nil
}

// Consumer reads events from a durable JetStream pull consumer with
// explicit acknowledgement and hands each to an [events.Handler]:
//
//   - a message that is not a well-formed event (bad headers or subject)
//     or whose event fails [events.Event.Validate] is dead-lettered at once
//     (an [*events.Router] handler does that validation itself, so the
//     payload is decoded once);
//   - the handler returning nil acknowledges the event;
//   - the handler returning an error matching [events.ErrInvalidEvent],
//     [events.ErrInvalidPayload], [events.ErrUnknownType] or
//     [events.ErrTypeMismatch] (the refusals of an [events.Router]), or
//     wrapped with [events.Permanent], dead-letters the event at once: retrying
//     cannot help (for [events.ErrUnknownType] the reason is
//     `rejected: no handler for "<type>"`);
//   - any other error, or a panic, negatively acknowledges it with the
//     configured backoff, so it is redelivered; if it fails on its
//     MaxDeliver-th delivery or later it is dead-lettered instead;
//   - a message delivered more than MaxDeliver + 20 times without an
//     answer (each delivery ended with the process gone) is
//     dead-lettered before its handler is called, so that an event that
//     crashes its consumer cannot do so forever.
//
// While a handler runs, the Consumer tells the server the event is in
// progress every AckWait/4, so a slow handler is not raced by a
// redelivery of its own event.
//
// A Consumer receives only the event types its handler takes: those of
// ConsumerConfig.Types, or when that is empty those the handler lists,
// such as the types an [*events.Router] has handlers for (see
// ConsumerConfig.Types). Events of other types stay in the stream for
// other consumers; they are never dead-lettered for having no handler
// here. It also receives the replays [DeadLetters.Replay] addresses to
// its durable (ConsumerConfig.ReplayPrefix), whatever their type, and
// handles them as any event.
//
// A dead letter goes to DeadLetterPrefix + "." + type with the reason and
// delivery count in headers (see [HeaderDLQReason]); the original is then
// terminated. Delivery is at least once: a handler may see an event again
// after a crash or a lost acknowledgement, so handlers deduplicate on
// [events.Event].ID when it matters.
type Consumer struct {
	js  jetstream.JetStream
	cfg ConsumerConfig
	log *slog.Logger
	obs events.Observer

	mu   sync.Mutex // guards cons and cc, which Run may change
	cons jetstream.Consumer
	cc   jetstream.ConsumerConfig // the durable's configuration as last set

	received, handled, retried, deadLettered atomic.Uint64
}

// ConsumerStats counts what a [Consumer] did since it was made.
type ConsumerStats struct {
	Received     uint64 // deliveries read from the broker, redeliveries included
	Handled      uint64 // events the handler accepted (acknowledged)
	Retried      uint64 // deliveries negatively acknowledged for redelivery
	DeadLettered uint64 // messages dead-lettered and terminated
}

// NewConsumer creates the durable consumer cfg.Durable on cfg.Stream, or
// updates it to cfg if it exists, and returns a Consumer for it. The
// stream must exist (see [EnsureStream]).
//
// With cfg.Types empty, the event types the durable receives are set by
// [Consumer.Run] from its handler: a new durable is created with every
// event subject, but nothing is pulled from it before Run sets them, and
// an existing one keeps the subjects it has until then, so that other
// processes already running on it never receive types their handlers do
// not take.
func NewConsumer(ctx context.Context, js jetstream.JetStream, cfg ConsumerConfig) (*Consumer, error) {
	if js == nil {
		return nil, fmt.Errorf("%w: nil JetStream", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	cc := jetstream.ConsumerConfig{
		Durable:       cfg.Durable,
		Description:   "eventnats consumer",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.AckWait,
		DeliverPolicy: cfg.DeliverPolicy,
		// The server never gives up on a message by itself (it would drop
		// it silently); the Consumer counts deliveries and dead-letters.
		MaxDeliver:    -1,
		MaxAckPending: max(1000, 2*cfg.Workers*cfg.Batch),
	}
	if len(cfg.Types) == 0 {
		setFilter(&cc, withReplays(cfg, []string{cfg.Prefix + ".>"}))
		// Run sets the types from the handler. Until then keep those of
		// an existing durable: widening it here would hand the processes
		// already running on it types their handlers refuse.
		if cur, err := js.Consumer(ctx, cfg.Stream, cfg.Durable); err == nil {
			setFilter(&cc, filterOf(cur.CachedInfo().Config))
		}
	} else {
		subjects, _ := typeSubjects(cfg.Prefix, cfg.Types)
		setFilter(&cc, withReplays(cfg, subjects))
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, cfg.Stream, cc)
	if err != nil {
		return nil, brokerErr(js, fmt.Errorf("eventnats: create consumer %s on stream %s: %w", cfg.Durable, cfg.Stream, err))
	}
	c := &Consumer{js: js, cfg: cfg, log: cfg.Logger, obs: cfg.Observer, cons: cons, cc: cc}
	c.observePending()
	return c, nil
}

// typeSubjects returns the subjects of types under prefix, sorted and
// without duplicates. Errors match [ErrInvalidSubject].
func typeSubjects(prefix string, types []events.EventType) ([]string, error) {
	subjects := make([]string, 0, len(types))
	for _, t := range types {
		s, err := Subject(prefix, t)
		if err != nil {
			return nil, err
		}
		subjects = append(subjects, s)
	}
	slices.Sort(subjects)
	return slices.Compact(subjects), nil
}

// withReplays returns the event subjects with the subject of the replays
// addressed to cfg.Durable added, sorted.
func withReplays(cfg ConsumerConfig, subjects []string) []string {
	out := append(slices.Clone(subjects), replayFilter(cfg.ReplayPrefix, cfg.Durable))
	slices.Sort(out)
	return out
}

// setFilter makes cc's filter the given subjects.
func setFilter(cc *jetstream.ConsumerConfig, subjects []string) {
	cc.FilterSubject, cc.FilterSubjects = "", nil
	if len(subjects) == 1 {
		cc.FilterSubject = subjects[0]
	} else {
		cc.FilterSubjects = slices.Clone(subjects)
	}
}

// filterOf returns cc's filter subjects, sorted.
func filterOf(cc jetstream.ConsumerConfig) []string {
	if cc.FilterSubject != "" {
		return []string{cc.FilterSubject}
	}
	return slices.Sorted(slices.Values(cc.FilterSubjects))
}

// typeLister is a handler that handles only some event types and says
// which, as [*events.Router] does.
type typeLister interface{ Types() []events.EventType }

// fallbacker is a handler that may take every event type, as an
// [*events.Router] with a fallback does.
type fallbacker interface{ HasFallback() bool }

// handlerFilter returns the filter subjects for h when cfg.Types is
// empty: the subjects of the types h lists, or every event subject for a
// handler that has a fallback or lists no types, and in both cases the
// replays addressed to the durable. It returns nil when cfg.Types is set
// (NewConsumer already set the filter).
func (c *Consumer) handlerFilter(h events.Handler) ([]string, error) {
	if len(c.cfg.Types) > 0 {
		return nil, nil
	}
	all := withReplays(c.cfg, []string{c.cfg.Prefix + ".>"})
	if fb, ok := h.(fallbacker); ok && fb.HasFallback() {
		return all, nil
	}
	tl, ok := h.(typeLister)
	if !ok {
		return all, nil
	}
	types := tl.Types()
	if len(types) == 0 {
		return nil, fmt.Errorf("%w: consumer %s: the handler handles no event types: register a handler on it, or set ConsumerConfig.Types", ErrInvalidConfig, c.cfg.Durable)
	}
	subjects, err := typeSubjects(c.cfg.Prefix, types)
	if err != nil {
		return nil, fmt.Errorf("eventnats: consumer %s: a type the handler lists: %w", c.cfg.Durable, err)
	}
	return withReplays(c.cfg, subjects), nil
}

// warnUnhandled logs the types of cfg.Types that h lists no handler for:
// their events will be dead-lettered.
func (c *Consumer) warnUnhandled(ctx context.Context, h events.Handler) {
	tl, ok := h.(typeLister)
	if !ok || len(c.cfg.Types) == 0 {
		return
	}
	if fb, ok := h.(fallbacker); ok && fb.HasFallback() {
		return
	}
	handled := tl.Types()
	var missing []events.EventType
	for _, t := range c.cfg.Types {
		if !slices.Contains(handled, t) && !slices.Contains(missing, t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		c.log.WarnContext(ctx, "eventnats: ConsumerConfig.Types includes types the handler has no handler for; their events will be dead-lettered",
			"consumer", c.cfg.Durable, "types", missing)
	}
}

// narrow sets the durable's filter subjects to want if they differ,
// retrying while the broker is unreachable; it returns nil without
// having done so only when ctx is done. An error the server answers
// (such as a missing stream) is returned. c.mu is held.
func (c *Consumer) narrow(ctx context.Context, want []string) error {
	if slices.Equal(filterOf(c.cc), want) {
		return nil
	}
	cc := c.cc
	setFilter(&cc, want)
	pause := 100 * time.Millisecond
	for {
		cons, err := c.js.CreateOrUpdateConsumer(ctx, c.cfg.Stream, cc)
		if err == nil {
			c.cons, c.cc = cons, cc
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		var apiErr *jetstream.APIError
		if errors.As(err, &apiErr) && apiErr.Code >= 400 && apiErr.Code < 500 {
			return fmt.Errorf("eventnats: consumer %s: set its subjects to %q: %w", c.cfg.Durable, want, err)
		}
		c.log.WarnContext(ctx, "eventnats: cannot set the consumer's subjects; retrying", "consumer", c.cfg.Durable, "subjects", want, "err", brokerErr(c.js, err), "in", pause)
		sleep(ctx, pause)
		pause = min(2*pause, 2*time.Second)
	}
}

// Stats returns the counts so far. It is safe to call while Run runs.
func (c *Consumer) Stats() ConsumerStats {
	return ConsumerStats{
		Received:     c.received.Load(),
		Handled:      c.handled.Load(),
		Retried:      c.retried.Load(),
		DeadLettered: c.deadLettered.Load(),
	}
}

// Run fetches events with cfg.Workers workers and hands each to h until
// ctx is done. A bad message, a failing handler or a broker that goes away
// never stops it: errors are logged and fetching resumes when the broker
// is back.
//
// When ConsumerConfig.Types is empty, Run first sets the durable's
// subjects to the event types h lists (see ConsumerConfig.Types), so
// that events of other types are left in the stream instead of being
// dead-lettered as unknown. The types are read once, when Run starts:
// handlers registered on a Router later are not subscribed to until the
// next Run. Processes sharing a durable should run handlers for the
// same types, since the last to start sets them. A durable that is given
// more types only delivers their events published after its position in
// the stream. If h lists no types at all (an empty Router), Run returns
// an error matching [ErrInvalidConfig] at once. It also returns an error
// if the server refuses the new subjects (the stream was deleted, say);
// while the broker is unreachable it keeps trying, as it does for pulls.
//
// When ctx is done Run stops fetching, lets the handlers already running
// finish (they get a context that is not cancelled with ctx, but keeps its
// values), negatively acknowledges fetched events not yet started so they
// are redelivered promptly, flushes those answers to the server, and
// returns nil. It waits at most about twice DrainWait plus the longest
// running handler: a handler that ignores its context and never returns
// keeps Run from returning. Closing the connection after Run returns
// loses nothing; an answer the server did not get only delays the
// event's redelivery by AckWait.
func (c *Consumer) Run(ctx context.Context, h events.Handler) error {
	if h == nil {
		return fmt.Errorf("%w: nil Handler", ErrInvalidConfig)
	}
	want, err := c.handlerFilter(h)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if want != nil {
		err = c.narrow(ctx, want)
	}
	cons := c.cons
	c.mu.Unlock()
	if err != nil || ctx.Err() != nil {
		return err
	}
	c.warnUnhandled(ctx, h)
	var wg sync.WaitGroup
	for w := range c.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(ctx, cons, w, h)
		}()
	}
	wg.Wait()
	if nc := c.js.Conn(); nc != nil && nc.IsConnected() {
		// Acks and naks are sent without waiting: make sure they left.
		_ = nc.FlushTimeout(c.cfg.DrainWait)
	}
	return nil
}

// work is one worker: a jetstream Consume subscription on cons that
// keeps up to Batch messages pulled ahead (it re-issues pulls and
// recovers from reconnects by itself) and hands them to h one at a time,
// in order.
func (c *Consumer) work(ctx context.Context, cons jetstream.Consumer, worker int, h events.Handler) {
	hctx := context.WithValue(context.WithoutCancel(ctx), workerKey{}, worker)
	_, routed := h.(*events.Router)
	var (
		mu      sync.Mutex // held while a handler runs
		stopped bool
	)
	onMsg := func(m jetstream.Msg) {
		mu.Lock()
		defer mu.Unlock()
		if stopped || ctx.Err() != nil {
			_ = m.Nak() // pulled but not started: give it back now
			return
		}
		c.process(hctx, m, h, routed)
	}
	onErr := func(_ jetstream.ConsumeContext, err error) {
		c.log.WarnContext(ctx, "eventnats: pull error; continuing", "consumer", c.cfg.Durable, "worker", worker, "err", brokerErr(c.js, err))
	}
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		// With small batches jetstream's Consume now and then loses
		// count of its pull requests under load and waits for missing
		// heartbeats to pull again: a 1 s heartbeat bounds that stall to
		// about 2 s instead of the 5 s expiry.
		cc, err := cons.Consume(onMsg, jetstream.PullMaxMessages(c.cfg.Batch), jetstream.PullExpiry(5*time.Second),
			jetstream.PullHeartbeat(time.Second), jetstream.ConsumeErrHandler(onErr))
		if err != nil {
			c.log.WarnContext(ctx, "eventnats: cannot pull; retrying", "consumer", c.cfg.Durable, "worker", worker, "err", brokerErr(c.js, err), "in", pause)
			sleep(ctx, pause)
			pause = min(2*pause, 2*time.Second)
			continue
		}
		pause = 100 * time.Millisecond
		select {
		case <-ctx.Done():
		case <-cc.Closed(): // stopped by the server (consumer deleted): start again
			c.log.WarnContext(ctx, "eventnats: pull stopped; restarting", "consumer", c.cfg.Durable, "worker", worker)
			sleep(ctx, pause)
			continue
		}
		// Hand back what was pulled ahead, then wait for the running
		// handler: taking mu means it has returned.
		cc.Drain()
		t := time.NewTimer(c.cfg.DrainWait)
		select {
		case <-cc.Closed():
		case <-t.C:
		}
		t.Stop()
		mu.Lock()
		stopped = true
		mu.Unlock()
		cc.Stop()
	}
}

// process handles one delivery: decode, validate, handle, then ack, nak
// or dead-letter.
//
// An [*events.Router] validates every event itself before calling a
// handler function (routed is true): the event is not decoded twice, and
// the Router's validation errors dead-letter it just the same.
func (c *Consumer) process(ctx context.Context, m jetstream.Msg, h events.Handler, routed bool) {
	c.received.Add(1)
	md, err := m.Metadata()
	n := uint64(1)
	if err == nil {
		n = md.NumDelivered
	} else {
		md = nil
	}
	op := events.Operation{System: SystemName, Destination: m.Subject(), ConsumerGroup: c.cfg.Durable, Delivery: int(n)}
	e, err := eventFromType(c.subjectType(m.Subject()), m.Subject(), m.Headers(), m.Data())
	if err != nil {
		c.dead(ctx, m, md, op, "malformed: "+err.Error())
		return
	}
	op.Event = e
	if c.obs == nil {
		c.processEvent(ctx, m, md, op, h, routed)
		return
	}
	op.ReplayOf = m.Headers().Get(HeaderReplayOf)
	ctx, end := c.obs.StartHandle(ctx, op, natsCarrier{h: m.Headers(), readOnly: true})
	end(c.processEvent(ctx, m, md, op, h, routed))
}

// processEvent handles the event of a well-formed delivery, op.Event, and
// returns the error that kept it from being handled, nil once it is.
func (c *Consumer) processEvent(ctx context.Context, m jetstream.Msg, md *jetstream.MsgMetadata, op events.Operation, h events.Handler, routed bool) error {
	e, n := op.Event, uint64(op.Delivery)
	if !routed {
		if err := e.Validate(); err != nil {
			c.dead(ctx, m, md, op, "invalid: "+err.Error())
			return err
		}
	}
	if n > uint64(c.cfg.MaxDeliver)+unansweredSlack {
		// Earlier deliveries all ended without an answer: the process
		// died each time (or was stopped while the event waited, which
		// the slack allows for). Do not let it crash the consumer again.
		reason := fmt.Sprintf("delivered %d times without an answer (MaxDeliver %d + %d)", n, c.cfg.MaxDeliver, unansweredSlack)
		c.dead(ctx, m, md, op, reason)
		return errors.New("eventnats: " + reason)
	}
	err := c.handle(ctx, m, h, e)
	switch {
	case err == nil:
		if aerr := m.Ack(); aerr != nil {
			c.log.WarnContext(ctx, "eventnats: ack failed; the event may be redelivered", "consumer", c.cfg.Durable, "id", e.ID, "type", e.Type, "err", brokerErr(c.js, aerr))
		}
		c.handled.Add(1)
	case errors.Is(err, events.ErrInvalidEvent) || errors.Is(err, events.ErrInvalidPayload):
		c.dead(ctx, m, md, op, "invalid: "+err.Error())
	case errors.Is(err, events.ErrUnknownType):
		// Only reached for a type ConsumerConfig.Types asked for, or
		// with a handler that does not list its types.
		c.dead(ctx, m, md, op, "rejected: no handler for "+strconv.Quote(string(e.Type)))
	case isPermanent(err):
		c.dead(ctx, m, md, op, "rejected: "+err.Error())
	case n >= uint64(c.cfg.MaxDeliver):
		c.dead(ctx, m, md, op, fmt.Sprintf("failed %d deliveries: %s", n, err.Error()))
	default:
		d := c.delay(n)
		c.log.InfoContext(ctx, "eventnats: handler failed; will retry", "consumer", c.cfg.Durable, "id", e.ID, "type", e.Type, "delivery", n, "in", d, "err", err)
		if nerr := m.NakWithDelay(d); nerr != nil {
			c.log.WarnContext(ctx, "eventnats: nak failed; the event is redelivered after AckWait", "consumer", c.cfg.Durable, "id", e.ID, "type", e.Type, "err", brokerErr(c.js, nerr))
		}
		c.retried.Add(1)
		if c.obs != nil {
			c.obs.Notice(ctx, events.Notice{Kind: events.NoticeNak, Operation: op, Attempt: int(n), Delay: d, Err: err})
		}
	}
	return err
}

// subjectType returns the event type a subject carries: the part after
// Prefix for an event, the part after ReplayPrefix.Durable for a replay
// addressed to this consumer, or "" for any other subject.
func (c *Consumer) subjectType(subject string) string {
	if t := typeFromSubject(c.cfg.Prefix, subject); t != "" {
		return t
	}
	if d, t, ok := splitReplay(c.cfg.ReplayPrefix, subject); ok && d == c.cfg.Durable {
		return t
	}
	return ""
}

// unansweredSlack is how many deliveries beyond MaxDeliver a message may
// have without its handler ever failing before it is dead-lettered
// unhandled. Deliveries given back at a graceful stop, and redeliveries
// of an event that waited pulled ahead past AckWait, raise the server's
// count without the handler ever running or failing; a good event must
// not be dead-lettered for them.
const unansweredSlack = 20

// handle runs h on e, telling the server the event is in progress every
// AckWait/4 until the handler returns, so that a slow handler is not
// raced by a redelivery of its own event. A fast handler sends nothing
// extra: a progress message per event would halve throughput.
func (c *Consumer) handle(ctx context.Context, m jetstream.Msg, h events.Handler, e events.Event) error {
	every := max(c.cfg.AckWait/4, time.Millisecond)
	var (
		mu   sync.Mutex // orders the beats before the handler's answer
		done bool
		beat *time.Timer
	)
	mu.Lock()
	beat = time.AfterFunc(every, func() {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			_ = m.InProgress()
			beat.Reset(every)
		}
	})
	mu.Unlock()
	err := safeHandle(ctx, h, e)
	mu.Lock()
	done = true
	beat.Stop()
	mu.Unlock()
	return err
}

// dead dead-letters m, whose event is op.Event (the zero Event for a
// malformed message), and logs the outcome.
func (c *Consumer) dead(ctx context.Context, m jetstream.Msg, md *jetstream.MsgMetadata, op events.Operation, reason string) {
	if err := c.deadLetter(ctx, m, md, reason); err != nil {
		c.log.ErrorContext(ctx, "eventnats: cannot dead-letter; the message will be redelivered",
			append(eventAttrs(op, "consumer", c.cfg.Durable, "subject", m.Subject()), "reason", reason, "err", err)...)
		c.retried.Add(1)
		if c.obs != nil {
			c.obs.Notice(ctx, events.Notice{Kind: events.NoticeNak, Operation: op, Attempt: op.Delivery, Delay: c.delay(uint64(max(op.Delivery, 1))), Err: err})
		}
		return
	}
	c.log.WarnContext(ctx, "eventnats: dead-lettered", append(eventAttrs(op, "consumer", c.cfg.Durable, "subject", m.Subject()), "reason", reason)...)
	c.deadLettered.Add(1)
	if c.obs != nil {
		c.obs.Notice(ctx, events.Notice{Kind: events.NoticeDeadLetter, Operation: op, Reason: reason})
	}
}

// eventAttrs returns args with the event's "id" and "type" added, when
// the message was an event.
func eventAttrs(op events.Operation, args ...any) []any {
	if op.Event.ID == "" {
		return args
	}
	return append(args, "id", op.Event.ID, "type", op.Event.Type)
}

// delay is the backoff before the redelivery after the n-th delivery.
func (c *Consumer) delay(n uint64) time.Duration {
	i := int(min(n, uint64(len(c.cfg.Backoff)))) - 1
	return c.cfg.Backoff[max(i, 0)]
}

// safeHandle calls h, turning a panic into an error.
func safeHandle(ctx context.Context, h events.Handler, e events.Event) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if rerr, ok := r.(error); ok {
				err = fmt.Errorf("eventnats: handler panicked: %w\n%s", rerr, debug.Stack())
			} else {
				err = fmt.Errorf("eventnats: handler panicked: %v\n%s", r, debug.Stack())
			}
		}
	}()
	return h.HandleEvent(ctx, e)
}

// isPermanent reports whether retrying cannot help: err was made with
// [events.Permanent], or is a refusal of an [events.Router].
func isPermanent(err error) bool {
	return errors.Is(err, events.ErrRejected) ||
		errors.Is(err, events.ErrInvalidEvent) || errors.Is(err, events.ErrInvalidPayload) ||
		errors.Is(err, events.ErrUnknownType) || errors.Is(err, events.ErrTypeMismatch)
}

// workerKey is the context key of the worker number.
type workerKey struct{}

// WorkerID returns the number, from 0 to Workers-1, of the [Consumer]
// worker that is running the handler called with ctx, for logs.
func WorkerID(ctx context.Context) (int, bool) {
	w, ok := ctx.Value(workerKey{}).(int)
	return w, ok
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// checkDurable checks a durable consumer name: not empty, no '.', '*',
// '>', slashes or whitespace.
func checkDurable(name string) error {
	if name == "" {
		return errors.New("required")
	}
	for _, r := range name {
		switch {
		case r == '.', r == '*', r == '>', r == '/', r == '\\', r <= ' ', r == 0x7f:
			return fmt.Errorf("%q contains %q", name, r)
		}
	}
	return nil
}
