package eventhttp_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/algoryn/events/eventhttp"
)

// loadEvents is how many events the load test sends: 10,000, or 1,000
// under the race detector, which slows each request some tenfold.
func loadEvents() int {
	if raceEnabled {
		return 1_000
	}
	return 10_000
}

// TestLoad: 50 publishers, half in binary and half in structured mode,
// send mixed events, signed, to one server running NewHandler with a
// Router, signatures required and replay protection on. Every event
// arrives at least once; duplicates are counted.
func TestLoad(t *testing.T) {
	t.Parallel()
	evs := mixedEvents(t, loadEvents())
	a := newArrivals(evs)
	srv, sc := newLoadServer(t, a)
	pubs := newPublishers(t, publishers, srv.URL, loadClient(), eventhttp.WithSigningSecrets(loadSecret),
		eventhttp.WithTimeout(30*time.Second))

	lat, took := sendAll(t, pubs, evs)

	missing, dups := a.missingAndDuplicates()
	if len(missing) > 0 {
		t.Errorf("%d of %d events never reached the handler, e.g. %s", len(missing), len(evs), evs[missing[0]].ID)
	}
	if n := len(lat); n != len(evs) {
		t.Errorf("%d publishes succeeded, want %d", n, len(evs))
	}
	if n := sc.by[http.StatusNoContent]; n < len(evs) {
		t.Errorf("%d answers 204, want at least %d: %v", n, len(evs), sc.by)
	}
	t.Logf("%d events by %d publishers in %v (%.0f events/s); p50 %v, p99 %v; %d duplicates reached the handler; answers by status %v",
		len(evs), publishers, took.Round(time.Millisecond), float64(len(evs))/took.Seconds(),
		percentile(lat, 50), percentile(lat, 99), dups, sc.by)
}

// TestLoadBurst: with fewer slots than publishers, the burst degrades
// into 503s that the publishers retry after Retry-After, and still every
// event arrives.
func TestLoadBurst(t *testing.T) {
	t.Parallel() // it mostly waits out Retry-After
	evs := mixedEvents(t, 200)
	a := newArrivals(evs)
	a.work = 2 * time.Millisecond // so that requests overlap
	srv, sc := newLoadServer(t, a, eventhttp.WithMaxInFlight(4))
	// Publishers sent away come back after Retry-After (1s) plus up to
	// half their backoff, so spread over half a second.
	pubs := newPublishers(t, publishers, srv.URL, loadClient(), eventhttp.WithSigningSecrets(loadSecret),
		eventhttp.WithMaxAttempts(20), eventhttp.WithBackoff(time.Second, time.Second))

	lat, took := sendAll(t, pubs, evs)

	missing, dups := a.missingAndDuplicates()
	if len(missing) > 0 {
		t.Errorf("%d of %d events never reached the handler", len(missing), len(evs))
	}
	if len(lat) != len(evs) {
		t.Errorf("%d publishes succeeded, want %d", len(lat), len(evs))
	}
	if sc.by[http.StatusServiceUnavailable] == 0 {
		t.Errorf("no 503 from 4 slots for %d publishers: %v", publishers, sc.by)
	}
	t.Logf("%d events in %v; %d duplicates; answers by status %v", len(evs), took.Round(time.Millisecond), dups, sc.by)
}
