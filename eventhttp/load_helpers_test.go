package eventhttp_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
)

// Publishers is how many publishers send at once in the load test and
// benchmark.
const publishers = 50

// loadSecret signs the load test's events.
const loadSecret = "whsec_bG9hZC10ZXN0LXNlY3JldC0zMi1ieXRlcy1sb25nISE="

// mixedEvents returns n valid events of four types in turn, each with its
// own ID.
func mixedEvents(tb testing.TB, n int) []events.Event {
	tb.Helper()
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	out := make([]events.Event, n)
	for i := range out {
		var (
			e   events.Event
			err error
		)
		id := events.WithID(fmt.Sprintf("0196a1b2-0000-7000-8000-%012d", i))
		svc := fmt.Sprintf("svc-%d", i%17)
		switch i % 4 {
		case 0:
			e, err = events.New(events.SourceRelay, events.ThresholdViolatedPayload{Service: svc, Source: events.SourceRelay, Description: "p99 < 200ms", Actual: 312.5, Limit: 200}, id)
		case 1:
			e, err = events.New(events.SourcePulse, events.RunCompletedPayload{RunID: fmt.Sprint("run-", i), Service: svc, Passed: i%3 == 0, Duration: time.Duration(i) * time.Millisecond,
				Summary: events.RunSummary{Total: 1000, Failed: 3, RPS: 250.5, ErrorRate: 0.003, P99Ms: 180}}, id)
		case 2:
			e, err = events.New(events.SourceBeacon, events.AlertFiredPayload{AlertID: fmt.Sprint("a-", i), RuleID: "p99", Severity: events.SeverityWarning, Service: svc, Summary: "latency", FiredAt: at}, id)
		case 3:
			e, err = events.New(events.SourceDeploy, events.ServiceRegisteredPayload{Name: svc, Address: "10.0.0.7:8080", Tags: map[string]string{"zone": "a"}}, id)
		}
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = e
	}
	return out
}

// arrivals counts, per event, how often it reached the events.Handler.
type arrivals struct {
	index map[string]int // event ID → position; read-only while counting
	n     []atomic.Int32
	work  time.Duration // each event takes this long to handle
}

func newArrivals(evs []events.Event) *arrivals {
	a := &arrivals{index: make(map[string]int, len(evs)), n: make([]atomic.Int32, len(evs))}
	for i, e := range evs {
		a.index[e.ID] = i
	}
	return a
}

func (a *arrivals) count(e events.Event) error {
	i, ok := a.index[e.ID]
	if !ok {
		return events.Permanent(fmt.Errorf("unknown event %s", e.ID))
	}
	a.n[i].Add(1)
	if a.work > 0 {
		time.Sleep(a.work)
	}
	return nil
}

// router handles the four types of mixedEvents, counting arrivals; each
// handler decodes its payload, as a real one would.
func (a *arrivals) router() *events.Router {
	r := events.NewRouter()
	events.Handle(r, func(_ context.Context, e events.Event, _ events.ThresholdViolatedPayload) error { return a.count(e) })
	events.Handle(r, func(_ context.Context, e events.Event, _ events.RunCompletedPayload) error { return a.count(e) })
	events.Handle(r, func(_ context.Context, e events.Event, _ events.AlertFiredPayload) error { return a.count(e) })
	events.Handle(r, func(_ context.Context, e events.Event, _ events.ServiceRegisteredPayload) error { return a.count(e) })
	return r
}

// missingAndDuplicates returns the events that never arrived and the
// arrivals beyond the first.
func (a *arrivals) missingAndDuplicates() (missing []int, duplicates int) {
	for i := range a.n {
		switch n := int(a.n[i].Load()); {
		case n == 0:
			missing = append(missing, i)
		case n > 1:
			duplicates += n - 1
		}
	}
	return missing, duplicates
}

// loadClient is shared by the publishers: it keeps a connection per
// publisher, where the default transport keeps 2 per host.
func loadClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = publishers
	return &http.Client{Transport: tr}
}

// sendAll publishes evs with the given number of publishers at once, each
// taking the next event, and returns each Publish's latency, sorted, and
// the time it all took.
func sendAll(tb testing.TB, pubs []*eventhttp.Publisher, evs []events.Event) ([]time.Duration, time.Duration) {
	tb.Helper()
	var next atomic.Int64
	lat := make([][]time.Duration, len(pubs))
	errs := make(chan error, len(pubs))
	var wg sync.WaitGroup
	start := time.Now()
	for w, p := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(evs) {
					return
				}
				t0 := time.Now()
				if err := p.Publish(context.Background(), evs[i]); err != nil {
					errs <- err
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		tb.Errorf("Publish: %v", err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	return all, took
}

// percentile returns the p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p/100))]
}

// statusCounter counts the answers of a handler by status.
type statusCounter struct {
	mu sync.Mutex
	by map[int]int
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (c *statusCounter) wrap(h http.Handler) http.Handler {
	c.by = map[int]int{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		c.mu.Lock()
		c.by[sw.code]++
		c.mu.Unlock()
	})
}

// newLoadServer starts the signed receiver of the load test: NewHandler
// with a Router, signatures required, replay protection on.
func newLoadServer(tb testing.TB, a *arrivals, opts ...eventhttp.HandlerOption) (*httptest.Server, *statusCounter) {
	tb.Helper()
	h, err := eventhttp.NewHandler(a.router(), append([]eventhttp.HandlerOption{
		eventhttp.RequireSignature(loadSecret), eventhttp.WithReplayProtection(0)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	sc := &statusCounter{}
	srv := httptest.NewServer(sc.wrap(h))
	tb.Cleanup(srv.Close)
	return srv, sc
}

// newPublishers returns n publishers to url sharing client, alternating
// binary and structured mode.
func newPublishers(tb testing.TB, n int, url string, client *http.Client, opts ...eventhttp.Option) []*eventhttp.Publisher {
	tb.Helper()
	pubs := make([]*eventhttp.Publisher, n)
	for i := range pubs {
		mode := eventhttp.Binary
		if i%2 == 1 {
			mode = eventhttp.Structured
		}
		p, err := eventhttp.NewPublisher(url, append([]eventhttp.Option{eventhttp.WithHTTPClient(client), eventhttp.WithMode(mode)}, opts...)...)
		if err != nil {
			tb.Fatal(err)
		}
		pubs[i] = p
	}
	return pubs
}
