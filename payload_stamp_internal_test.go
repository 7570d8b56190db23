package events

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stampTestEvent(t *testing.T) Event {
	t.Helper()
	e, err := New(SourceDeploy, ServiceRegisteredPayload{Name: "checkout", Address: "10.0.0.7:8080"})
	require.NoError(t, err)
	return e
}

func TestPayloadsThisPackageChecksAreStamped(t *testing.T) {
	t.Parallel()
	e := stampTestEvent(t)
	assert.True(t, stampedAny(e.Payload), "New")
	_, canonical := stampOf(e.Payload, e.Type)
	assert.True(t, canonical, "New's stamp is canonical for its type")
	checked, _ := stampOf(e.Payload, EventTypeServiceDeregistered)
	assert.False(t, checked, "under another type New's stamp does not match")
	assert.Equal(t, len(e.Payload)+stampLen, cap(e.Payload), "the capacity ends at the stamp")

	wire, err := e.AppendJSON(nil)
	require.NoError(t, err)
	got, err := ParseEvent(wire)
	require.NoError(t, err)
	assert.True(t, stampedAny(got.Payload), "ParseEvent")
	_, canonical = stampOf(got.Payload, got.Type)
	assert.False(t, canonical, "ParseEvent checks the bytes, not the content")

	old := []byte(`{"ID":"1","Type":"service.registered","Source":"deploy","Timestamp":"2026-05-01T12:00:00Z","Payload":"` +
		base64.StdEncoding.EncodeToString(e.Payload) + `"}`)
	got, err = ParseEvent(old)
	require.NoError(t, err)
	assert.Equal(t, e.Payload, got.Payload)
	// DecodedLen leaves room for the stamp only when the length is not a
	// multiple of 3; either way the payload reads back equal.
	assert.Equal(t, cap(got.Payload)-len(got.Payload) >= stampLen, stampedAny(got.Payload), "base64 (v0.2.0) form")

	ce, err := ToCloudEvent(e)
	require.NoError(t, err)
	got, err = FromCloudEvent(ce)
	require.NoError(t, err)
	assert.True(t, stampedAny(got.Payload), "FromCloudEvent")
	_, canonical = stampOf(got.Payload, got.Type)
	assert.False(t, canonical, "FromCloudEvent's input is not canonical")

	assert.False(t, stampedAny([]byte(`{}`)), "bytes made elsewhere")
	assert.False(t, stampedAny(nil))
}

// Every way of changing a stamped payload is caught, and the payload is
// then checked in full, as if it had never been stamped.
func TestChangedStampedPayloadIsCheckedAgain(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(p []byte) []byte{
		"a byte changed in place": func(p []byte) []byte { p[0] = '['; return p },
		"cut short":               func(p []byte) []byte { return p[:len(p)-1] },
		"appended into the stamp": func(p []byte) []byte { return append(p, ',') },
		"cut, then appended":      func(p []byte) []byte { return append(p[:len(p)-1], ",}"...) },
		"stamp copied onto other bytes": func(p []byte) []byte {
			q := make([]byte, len(p), cap(p))
			copy(q, `{"Name":1`)
			copy(q[len(q):cap(q)], p[len(p):cap(p)])
			return q
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := stampTestEvent(t)
			e.Payload = change(e.Payload)
			assert.False(t, stampedAny(e.Payload))
			_, err := e.AppendJSON(nil)
			require.ErrorIs(t, err, ErrInvalidEvent)
			assert.Contains(t, err.Error(), "Payload")
			require.Error(t, e.Validate())
			e.Type = "x.unknown" // checked by its bytes alone
			require.ErrorIs(t, e.Validate(), ErrInvalidPayload)
		})
	}
}

// A stamp changes no result: the same event with its payload copied (so
// unstamped) gives the same bytes from AppendJSON and ToCloudEvent, the
// same subject and the same verdict of Validate, under its own type and
// under any other.
func TestStampChangesNoResult(t *testing.T) {
	t.Parallel()
	when := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, p := range []Payload{
		RunCompletedPayload{RunID: "r\"1", Service: "checkout", Passed: true, Duration: time.Second,
			Summary: RunSummary{Total: 10, Failed: 1, RPS: 1333.33, ErrorRate: 0.1, P99Ms: 212.5}},
		ThresholdViolatedPayload{Source: SourceRelay, Service: "<checkout>", Description: "p99 above 200 ms", Actual: 250.5, Limit: 200},
		ServiceRegisteredPayload{Name: "checkout\u2028", Address: "10.0.0.7:8080", Tags: map[string]string{"b": "2", "a": "1"}},
		ServiceDeregisteredPayload{Name: "é", Address: "[::1]:80", Tags: map[string]string{}},
		AlertFiredPayload{AlertID: "a1", RuleID: "p99", Severity: SeverityCritical, Service: "checkout", Summary: "<é\u2028>", FiredAt: when},
	} {
		t.Run(string(p.EventType()), func(t *testing.T) {
			t.Parallel()
			e, err := New(SourcePulse, p, WithTimestamp(when), WithID("a"))
			require.NoError(t, err)
			_, canonical := stampOf(e.Payload, e.Type)
			require.True(t, canonical)
			plain := e
			plain.Payload = append([]byte(nil), e.Payload...)
			plain.Payload = plain.Payload[:len(plain.Payload):len(plain.Payload)]
			require.False(t, stampedAny(plain.Payload))

			a, errA := e.AppendJSON(nil)
			b, errB := plain.AppendJSON(nil)
			require.NoError(t, errA)
			require.NoError(t, errB)
			assert.Equal(t, string(b), string(a))
			a, errA = ToCloudEvent(e)
			b, errB = ToCloudEvent(plain)
			require.NoError(t, errA)
			require.NoError(t, errB)
			assert.Equal(t, string(b), string(a))
			assert.NotEmpty(t, e.Subject())
			assert.Equal(t, plain.Subject(), e.Subject())
			for _, typ := range append(knownTypes[:], "x.unknown") {
				e.Type, plain.Type = typ, typ
				assert.Equal(t, plain.Validate(), e.Validate(), "as %s", typ)
				assert.Equal(t, plain.Subject(), e.Subject(), "as %s", typ)
			}
		})
	}
}

// stampedAny reports whether p carries any stamp: plain, or canonical for
// one of the known types.
func stampedAny(p []byte) bool {
	for _, t := range knownTypes {
		if checked, _ := stampOf(p, t); checked {
			return true
		}
	}
	checked, _ := stampOf(p, "x.unknown")
	return checked
}
