package events_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

// TestMarshalMatchesEncodingJSON holds the hand-written codec to the bytes
// encoding/json writes: for the envelope strings and for every payload.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for i, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			e := mustEvent(i)
			want, err := json.Marshal(f.payload)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(e.Payload), "New must write what encoding/json writes")

			direct, err := e.MarshalJSON()
			require.NoError(t, err)
			viaJSON, err := json.Marshal(e)
			require.NoError(t, err)
			assert.Equal(t, string(viaJSON), string(direct))
		})
	}
}

func TestMarshalEscaping(t *testing.T) {
	t.Parallel()
	e := mustEvent(0)
	e.ID = "a\"b\\c\n\t\r\b\f\x01<>&\u2028\u2029é😀"
	e.Source = "x</script>"
	got, err := e.MarshalJSON()
	require.NoError(t, err)
	type plain struct{ ID, Source string }
	want, err := json.Marshal(plain{e.ID, e.Source})
	require.NoError(t, err)
	var a, b map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(got, &a))
	require.NoError(t, json.Unmarshal(want, &b))
	assert.Equal(t, string(b["ID"]), string(a["ID"]))
	assert.Equal(t, string(b["Source"]), string(a["Source"]))

	var back events.Event
	require.NoError(t, back.UnmarshalJSON(got))
	assert.Equal(t, e, back)
}

func TestMarshalTimestampUTC(t *testing.T) {
	t.Parallel()
	e := mustEvent(0)
	e.Timestamp = time.Date(2026, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	got, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Contains(t, string(got), `"Timestamp":"2026-05-01T12:00:00Z"`)
}

func TestMarshalEmptyPayload(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(events.Event{})
	require.NoError(t, err)
	assert.Equal(t, `{"ID":"","Type":"","Source":"","Timestamp":"0001-01-01T00:00:00Z","Payload":null}`, string(got))
	var back events.Event
	require.NoError(t, json.Unmarshal(got, &back))
	assert.Equal(t, events.Event{}, back)
}

func TestMarshalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		edit   func(*events.Event)
		fields []string
	}{
		{"invalid UTF-8 ID", func(e *events.Event) { e.ID = "\xff" }, []string{"ID/invalid"}},
		{"year 10000", func(e *events.Event) { e.Timestamp = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"Timestamp/out of range"}},
		{"payload not JSON", func(e *events.Event) { e.Payload = []byte(`{"a"`) }, []string{"Payload/invalid"}},
		{"payload array", func(e *events.Event) { e.Payload = []byte(`[]`) }, []string{"Payload/invalid"}},
		{"payload invalid UTF-8", func(e *events.Event) { e.Payload = []byte("{\"\xff\":1}") }, []string{"Payload/invalid"}},
		{"payload too large", func(e *events.Event) { e.Payload = make([]byte, events.MaxPayloadBytes+1) }, []string{"Payload/too large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEvent(0)
			tt.edit(&e)
			b, err := e.MarshalJSON()
			assert.Nil(t, b)
			assert.ErrorIs(t, err, events.ErrInvalidEvent)
			assert.Equal(t, tt.fields, fieldsOf(t, err))
			_, err = json.Marshal(e)
			assert.ErrorIs(t, err, events.ErrInvalidEvent, "json.Marshal keeps the cause")
		})
	}
}

func TestRoundTripAllTypes(t *testing.T) {
	t.Parallel()
	for i, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			e := mustEvent(i)
			data, err := json.Marshal(e)
			require.NoError(t, err)
			var back events.Event
			require.NoError(t, json.Unmarshal(data, &back))
			require.Equal(t, e, back)
			require.NoError(t, back.Validate())
			p, err := events.DecodePayload(back)
			require.NoError(t, err)
			require.Equal(t, f.payload, p)
		})
	}
}
