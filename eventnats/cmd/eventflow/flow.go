package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// The demo's own subjects and streams: run against a shared broker
// (--nats), it never publishes into the real event subjects nor changes
// the real streams. Its messages expire after an hour.
const (
	demoPrefix    = "algoryn.demo.events"
	demoDLQPrefix = "algoryn.demo.dlq"
	demoStream    = "ALGORYN_DEMO_EVENTS"
	demoDLQStream = "ALGORYN_DEMO_DLQ"
	demoMaxAge    = time.Hour
)

// demoStreams is the StreamConfig of the demo's streams.
var demoStreams = eventnats.StreamConfig{
	Name: demoStream, Prefix: demoPrefix, DeadLetterName: demoDLQStream, DeadLetterPrefix: demoDLQPrefix,
	MaxAge: demoMaxAge, DeadLetterMaxAge: demoMaxAge,
}

type config struct {
	natsURL  string
	storeDir string
	timeout  time.Duration
	poison   bool
	outbox   bool
	trace    bool
	log      *slog.Logger
}

// printer writes one line per hop, never interleaved. An event is
// printed as published ("→") only once the broker acknowledged it. A
// consumer may receive an event before its publisher hears back, so while
// a publish is pending the lines that come after it wait in a queue
// behind its slot, and the output stays in order.
type printer struct {
	mu    sync.Mutex
	w     io.Writer
	queue []*slot // lines waiting behind a pending publish
}

// slot is a line in the queue; pending until its publish returns.
type slot struct {
	text    string
	pending bool
}

func hopLine(tool, arrow string, t events.EventType, id, text string) string {
	return fmt.Sprintf("  %-9s %s %-21s %-10s %s\n", tool, arrow, t, short(id), text)
}

// write prints text, or queues it behind a pending publish; p.mu is held.
func (p *printer) write(text string) {
	if len(p.queue) > 0 {
		p.queue = append(p.queue, &slot{text: text})
		return
	}
	io.WriteString(p.w, text)
}

// flush prints the queued lines up to the first pending slot; p.mu is
// held.
func (p *printer) flush() {
	for len(p.queue) > 0 && !p.queue[0].pending {
		io.WriteString(p.w, p.queue[0].text)
		p.queue = p.queue[1:]
	}
}

// hop prints one hop.
func (p *printer) hop(tool, arrow string, t events.EventType, id, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write(hopLine(tool, arrow, t, id, text))
}

// publishing reserves the place of a publish's line: what is printed
// next waits until [printer.published] or [printer.unpublished] fills it.
func (p *printer) publishing() *slot {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &slot{pending: true}
	p.queue = append(p.queue, s)
	return s
}

// published fills s with the "→" line of an event the broker
// acknowledged.
func (p *printer) published(s *slot, tool string, e events.Event, text string) {
	p.fill(s, hopLine(tool, "→", e.Type, e.ID, text))
}

// unpublished fills s with the "✗" line of an event whose publish
// failed, saying what the failure means and why. After a timeout the
// broker may still have stored, and delivered, the event.
func (p *printer) unpublished(s *slot, tool string, e events.Event, what string, err error) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		what += " (no acknowledgement in time; the broker may still have stored it)"
	}
	p.fill(s, hopLine(tool, "✗", e.Type, e.ID, fmt.Sprintf("%s: %v", what, err)))
}

func (p *printer) fill(s *slot, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.text, s.pending = text, false
	p.flush()
}

func (p *printer) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write(fmt.Sprintf(format+"\n", args...))
}

// short shortens an ID for display: UUIDv7s share their leading
// (time) digits, so show the end.
func short(id string) string {
	if len(id) > 8 {
		return "…" + id[len(id)-8:]
	}
	return id
}

// publishFunc publishes e for tool, printing it as published with text,
// or, if the broker did not acknowledge it, what failed means and why.
// The span in ctx, if any (--trace), is the publish's parent.
type publishFunc func(ctx context.Context, tool string, e events.Event, text, failed string) error

// ledger records what was published and what each consumer received.
type ledger struct {
	mu        sync.Mutex
	published []events.Event
	got       map[string]map[string]int // consumer -> event ID -> deliveries
	alerts    map[string]string         // alert ID -> correlated violation ID
	paged     bool                      // alerts also go to the pager over HTTP (--trace)
}

func (l *ledger) sent(e events.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.published = append(l.published, e)
}

func (l *ledger) received(consumer string, e events.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.got[consumer] == nil {
		l.got[consumer] = map[string]int{}
	}
	l.got[consumer][e.ID]++
}

// expected lists, for each consumer, the IDs it must receive.
func (l *ledger) expected() map[string][]string {
	want := map[string][]string{}
	for _, e := range l.published {
		want["dashboard"] = append(want["dashboard"], e.ID)
		switch e.Type {
		case events.EventTypeServiceRegistered, events.EventTypeServiceDeregistered:
			want["relay"] = append(want["relay"], e.ID)
		case events.EventTypeThresholdViolated:
			want["beacon"] = append(want["beacon"], e.ID)
		case events.EventTypeAlertFired:
			if l.paged {
				want["pager"] = append(want["pager"], e.ID)
			}
		}
	}
	return want
}

// missing returns how many expected deliveries have not happened, and
// how many violations have no alert yet.
func (l *ledger) missing() (lost, unalerted int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for consumer, ids := range l.expected() {
		for _, id := range ids {
			if l.got[consumer][id] == 0 {
				lost++
			}
		}
	}
	alerted := map[string]bool{}
	for _, v := range l.alerts {
		alerted[v] = true
	}
	for _, e := range l.published {
		if e.Type == events.EventTypeThresholdViolated && !alerted[e.ID] {
			unalerted++
		}
	}
	return lost, unalerted
}

func (l *ledger) delivered() (n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ids := range l.got {
		for _, k := range ids {
			n += k
		}
	}
	return n
}

// embedded is the embedded server, which --outbox stops and starts
// again on the same port and store.
type embedded struct {
	srv  *eventnats.Embedded
	dir  string
	port int
}

func (e *embedded) stop() {
	if e.srv != nil {
		e.srv.Shutdown()
		e.srv = nil
	}
}

func (e *embedded) start() error {
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: e.dir, Port: e.port})
	if err != nil {
		return err
	}
	e.srv, e.port = srv, srv.Port()
	return nil
}

// connectBroker starts the embedded server or connects to url. emb is
// nil with --nats.
func connectBroker(cfg config, out *printer) (nc *nats.Conn, emb *embedded, cleanup func(), err error) {
	cleanup = func() {}
	url := cfg.natsURL
	if url == "" {
		dir := cfg.storeDir
		if dir == "" {
			if dir, err = os.MkdirTemp("", "eventflow-"); err != nil {
				return nil, nil, cleanup, fmt.Errorf("eventflow: store directory: %w", err)
			}
			cleanup = func() { os.RemoveAll(dir) }
		}
		emb = &embedded{dir: dir}
		if err := emb.start(); err != nil {
			cleanup()
			return nil, nil, func() {}, err
		}
		rm := cleanup
		cleanup = func() { emb.stop(); rm() }
		url = emb.srv.URL()
		out.line("eventflow: embedded NATS JetStream at %s (store %s)", url, dir)
	} else {
		out.line("eventflow: NATS at %s", url)
	}
	nc, err = nats.Connect(url, nats.Name("eventflow"), nats.Timeout(3*time.Second), nats.ReconnectWait(100*time.Millisecond),
		nats.MaxReconnects(-1),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			cfg.log.Warn("eventflow: NATS connection error", "err", err)
		}))
	if err != nil {
		cleanup()
		return nil, nil, func() {}, fmt.Errorf("eventflow: connect to %s: %w", url, err)
	}
	rm := cleanup
	return nc, emb, func() { nc.Close(); rm() }, nil
}

// flow runs the whole thing and returns the exit code.
func flow(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	out := &printer{w: stdout}
	start := time.Now()
	nc, emb, cleanup, err := connectBroker(cfg, out)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer cleanup()
	// setupFailed reports a setup error: exit 2, or 1 if it is the
	// --timeout that ran out.
	setupFailed := func(err error) int {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "eventflow: time ran out (--timeout %s) before the flow started: %v\n", cfg.timeout, err)
			return 1
		}
		fmt.Fprintln(stderr, err)
		return 2
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return setupFailed(fmt.Errorf("eventflow: %w", err))
	}
	if _, err := eventnats.EnsureStream(ctx, js, demoStreams); err != nil {
		return setupFailed(err)
	}
	// --trace: one Observer for every publisher and consumer.
	var (
		tr     *tracing
		obs    events.Observer
		tracer trace.Tracer = noop.NewTracerProvider().Tracer("")
	)
	if cfg.trace {
		if tr, err = newTracing(); err != nil {
			return setupFailed(err)
		}
		defer tr.close()
		obs, tracer = tr.obs, tr.tracer
	}
	pub, err := eventnats.NewPublisher(js, eventnats.PublisherConfig{Prefix: demoPrefix, Logger: cfg.log, Observer: obs})
	if err != nil {
		return setupFailed(err)
	}

	led := &ledger{got: map[string]map[string]int{}, alerts: map[string]string{}, paged: cfg.trace}
	var page func(ctx context.Context, alert events.Event) error // Beacon pages over HTTP (--trace)
	if cfg.trace {
		pg, err := startPager(pagerHandler(led, out), obs, out)
		if err != nil {
			return setupFailed(err)
		}
		defer pg.close()
		page = func(hctx context.Context, alert events.Event) error {
			return pg.pub.Publish(trace.ContextWithSpan(ctx, trace.SpanFromContext(hctx)), alert)
		}
	}
	// The tools publish to the broker, or with --outbox to the outbox,
	// which a forwarder empties into the broker.
	var target events.Publisher = pub
	var ob *outboxFlow
	if cfg.outbox {
		if ob, err = startOutbox(ctx, cfg, emb, pub, out); err != nil {
			return setupFailed(err)
		}
		defer ob.close()
		target = ob.outbox
	}
	// publish publishes e and prints it as published only if the broker
	// (or, with --outbox, the outbox) acknowledged it, so the output
	// agrees with the summary. failed says what a failure means for this
	// caller.
	publish := func(pctx context.Context, tool string, e events.Event, text, failed string) error {
		s := out.publishing()
		// The flow's deadline, and the span of pctx (--trace).
		if err := target.Publish(trace.ContextWithSpan(ctx, trace.SpanFromContext(pctx)), e); err != nil {
			out.unpublished(s, tool, e, failed, err)
			return err
		}
		led.sent(e)
		out.published(s, tool, e, text)
		return nil
	}

	// Consumers first, each a durable of its own, starting at new
	// events: on a shared broker an earlier run's events are not replayed.
	// Relay's and Beacon's Routers say which types they take, and their
	// consumers receive just those; the dashboard takes everything.
	tag := fmt.Sprintf("%d", time.Now().UnixNano())
	consumers := map[string]*eventnats.Consumer{}
	var handlers = map[string]events.Handler{
		"relay":     relayHandler(led, out),
		"beacon":    beaconHandler(led, out, publish, page),
		"dashboard": dashboardHandler(led, out, cfg.trace),
	}
	defer func() { // leave nothing behind on a shared broker
		dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for name := range consumers {
			_ = js.DeleteConsumer(dctx, demoStream, "eventflow-"+name+"-"+tag)
		}
	}()
	runCtx, stopConsumers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	defer func() { stopConsumers(); wg.Wait() }()
	for _, name := range []string{"relay", "beacon", "dashboard"} {
		c, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{
			Durable:          "eventflow-" + name + "-" + tag,
			Stream:           demoStream,
			Prefix:           demoPrefix,
			DeadLetterPrefix: demoDLQPrefix,
			Workers:          2,
			DrainWait:        200 * time.Millisecond,
			Backoff:          []time.Duration{100 * time.Millisecond},
			DeliverPolicy:    jetstream.DeliverNewPolicy,
			Logger:           cfg.log.With("tool", name),
			Observer:         obs,
		})
		if err != nil {
			return setupFailed(err)
		}
		consumers[name] = c
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.Run(runCtx, handlers[name])
		}()
	}

	produceErr := produce(ctx, cfg, js, publish, out, ob, tracer)
	if produceErr != nil {
		fmt.Fprintln(stderr, produceErr)
	}

	// Wait until everything arrived, or the time is up.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	wantDead := uint64(0)
	if cfg.poison {
		wantDead = 2 // beacon and dashboard both take threshold.violated
	}
wait:
	for produceErr == nil {
		lost, unalerted := led.missing()
		var dead uint64
		for _, c := range consumers {
			dead += c.Stats().DeadLettered
		}
		if lost == 0 && unalerted == 0 && dead >= wantDead {
			break
		}
		select {
		case <-ctx.Done():
			break wait
		case <-tick.C:
		}
	}
	stopConsumers()
	wg.Wait()

	lost, unalerted := led.missing()
	if ob != nil {
		ob.summary(ctx, len(led.published))
	}
	if tr != nil {
		tr.printTraces(out, tag, ob != nil)
	}
	var st eventnats.ConsumerStats
	for _, c := range consumers {
		s := c.Stats()
		st.Received += s.Received
		st.Handled += s.Handled
		st.Retried += s.Retried
		st.DeadLettered += s.DeadLettered
	}
	out.line("")
	pagerCount := ""
	if led.paged {
		pagerCount = fmt.Sprintf(", pager %d", len(led.got["pager"]))
	}
	out.line("summary: published %d, delivered %d (relay %d, beacon %d, dashboard %d%s), retried %d, dead-lettered %d, lost %d, violations without alert %d, in %s",
		len(led.published), led.delivered(), len(led.got["relay"]), len(led.got["beacon"]), len(led.got["dashboard"]), pagerCount,
		st.Retried, st.DeadLettered, lost, unalerted, time.Since(start).Round(time.Millisecond))
	if lost > 0 || unalerted > 0 || produceErr != nil {
		out.line("FAIL: %d deliveries lost, %d violations without alert, publishing stopped early: %t", lost, unalerted, produceErr != nil)
		return 1
	}
	out.line("ok: every event reached every consumer")
	return 0
}

// produce publishes the ecosystem's events in order, stopping at the
// first that is not published.
// With --outbox (ob not nil) it stops the broker after the second event
// and starts it again after the fourth.
func produce(ctx context.Context, cfg config, js jetstream.JetStream, publish publishFunc, out *printer, ob *outboxFlow, tracer trace.Tracer) error {
	step := func(tool string, p events.Payload, text string) error {
		e, err := events.New(tool, p)
		if err != nil {
			return fmt.Errorf("eventflow: %s: %w", tool, err)
		}
		// The tool's own span (--trace), where each causal chain starts.
		sctx, span := tracer.Start(ctx, tool+" emits "+string(e.Type))
		err = publish(sctx, tool, e, text, "not published")
		span.End()
		if err != nil {
			return fmt.Errorf("eventflow: %s: %w", tool, err)
		}
		time.Sleep(50 * time.Millisecond) // let each hop print in order
		return nil
	}
	backend := events.ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080", Tags: map[string]string{"version": "1.2.0"}}
	steps := []struct {
		tool string
		p    events.Payload
		text string
	}{
		{events.SourceDeploy, backend, "checkout backend 10.0.0.7:8080 is up"},
		{events.SourcePulse, events.RunCompletedPayload{RunID: "run-42", Service: "checkout", Passed: false, Duration: 90 * time.Second,
			Summary: events.RunSummary{Total: 12000, Failed: 312, RPS: 133.3, ErrorRate: 0.026, P99Ms: 412}}, "load test run-42 on checkout: failed"},
		{events.SourcePulse, events.ThresholdViolatedPayload{Service: "checkout", Source: events.SourcePulse, Description: "p99_latency < 200ms", Actual: 412, Limit: 200}, "checkout p99 412ms > 200ms"},
		{events.SourceRelay, events.ThresholdViolatedPayload{Service: "checkout", Source: events.SourceRelay, Description: "error_rate < 0.01", Actual: 0.026, Limit: 0.01}, "checkout error rate 2.6% > 1%"},
		{events.SourceDeploy, events.ServiceDeregisteredPayload(backend), "checkout backend 10.0.0.7:8080 is going away"},
	}
	for i, s := range steps {
		if ob != nil && i == 2 {
			if err := ob.brokerDown(ctx); err != nil {
				return err
			}
		}
		if ob != nil && i == 4 {
			if err := ob.brokerUp(ctx); err != nil {
				return err
			}
		}
		if err := step(s.tool, s.p, s.text); err != nil {
			return err
		}
	}
	if cfg.poison {
		m := nats.NewMsg(demoPrefix + ".threshold.violated")
		m.Header.Set(eventnats.HeaderSpecVersion, eventnats.SpecVersion)
		m.Data = []byte("{not json")
		if _, err := js.PublishMsg(ctx, m); err != nil {
			return fmt.Errorf("eventflow: poison: %w", err)
		}
		out.hop("rogue", "→", events.EventTypeThresholdViolated, "-", "malformed bytes, no ce-id (should be dead-lettered)")
	}
	return nil
}

func relayHandler(led *ledger, out *printer) events.Handler {
	r := events.NewRouter()
	events.Handle(r, func(_ context.Context, e events.Event, p events.ServiceRegisteredPayload) error {
		led.received("relay", e)
		out.hop("relay", "←", e.Type, e.ID, "add backend "+p.Address+" to "+p.Name)
		return nil
	})
	events.Handle(r, func(_ context.Context, e events.Event, p events.ServiceDeregisteredPayload) error {
		led.received("relay", e)
		out.hop("relay", "←", e.Type, e.ID, "drain backend "+p.Address+" from "+p.Name)
		return nil
	})
	return r
}

// alertNamespace makes alert IDs: a name-based UUID of the violation ID.
var alertNamespace = uuid.MustParse("6f0e3c52-4a51-4f0e-9a57-1f2b8e6c0a11")

// beaconHandler fires an alert for each violation over NATS and, when page
// is not nil (--trace), pages the pager over HTTP too.
func beaconHandler(led *ledger, out *printer, publish publishFunc, page func(context.Context, events.Event) error) events.Handler {
	r := events.NewRouter()
	events.Handle(r, func(ctx context.Context, e events.Event, p events.ThresholdViolatedPayload) error {
		out.hop("beacon", "←", e.Type, e.ID, fmt.Sprintf("%s from %s: %s (%g > %g)", p.Service, e.Source, p.Description, p.Actual, p.Limit))
		// The alert's ID derives from the violation's, so that a retry
		// after a lost acknowledgement publishes the same alert, which
		// the server then deduplicates.
		alert, err := events.New(events.SourceBeacon, events.AlertFiredPayload{
			AlertID: "alert-" + short(e.ID)[len("…"):], RuleID: "latency-and-errors", RuleName: "checkout SLO",
			Severity: events.SeverityCritical, Service: p.Service, Summary: p.Description + " violated",
			FiredAt: time.Now().UTC(), CorrelationEventID: e.ID,
		}, events.WithID(uuid.NewSHA1(alertNamespace, []byte(e.ID)).String()))
		if err != nil {
			return events.Permanent(err)
		}
		if err := publish(ctx, events.SourceBeacon, alert, "critical alert on "+p.Service+", caused by "+short(e.ID),
			"publish failed, the violation will be retried"); err != nil {
			return err // retried
		}
		if page != nil {
			if err := page(ctx, alert); err != nil {
				return err // retried; the alert's republish is deduplicated
			}
		}
		led.received("beacon", e)
		return nil
	})
	return r
}

// dashboardHandler shows every event; it is the pager too, unless the
// pager is reached over HTTP (paged, --trace).
func dashboardHandler(led *ledger, out *printer, paged bool) events.Handler {
	alertTool := "pager"
	if paged {
		alertTool = "dashboard"
	}
	return events.HandlerFunc(func(_ context.Context, e events.Event) error {
		p, err := events.DecodePayload(e)
		if err != nil {
			return err // dead-lettered: cannot be shown
		}
		led.received("dashboard", e)
		switch p := p.(type) {
		case events.RunCompletedPayload:
			out.hop("dashboard", "←", e.Type, e.ID, fmt.Sprintf("run %s: passed=%t, %d requests, p99 %gms", p.RunID, p.Passed, p.Summary.Total, p.Summary.P99Ms))
		case events.AlertFiredPayload:
			led.mu.Lock()
			led.alerts[p.AlertID] = p.CorrelationEventID
			led.mu.Unlock()
			out.hop(alertTool, "←", e.Type, e.ID, fmt.Sprintf("%s alert on %s, caused by %s", p.Severity, p.Service, short(p.CorrelationEventID)))
		}
		return nil
	})
}
