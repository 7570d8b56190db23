// Package gen writes files of mixed Algoryn events for eventctl's speed
// comparison and tests: every type, in the envelope form with embedded
// payloads, some in the v0.2.0 base64 form and some as CloudEvents, and a
// few invalid ones, deterministically from a seed.
package gen

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/algoryn/events"
)

// Counts says what Write wrote.
type Counts struct {
	Events, Invalid int64
	Bytes           int64
}

// Write writes NDJSON events to w until at least size bytes are written,
// choosing them with a generator seeded by seed. About one event in a
// hundred is invalid, one in ten a CloudEvent and one in twenty in the
// v0.2.0 base64 form. Every line is well-formed JSON (so that jq reads the
// whole file) unless syntaxErrors, which makes some invalid lines
// truncated JSON or log lines.
func Write(w io.Writer, size int64, seed uint64, syntaxErrors bool) (Counts, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<20)
	var c Counts
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	services := []string{"checkout", "payments", "search", "catalog", "auth", "inventory"}
	var line []byte
	for i := int64(0); c.Bytes < size; i++ {
		svc := services[rng.IntN(len(services))]
		at := start.Add(time.Duration(i) * 37 * time.Millisecond)
		id := fmt.Sprintf("0196%04x-%04x-7%03x-8%03x-%012x", i>>16&0xffff, i&0xffff, rng.IntN(0x1000), rng.IntN(0x1000), rng.Uint64()&0xffffffffffff)
		e, err := event(rng, i, svc, at, id)
		if err != nil {
			return c, err
		}
		invalid := rng.IntN(100) == 0
		switch r := rng.IntN(20); {
		case invalid:
			line, err = invalidLine(rng, e, syntaxErrors)
			c.Invalid++
		case r < 2:
			line, err = events.ToCloudEvent(e)
		case r == 2:
			line, err = base64Form(e)
		default:
			line, err = e.AppendJSON(line[:0])
		}
		if err != nil {
			return c, err
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return c, err
		}
		c.Events++
		c.Bytes += int64(len(line))
	}
	return c, bw.Flush()
}

// event makes a valid event of a type chosen by rng.
func event(rng *rand.Rand, i int64, svc string, at time.Time, id string) (events.Event, error) {
	opts := []events.Option{events.WithID(id), events.WithTimestamp(at)}
	switch rng.IntN(5) {
	case 0:
		total := int64(rng.IntN(1_000_000))
		failed := int64(rng.IntN(int(total/50 + 1)))
		rate := 0.0
		if total > 0 {
			rate = float64(failed) / float64(total)
		}
		return events.New(events.SourcePulse, events.RunCompletedPayload{
			RunID: fmt.Sprintf("run-%d", i), Service: svc, Passed: failed == 0,
			Duration: time.Duration(rng.IntN(600)) * time.Second,
			Summary:  events.RunSummary{Total: total, Failed: failed, RPS: rng.Float64() * 5000, ErrorRate: rate, P99Ms: rng.Float64() * 900},
		}, opts...)
	case 1:
		return events.New(events.SourceRelay, events.ThresholdViolatedPayload{
			Service: svc, Source: events.SourceRelay, Description: "p99_latency < 200ms",
			Actual: 200 + rng.Float64()*300, Limit: 200,
		}, opts...)
	case 2:
		return events.New(events.SourceDeploy, events.ServiceRegisteredPayload{
			Name: svc, Address: fmt.Sprintf("10.0.%d.%d:8080", rng.IntN(256), rng.IntN(256)),
			Tags: map[string]string{"version": fmt.Sprintf("1.%d.0", rng.IntN(20)), "region": "eu-west-1"},
		}, opts...)
	case 3:
		return events.New(events.SourceDeploy, events.ServiceDeregisteredPayload{
			Name: svc, Address: fmt.Sprintf("10.0.%d.%d:8080", rng.IntN(256), rng.IntN(256)),
		}, opts...)
	default:
		return events.New(events.SourceBeacon, events.AlertFiredPayload{
			AlertID: fmt.Sprintf("alert-%d", i), RuleID: "p99-latency", RuleName: "p99 latency over 200ms",
			Severity: events.SeverityCritical, Service: svc, Summary: "p99 latency is 312ms on " + svc,
			FiredAt: at, Labels: map[string]string{"team": "sre"}, CorrelationEventID: "0196aaaa-0000-7000-8000-000000000000",
		}, opts...)
	}
}

// base64Form writes e as v0.2.0 did: Payload as a base64 string.
func base64Form(e events.Event) ([]byte, error) {
	return json.Marshal(struct {
		ID        string
		Type      events.EventType
		Source    string
		Timestamp time.Time
		Payload   string
	}{e.ID, e.Type, e.Source, e.Timestamp, base64.StdEncoding.EncodeToString(e.Payload)})
}

// invalidLine spoils e in one of a few ways a captured file shows.
func invalidLine(rng *rand.Rand, e events.Event, syntaxErrors bool) ([]byte, error) {
	n := 2
	if syntaxErrors {
		n = 4
	}
	switch rng.IntN(n) {
	case 2: // truncated
		b, err := e.AppendJSON(nil)
		return b[:len(b)/2], err
	case 0: // a payload field out of range
		if e.Type == events.EventTypeRunCompleted {
			return []byte(fmt.Sprintf(`{"ID":%q,"Type":"run.completed","Source":"pulse","Timestamp":"2026-05-01T12:00:00Z","Payload":{"RunID":"r","Service":"s","Summary":{"ErrorRate":1.7}}}`, e.ID)), nil
		}
		e.Source = ""
		return json.Marshal(struct {
			ID      string
			Type    events.EventType
			Source  string
			Payload json.RawMessage
		}{e.ID, e.Type, e.Source, e.Payload})
	case 1: // an unknown type
		e.Type = "run.complete"
		return e.AppendJSON(nil)
	default: // not an event
		return []byte(`level=info msg="starting relay" port=8080`), nil
	}
}
