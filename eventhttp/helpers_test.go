package eventhttp

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/algoryn/events"
)

var fixedTime = time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC)

// testEvent returns a valid threshold.violated event.
func testEvent(t testing.TB) events.Event {
	t.Helper()
	return mustNew(t, "relay", "0196a1b2-0000-7000-8000-000000000002", events.ThresholdViolatedPayload{
		Service: "checkout", Source: events.SourceRelay, Description: "p99_latency < 200ms", Actual: 312.5, Limit: 200,
	})
}

// awkwardEvent has header values with spaces, quotes, percent signs and
// non-ASCII text (the Source, a URI-reference as Validate requires, has
// percent-escapes, which the header escapes again, and URI delimiters).
func awkwardEvent(t testing.TB) events.Event {
	t.Helper()
	return mustNew(t, `urn:tool:%22x%22/100%25/%C3%BCn%C3%AF?a=1&b=%E3%82%B3`, `id with spaces, "quotes" & 50%25`, events.RunCompletedPayload{
		RunID: "run-1", Service: `cafè "checkout" 100%`, Passed: true, Duration: time.Second,
	})
}

func mustNew[P events.Payload](t testing.TB, source, id string, p P) events.Event {
	t.Helper()
	e, err := events.New(source, p, events.WithID(id), events.WithTimestamp(fixedTime))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// recorder is an events.Handler that keeps what it gets.
type recorder struct {
	mu     sync.Mutex
	events []events.Event
	err    error
}

func (r *recorder) HandleEvent(_ context.Context, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.err
}

func (r *recorder) got() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.events...)
}
