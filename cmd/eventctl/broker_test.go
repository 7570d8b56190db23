package main

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// testBroker is an embedded NATS server with the eventnats streams.
type testBroker struct {
	url string
	js  jetstream.JetStream
}

func startBroker(t *testing.T) testBroker {
	t.Helper()
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := eventnats.EnsureStream(ctx, js, eventnats.StreamConfig{}); err != nil {
		t.Fatal(err)
	}
	return testBroker{url: srv.URL(), js: js}
}

// run runs eventctl against the broker (through $NATS_URL, so that the
// golden files do not hold the random port) and compares with name.golden
// after normalize, if given.
func (b testBroker) run(t *testing.T, name string, normalize func(string) string, args ...string) result {
	t.Helper()
	r := runBinary(t, "testdata", "", []string{"NATS_URL=" + b.url}, args...)
	if normalize != nil {
		r.stdout, r.stderr = normalize(r.stdout), normalize(r.stderr)
	}
	if name != "" {
		checkGolden(t, name, r.transcript(args, ""))
	}
	return r
}

// counter counts the deliveries of each event ID to one handler.
type counter struct {
	mu   sync.Mutex
	seen map[string]int
}

func (c *counter) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]int{}
	}
	c.seen[id]++
}

func (c *counter) get(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen[id]
}

// runConsumer runs a durable consumer of threshold.violated with handle
// until the test ends.
func runConsumer(t *testing.T, js jetstream.JetStream, durable string, handle events.HandlerFunc) *eventnats.Consumer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{
		Durable: durable, Types: []events.EventType{events.EventTypeThresholdViolated},
		MaxDeliver: 2, Backoff: []time.Duration{10 * time.Millisecond}, DrainWait: 100 * time.Millisecond,
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := c.Run(ctx, handle); err != nil {
			t.Errorf("%s: Run: %v", durable, err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

// waitFor polls cond until it holds, failing after 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readStats(t *testing.T, js jetstream.JetStream) eventnats.Stats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := eventnats.ReadStats(ctx, js, eventnats.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func durable(st eventnats.Stats, name string) eventnats.DurableStats {
	for _, c := range st.Consumers {
		if c.Name == name {
			return c
		}
	}
	return eventnats.DurableStats{}
}

var (
	storedTime = regexp.MustCompile(`("stored":"|Stored:\s+)[0-9T:.Z-]+`)
)

// normalizeTimes replaces the times the server gives.
func normalizeTimes(s string) string { return storedTime.ReplaceAllString(s, "${1}<stored>") }

// normalizeAges replaces the AGE column of dlq ls and joins columns with
// " | ", so that the width of the age does not move the others.
func normalizeAges(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		cols := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(l), -1)
		if len(cols) == 7 && cols[0] != "SEQ" {
			cols[5] = "<age>"
		}
		lines[i] = strings.Join(cols, " | ")
	}
	return strings.Join(lines, "\n")
}

// TestBrokerSession is the session the issue asks for, end to end: two
// durable consumers of threshold.violated, beacon and audit; beacon fails
// on one event until it is fixed, so the event is dead-lettered; eventctl
// publishes, tails, lists, shows and replays it; beacon then handles it
// once, audit never sees it twice, and the dead-letter stream is empty.
func TestBrokerSession(t *testing.T) {
	b := startBroker(t)
	const failing = "0196a1b2-0000-7000-8000-0000000000a1"
	var fixed atomic.Bool
	var beacon, audit counter
	beaconC := runConsumer(t, b.js, "beacon", func(ctx context.Context, e events.Event) error {
		if e.ID == failing && !fixed.Load() {
			return errors.New("beacon: pager gateway returned 503")
		}
		beacon.add(e.ID)
		return nil
	})
	runConsumer(t, b.js, "audit", func(ctx context.Context, e events.Event) error {
		audit.add(e.ID)
		return nil
	})

	b.run(t, "broker-publish", nil, "publish", "broker/events.ndjson")
	b.run(t, "broker-publish-again", nil, "publish", "broker/events.ndjson")

	waitFor(t, "beacon to dead-letter the event", func() bool { return beaconC.Stats().DeadLettered == 1 })
	waitFor(t, "audit to handle the event", func() bool { return audit.get(failing) == 1 })

	b.run(t, "broker-tail-json", nil, "tail", "--all", "--count", "3", "--format", "json")
	b.run(t, "broker-tail-pretty", nil, "tail", "--all", "--count", "3")
	b.run(t, "broker-tail-type", nil, "tail", "--all", "--count", "1", "--type", "run.completed", "--format", "cloudevents")
	b.run(t, "broker-dlq-ls", normalizeAges, "dlq", "ls")
	b.run(t, "broker-dlq-ls-json", normalizeTimes, "dlq", "ls", "--json", "--consumer", "beacon")
	b.run(t, "broker-dlq-ls-none", nil, "dlq", "ls", "--consumer", "audit")
	b.run(t, "broker-dlq-show", normalizeTimes, "dlq", "show", "1")

	r := b.run(t, "", nil, "stats", "--json")
	var st eventnats.Stats
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != 0 {
		t.Fatalf("stats --json: exit %d, %v: %s%s", r.code, err, r.stdout, r.stderr)
	}
	if want := []eventnats.DeadLetterCount{{Type: events.EventTypeThresholdViolated, Consumer: "beacon", Count: 1}}; len(st.DeadLettersBy) != 1 || st.DeadLettersBy[0] != want[0] {
		t.Errorf("stats: dead letters by type and consumer %+v, want %+v", st.DeadLettersBy, want)
	}
	if st.Messages != 3 || len(st.Consumers) != 2 {
		t.Errorf("stats: %d messages, %d consumers; want 3 and 2", st.Messages, len(st.Consumers))
	}
	text := b.run(t, "", nil, "stats")
	for _, want := range []string{"Stream ALGORYN_EVENTS: 3 messages", "beacon", "audit", "Dead letters in ALGORYN_DLQ: 1", "threshold.violated  beacon"} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("stats does not say %q:\n%s", want, text.stdout)
		}
	}

	b.run(t, "broker-dlq-replay-dry-run", nil, "dlq", "replay", "1", "--dry-run")
	if got := readStats(t, b.js).DeadLetters; got != 1 {
		t.Fatalf("after a dry run the dead-letter stream holds %d, want 1", got)
	}
	b.run(t, "broker-dlq-replay-filtered", nil, "dlq", "replay", "1", "--consumer", "audit")
	fixed.Store(true)
	b.run(t, "broker-dlq-replay", nil, "dlq", "replay", "1")

	waitFor(t, "beacon to handle the replay", func() bool { return beacon.get(failing) == 1 })
	waitFor(t, "audit to have nothing pending", func() bool {
		a := durable(readStats(t, b.js), "audit")
		return a.Name == "audit" && a.Pending == 0 && a.AckPending == 0
	})
	if n := audit.get(failing); n != 1 {
		t.Errorf("audit handled the replayed event %d times, want once", n)
	}
	if n := beacon.get(failing); n != 1 {
		t.Errorf("beacon handled the replayed event %d times, want once", n)
	}
	if got := readStats(t, b.js).DeadLetters; got != 0 {
		t.Errorf("the dead-letter stream holds %d after the replay, want 0", got)
	}
	b.run(t, "broker-dlq-ls-empty", nil, "dlq", "ls")
	b.run(t, "broker-dlq-replay-gone", nil, "dlq", "replay", "1")
	tailSkipsReplays(t, b)
	tailSinceAndService(t, b)
}

// tailSinceAndService checks the two filters that pick what tail starts
// with and shows: --since starts in the past (by default tail shows only
// new events), and --service keeps the events about one service.
func tailSinceAndService(t *testing.T, b testBroker) {
	t.Helper()
	pub, err := eventnats.NewPublisher(b.js, eventnats.PublisherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	search, err := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{Name: "search", Address: "10.0.0.9:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(context.Background(), search); err != nil {
		t.Fatal(err)
	}
	tailed := func(args ...string) []events.Event {
		t.Helper()
		r := b.run(t, "", nil, append([]string{"tail", "--format", "json"}, args...)...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("tail %v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		var out []events.Event
		for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
			var e events.Event
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("tail %v printed %q: %v", args, line, err)
			}
			out = append(out, e)
		}
		return out
	}
	if got := tailed("--since", "10m", "--count", "1"); got[0].ID != "0196a1b2-0000-7000-8000-0000000000a1" {
		t.Errorf("tail --since 10m started with %s, want the first event published", got[0].ID)
	}
	got := tailed("--all", "--service", "search", "--count", "1")
	if got[0].ID != search.ID {
		t.Errorf("tail --service search showed %s (%s), want %s", got[0].ID, got[0].Subject(), search.ID)
	}
}

// tailSkipsReplays checks that tail shows events, not the replay the
// stream also holds now: after one more event, the first four tailed are
// the three published and that one, each once.
func tailSkipsReplays(t *testing.T, b testBroker) {
	t.Helper()
	pub, err := eventnats.NewPublisher(b.js, eventnats.PublisherConfig{})
	if err != nil {
		t.Fatal(err)
	}
	marker, err := events.New(events.SourceDeploy, events.ServiceDeregisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(context.Background(), marker); err != nil {
		t.Fatal(err)
	}
	if st := readStats(t, b.js); st.Messages != 5 {
		t.Fatalf("the event stream holds %d messages, want 5: three events, the replay and the marker", st.Messages)
	}
	r := b.run(t, "", nil, "tail", "--all", "--count", "4", "--format", "json")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("tail --all --count 4: exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e events.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("tail printed %q: %v", line, err)
		}
		ids = append(ids, e.ID)
	}
	if len(ids) != 4 || ids[3] != marker.ID {
		t.Errorf("tail --all --count 4 showed %v; want the three published events, then %s", ids, marker.ID)
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if ids[i] == ids[j] {
				t.Errorf("tail showed %s twice: the replay is not a new event", ids[i])
			}
		}
	}
}

// TestBrokerPurge purges a dead letter published by hand, as another tool
// might leave one, and refuses to purge without --yes.
func TestBrokerPurge(t *testing.T) {
	b := startBroker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	msg := nats.NewMsg(eventnats.DefaultDeadLetterPrefix + ".run.completed")
	msg.Data = []byte(`{"RunID":"r-1"}`)
	msg.Header.Set(eventnats.HeaderDLQReason, "malformed: missing header ce-id")
	if _, err := b.js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	b.run(t, "broker-dlq-show-malformed", normalizeTimes, "dlq", "show", "1")
	b.run(t, "broker-dlq-replay-malformed", nil, "dlq", "replay", "1")
	b.run(t, "broker-dlq-purge-no-yes", nil, "dlq", "purge", "1")
	b.run(t, "broker-dlq-purge-all", nil, "dlq", "purge", "--all", "--yes")
	if got := readStats(t, b.js).DeadLetters; got != 0 {
		t.Errorf("the dead-letter stream holds %d after the purge, want 0", got)
	}
}

// TestBrokerUnreachable checks that a broker that cannot be reached gives
// one line on stderr and exit status 2, quickly.
func TestBrokerUnreachable(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"publish", "broker/events.ndjson"}, {"tail"}, {"dlq", "ls"}, {"stats"}} {
		r := runBinary(t, "testdata", "", []string{"NATS_URL=nats://127.0.0.1:1"}, args...)
		checkGolden(t, "broker-unreachable-"+args[0], r.transcript(args, ""))
	}
}
