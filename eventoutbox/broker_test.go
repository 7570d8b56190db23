package eventoutbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// broker is an embedded NATS server that a test can stop and start again
// on the same port and store.
type broker struct {
	t    testing.TB
	dir  string
	port int
	srv  *eventnats.Embedded
	js   jetstream.JetStream
}

func startBroker(t testing.TB) *broker {
	t.Helper()
	b := &broker{t: t, dir: t.TempDir()}
	b.start()
	b.port = b.srv.Port()
	t.Cleanup(func() { b.stop() })
	nc, err := nats.Connect(b.srv.URL(), nats.ReconnectWait(20*time.Millisecond), nats.MaxReconnects(-1),
		nats.ErrorHandler(func(*nats.Conn, *nats.Subscription, error) {}))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	b.js, err = jetstream.New(nc)
	require.NoError(t, err)
	_, err = eventnats.EnsureStream(context.Background(), b.js, eventnats.StreamConfig{})
	require.NoError(t, err)
	return b
}

func (b *broker) start() {
	b.t.Helper()
	srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: b.dir, Port: b.port})
	require.NoError(b.t, err)
	b.srv = srv
}

func (b *broker) stop() {
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv = nil
	}
}

func (b *broker) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", b.port) }

// publisher returns an eventnats Publisher on the default streams.
func (b *broker) publisher(t testing.TB) *eventnats.Publisher {
	t.Helper()
	p, err := eventnats.NewPublisher(b.js, eventnats.PublisherConfig{Timeout: time.Second})
	require.NoError(t, err)
	return p
}

// streamIDs returns how many times each event ID is in the event stream.
func (b *broker) streamIDs(t testing.TB) map[string]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := b.js.Stream(ctx, eventnats.DefaultStreamName)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	total := int(info.State.Msgs)
	ids := map[string]int{}
	if total == 0 {
		return ids
	}
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	require.NoError(t, err)
	for n := 0; n < total; {
		batch, err := c.Fetch(min(1000, total-n), jetstream.FetchMaxWait(5*time.Second))
		require.NoError(t, err)
		for m := range batch.Messages() {
			ids[m.Headers().Get(eventnats.HeaderID)]++
			n++
		}
		require.NoError(t, batch.Error())
	}
	return ids
}

// assertStreamHoldsEachOnce checks that the stream holds exactly ids,
// each once.
func assertStreamHoldsEachOnce(t *testing.T, b *broker, ids []string) {
	t.Helper()
	got := b.streamIDs(t)
	assert.Len(t, got, len(ids), "distinct events in the stream")
	lost, twice := 0, 0
	for _, id := range ids {
		switch got[id] {
		case 0:
			lost++
		case 1:
		default:
			twice++
		}
	}
	assert.Zero(t, lost, "events lost")
	assert.Zero(t, twice, "events stored more than once")
}

// TestBrokerDownThenBack: events published while the broker is down are
// all in the stream, once each, after it comes back.
func TestBrokerDownThenBack(t *testing.T) {
	b := startBroker(t)
	o := openTempSQLite(t)
	runForwarder(t, o, ForwarderConfig{Target: b.publisher(t), MaxBackoff: 200 * time.Millisecond})
	before := publishN(t, o, 10)
	waitFor(t, "forwarded while the broker is up", func() bool { return pending(t, o) == 0 })

	b.stop()
	during := publishN(t, o, 50) // each Publish returns once stored, broker or not
	assert.Positive(t, pending(t, o), "nothing can be forwarded while the broker is down")
	b.start()
	waitFor(t, "forwarded after the broker came back", func() bool { return pending(t, o) == 0 })
	assertStreamHoldsEachOnce(t, b, append(before, during...))
}

// TestTransactionWithBroker: a rolled-back transaction publishes
// nothing, a committed one exactly its event.
func TestTransactionWithBroker(t *testing.T) {
	b := startBroker(t)
	o := openTempSQLite(t)
	_, err := o.DB().Exec("CREATE TABLE services (name TEXT PRIMARY KEY)")
	require.NoError(t, err)
	register := func(name string, commit bool) string {
		e := violation(t, 1)
		tx, err := o.DB().Begin()
		require.NoError(t, err)
		_, err = tx.Exec("INSERT INTO services (name) VALUES (?)", name)
		require.NoError(t, err)
		require.NoError(t, o.Add(t.Context(), tx, e))
		if commit {
			require.NoError(t, tx.Commit())
		} else {
			require.NoError(t, tx.Rollback())
		}
		return e.ID
	}
	register("rolled-back", false)
	committed := register("committed", true)
	runForwarder(t, o, ForwarderConfig{Target: b.publisher(t)})
	waitFor(t, "forwarded", func() bool { return pending(t, o) == 0 })
	assertStreamHoldsEachOnce(t, b, []string{committed})
}

// Environment of the forwarder process of TestForwarderKilledBetweenPublishAndMark.
const (
	envChildOutbox = "EVENTOUTBOX_TEST_CHILD_OUTBOX"
	envChildNATS   = "EVENTOUTBOX_TEST_CHILD_NATS"
	envChildFreeze = "EVENTOUTBOX_TEST_CHILD_FREEZE_AFTER"
)

// freezer publishes through p and, after the n-th confirmed event, says
// so on stdout and hangs before the forwarder can mark it sent.
type freezer struct {
	p    events.Publisher
	n    int
	sent int
}

func (f *freezer) Publish(ctx context.Context, e events.Event) error {
	if err := f.p.Publish(ctx, e); err != nil {
		return err
	}
	if f.sent++; f.sent == f.n {
		fmt.Printf("published %d\n", f.sent)
		select {} // killed here, between publish and mark
	}
	return nil
}

// TestForwarderProcess is the forwarder process that
// TestForwarderKilledBetweenPublishAndMark starts and kills; run alone it
// does nothing.
func TestForwarderProcess(t *testing.T) {
	path := os.Getenv(envChildOutbox)
	if path == "" {
		t.Skip("a helper process of TestForwarderKilledBetweenPublishAndMark")
	}
	n, err := strconv.Atoi(os.Getenv(envChildFreeze))
	require.NoError(t, err)
	o, err := Open(path)
	require.NoError(t, err)
	nc, err := nats.Connect(os.Getenv(envChildNATS))
	require.NoError(t, err)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	p, err := eventnats.NewPublisher(js, eventnats.PublisherConfig{})
	require.NoError(t, err)
	f, err := o.NewForwarder(ForwarderConfig{Target: &freezer{p: p, n: n}, Batch: 10, LeaseTTL: 300 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, f.Run(context.Background()))
}

// TestForwarderKilledBetweenPublishAndMark: a forwarder process killed
// after the broker confirmed events but before it marked them sent; the
// next forwarder sends them again and the stream holds each event once.
func TestForwarderKilledBetweenPublishAndMark(t *testing.T) {
	b := startBroker(t)
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { o.Close() })
	ids := publishN(t, o, 200)

	cmd := exec.Command(os.Args[0], "-test.run=^TestForwarderProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildOutbox+"="+path, envChildNATS+"="+b.url(), envChildFreeze+"=45")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "the forwarder process said nothing")
	require.Equal(t, "published 45\n", line)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	// Batches of 10: 45 confirmed by the broker, of which at most 40 were
	// marked sent (the marks of the last batches may not have been
	// committed yet), and not the 5 of the batch it was killed in.
	assert.GreaterOrEqual(t, pending(t, o), 200-40)
	assert.Len(t, b.streamIDs(t), 45)

	runForwarder(t, o, ForwarderConfig{Target: b.publisher(t)}) // waits out the dead process's lease
	waitFor(t, "the rest forwarded", func() bool { return pending(t, o) == 0 })
	assertStreamHoldsEachOnce(t, b, ids)
}

// TestTenThousandAcrossRestarts: events published by 8 producers while
// the broker and the forwarder restart; none is lost, none stored twice.
// Under -race it uses 2,000 events (see raceEnabled).
func TestTenThousandAcrossRestarts(t *testing.T) {
	total := 10_000
	if raceEnabled {
		total = 2_000
	}
	const producers = 8
	b := startBroker(t)
	o := openTempSQLite(t)
	pub := b.publisher(t)

	startForwarder := func() (stop func()) {
		f, err := o.NewForwarder(ForwarderConfig{Target: pub, MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- f.Run(ctx) }()
		return func() { cancel(); require.NoError(t, <-done) }
	}
	stopForwarder := startForwarder()

	var published atomic.Int64
	ids := make([][]string, producers)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range total / producers {
				e := violation(t, p)
				if !assert.NoError(t, o.Publish(context.Background(), e)) {
					return
				}
				ids[p] = append(ids[p], e.ID)
				published.Add(1)
				_ = i
			}
		})
	}
	waitFor(t, "a third published", func() bool { return published.Load() >= int64(total/3) })
	b.stop()
	waitFor(t, "two thirds published", func() bool { return published.Load() >= int64(2*total/3) })
	stopForwarder()
	stopForwarder = startForwarder()
	defer func() { stopForwarder() }()
	b.start()
	wg.Wait()
	waitFor(t, "all forwarded", func() bool { return pending(t, o) == 0 })

	var all []string
	for _, p := range ids {
		all = append(all, p...)
	}
	require.Len(t, all, total)
	assertStreamHoldsEachOnce(t, b, all)
}
