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
	assert.True(t, stamped(e.Payload), "New")
	assert.Equal(t, len(e.Payload)+stampLen, cap(e.Payload), "the capacity ends at the stamp")

	wire, err := e.AppendJSON(nil)
	require.NoError(t, err)
	got, err := ParseEvent(wire)
	require.NoError(t, err)
	assert.True(t, stamped(got.Payload), "ParseEvent")

	old := []byte(`{"ID":"1","Type":"service.registered","Source":"deploy","Timestamp":"2026-05-01T12:00:00Z","Payload":"` +
		base64.StdEncoding.EncodeToString(e.Payload) + `"}`)
	got, err = ParseEvent(old)
	require.NoError(t, err)
	assert.Equal(t, e.Payload, got.Payload)
	// DecodedLen leaves room for the stamp only when the length is not a
	// multiple of 3; either way the payload reads back equal.
	assert.Equal(t, cap(got.Payload)-len(got.Payload) >= stampLen, stamped(got.Payload), "base64 (v0.2.0) form")

	ce, err := ToCloudEvent(e)
	require.NoError(t, err)
	got, err = FromCloudEvent(ce)
	require.NoError(t, err)
	assert.True(t, stamped(got.Payload), "FromCloudEvent")

	assert.False(t, stamped([]byte(`{}`)), "bytes made elsewhere")
	assert.False(t, stamped(nil))
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
			assert.False(t, stamped(e.Payload))
			_, err := e.AppendJSON(nil)
			require.ErrorIs(t, err, ErrInvalidEvent)
			assert.Contains(t, err.Error(), "Payload")
			require.Error(t, e.Validate())
			e.Type = "x.unknown" // checked by its bytes alone
			require.ErrorIs(t, e.Validate(), ErrInvalidPayload)
		})
	}
}

// A stamp does not change what AppendJSON writes or what Validate says:
// the same event with its payload copied (so unstamped) gives the same.
func TestStampChangesNoResult(t *testing.T) {
	t.Parallel()
	when := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	e, err := New(SourcePulse, AlertFiredPayload{AlertID: "a1", RuleID: "p99", Severity: SeverityCritical, Service: "checkout", Summary: "<é\u2028>", FiredAt: when}, WithTimestamp(when), WithID("a"))
	require.NoError(t, err)
	require.True(t, stamped(e.Payload))
	plain := e
	plain.Payload = append([]byte(nil), e.Payload...)
	plain.Payload = plain.Payload[:len(plain.Payload):len(plain.Payload)]
	require.False(t, stamped(plain.Payload))

	a, errA := e.AppendJSON(nil)
	b, errB := plain.AppendJSON(nil)
	require.NoError(t, errA)
	require.NoError(t, errB)
	assert.Equal(t, string(b), string(a))
	assert.Equal(t, plain.Validate(), e.Validate())
	e.Type, plain.Type = "x.unknown", "x.unknown"
	assert.Equal(t, plain.Validate(), e.Validate())
}
