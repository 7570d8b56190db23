package events_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

func TestTypes(t *testing.T) {
	t.Parallel()
	want := []events.EventType{
		events.EventTypeRunCompleted,
		events.EventTypeThresholdViolated,
		events.EventTypeServiceRegistered,
		events.EventTypeServiceDeregistered,
		events.EventTypeAlertFired,
	}
	got := events.Types()
	require.Equal(t, want, got)
	got[0] = "changed"
	require.Equal(t, want, events.Types(), "Types must return a copy")
	for _, typ := range want {
		assert.True(t, typ.Known(), typ)
		assert.Equal(t, string(typ), typ.String())
	}
	for _, typ := range []events.EventType{"", "run", "run.completed.v2", "RUN.COMPLETED"} {
		assert.False(t, typ.Known(), typ)
	}
}

func TestSeedValues(t *testing.T) {
	t.Parallel()
	// The string values are the contract; v0.2.0 fixed them.
	assert.Equal(t, events.EventType("run.completed"), events.EventTypeRunCompleted)
	assert.Equal(t, events.EventType("service.registered"), events.EventTypeServiceRegistered)
	assert.Equal(t, events.EventType("service.deregistered"), events.EventTypeServiceDeregistered)
	assert.Equal(t, events.EventType("threshold.violated"), events.EventTypeThresholdViolated)
	assert.Equal(t, events.EventType("alert.fired"), events.EventTypeAlertFired)
	assert.Equal(t, "pulse", events.SourcePulse)
	assert.Equal(t, "relay", events.SourceRelay)
	assert.Equal(t, "deploy", events.SourceDeploy)
	assert.Equal(t, "beacon", events.SourceBeacon)
	assert.Equal(t, events.Severity("critical"), events.SeverityCritical)
	assert.Equal(t, events.Severity("warning"), events.SeverityWarning)
	assert.Equal(t, events.Severity("info"), events.SeverityInfo)
	assert.Equal(t, 1<<20, events.MaxPayloadBytes)
}

func TestPayloadEventTypes(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures {
		assert.Equal(t, events.EventType(f.name), f.payload.EventType())
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	before := time.Now().UTC().Add(-time.Second)
	e, err := events.New(events.SourcePulse, runCompleted)
	require.NoError(t, err)

	id, err := uuid.Parse(e.ID)
	require.NoError(t, err, "ID must be a UUID")
	assert.Equal(t, uuid.Version(7), id.Version())
	sec, nsec := id.Time().UnixTime()
	assert.Equal(t, e.Timestamp.UnixMilli(), time.Unix(sec, nsec).UnixMilli(), "the ID's time is the Timestamp's millisecond")
	assert.Equal(t, events.EventTypeRunCompleted, e.Type)
	assert.Equal(t, events.SourcePulse, e.Source)
	assert.Equal(t, time.UTC, e.Timestamp.Location())
	assert.True(t, e.Timestamp == e.Timestamp.Round(0), "monotonic reading must be stripped")
	assert.True(t, e.Timestamp.After(before) && e.Timestamp.Before(time.Now().Add(time.Second)))
	want, err := json.Marshal(runCompleted)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(e.Payload))
	require.NoError(t, e.Validate())
}

func TestNewIDsAreTimeOrdered(t *testing.T) {
	t.Parallel()
	prev := ""
	for i := 0; i < 1000; i++ {
		e, err := events.New(events.SourceDeploy, serviceRegistered)
		require.NoError(t, err)
		require.Greater(t, e.ID, prev, "UUIDv7 strings sort in creation order")
		prev = e.ID
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	local := time.Date(2026, 5, 1, 14, 0, 0, 5, time.FixedZone("CEST", 2*3600))
	e, err := events.New(events.SourceRelay, thresholdViolated,
		events.WithID("replayed-1"), events.WithTimestamp(local))
	require.NoError(t, err)
	assert.Equal(t, "replayed-1", e.ID)
	assert.Equal(t, time.UTC, e.Timestamp.Location())
	assert.True(t, e.Timestamp.Equal(local))
	assert.Equal(t, 12, e.Timestamp.Hour())

	mono := time.Now() // carries a monotonic reading
	e, err = events.New(events.SourceRelay, thresholdViolated, events.WithTimestamp(mono))
	require.NoError(t, err)
	assert.True(t, e.Timestamp == e.Timestamp.Round(0))
}

// fieldsOf returns "Field/kind" for each field error of err, failing the
// test if err is not a *ValidationError.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var ve *events.ValidationError
	require.ErrorAs(t, err, &ve)
	out := make([]string, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = f.Field + "/" + string(f.Kind)
	}
	return out
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		source  string
		payload events.Payload
		opts    []events.Option
		is      error
		fields  []string
	}{
		{"empty source", "", runCompleted, nil, events.ErrInvalidEvent, []string{"Source/required"}},
		{"invalid UTF-8 source", "pul\xffse", runCompleted, nil, events.ErrInvalidEvent, []string{"Source/invalid"}},
		{"empty ID", events.SourcePulse, runCompleted, []events.Option{events.WithID("")}, events.ErrInvalidEvent, []string{"ID/required"}},
		{"ID with line break", events.SourcePulse, runCompleted, []events.Option{events.WithID("dup\n")}, events.ErrInvalidEvent, []string{"ID/invalid"}},
		{"source not a URI-reference", "100% done", runCompleted, nil, events.ErrInvalidEvent, []string{"Source/invalid"}},
		{"zero time", events.SourcePulse, runCompleted, []events.Option{events.WithTimestamp(time.Time{})}, events.ErrInvalidEvent, []string{"Timestamp/required"}},
		{"year 10000", events.SourcePulse, runCompleted, []events.Option{events.WithTimestamp(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}, events.ErrInvalidEvent, []string{"Timestamp/out of range"}},
		{"invalid payload", events.SourcePulse, events.RunCompletedPayload{}, nil, events.ErrInvalidPayload, []string{"RunID/required", "Service/required"}},
		{"NaN", events.SourceRelay, events.ThresholdViolatedPayload{Service: "s", Description: "d", Actual: math.NaN()}, nil, events.ErrInvalidPayload, []string{"Actual/out of range"}},
		{"+Inf", events.SourcePulse, events.RunCompletedPayload{RunID: "r", Service: "s", Summary: events.RunSummary{RPS: math.Inf(1)}}, nil, events.ErrInvalidPayload, []string{"Summary.RPS/out of range"}},
		{"bad custom type", events.SourcePulse, typedPayload("Bad Type"), nil, events.ErrInvalidEvent, []string{"Type/invalid"}},
		{"empty custom type", events.SourcePulse, typedPayload(""), nil, events.ErrInvalidEvent, []string{"Type/required"}},
		{"nil pointer payload", events.SourcePulse, (*customPayload)(nil), nil, events.ErrInvalidPayload, []string{"Payload/required"}},
		{"nil pointer to a payload struct", events.SourcePulse, (*events.RunCompletedPayload)(nil), nil, events.ErrInvalidPayload, []string{"Payload/required"}},
		{"nil payload interface", events.SourcePulse, nil, nil, events.ErrInvalidPayload, []string{"Payload/required"}},
		{"pointer to an invalid payload", events.SourcePulse, &events.RunCompletedPayload{}, nil, events.ErrInvalidPayload, []string{"RunID/required", "Service/required"}},
		{"source with a space", "my tool", runCompleted, nil, events.ErrInvalidEvent, []string{"Source/invalid"}},
		{"custom payload not an object", events.SourcePulse, listPayload{1, 2}, nil, events.ErrInvalidPayload, []string{"Payload/invalid"}},
		{"custom payload too large", events.SourcePulse, customPayload{Data: strings.Repeat("x", events.MaxPayloadBytes)}, nil, events.ErrInvalidPayload, []string{"Payload/too large"}},
		{"custom payload claiming a known type", events.SourcePulse, impostorPayload{RunID: "r"}, nil, events.ErrInvalidPayload, []string{"Type/invalid"}},
		{"custom payload self-validation", events.SourcePulse, customPayload{Data: "refuse"}, nil, errRefused, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := newAny(tt.source, tt.payload, tt.opts...)
			require.Error(t, err)
			assert.Equal(t, events.Event{}, e)
			assert.ErrorIs(t, err, tt.is)
			if tt.is == errRefused {
				assert.ErrorIs(t, err, events.ErrInvalidPayload, "a custom payload's own error is wrapped")
			}
			if tt.fields != nil {
				assert.Equal(t, tt.fields, fieldsOf(t, err))
			}
		})
	}
}

func TestNewPointerPayload(t *testing.T) {
	t.Parallel()
	opts := []events.Option{events.WithID("id-1"), events.WithTimestamp(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))}
	for _, f := range fixtures {
		p := f.payload
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			want, err := newAny(events.SourceDeploy, p, opts...)
			require.NoError(t, err)
			ptr := reflect.New(reflect.TypeOf(p))
			ptr.Elem().Set(reflect.ValueOf(p))
			got, err := newAny(events.SourceDeploy, ptr.Interface().(events.Payload), opts...)
			require.NoError(t, err, "New(&p) is New(p)")
			assert.Equal(t, want, got)
		})
	}
	typed, err := events.New(events.SourceRelay, &thresholdViolated, opts...)
	require.NoError(t, err, "the typed pointer path")
	want, err := events.New(events.SourceRelay, thresholdViolated, opts...)
	require.NoError(t, err)
	assert.Equal(t, want, typed)

	c := customPayload{Data: "ok"}
	e, err := events.New("custom-tool", &c)
	require.NoError(t, err)
	assert.Equal(t, `{"Data":"ok"}`, string(e.Payload))
	assert.Equal(t, events.EventType("custom.thing"), e.Type)

	_, err = events.New(events.SourcePulse, (*events.RunCompletedPayload)(nil))
	require.Error(t, err)
	assert.Equal(t, "events: invalid payload: Payload: must not be a nil pointer", err.Error(), "one plain sentence")
}

func TestNewCustomPayloadEncodingError(t *testing.T) {
	t.Parallel()
	_, err := events.New(events.SourcePulse, chanPayload{C: make(chan int)})
	require.ErrorIs(t, err, events.ErrInvalidPayload)
	var ute *json.UnsupportedTypeError
	assert.ErrorAs(t, err, &ute, "the encoding/json cause stays reachable")
}

func TestNewCustomPayload(t *testing.T) {
	t.Parallel()
	e, err := events.New("custom-tool", customPayload{Data: "ok"})
	require.NoError(t, err)
	assert.Equal(t, events.EventType("custom.thing"), e.Type)
	assert.Equal(t, `{"Data":"ok"}`, string(e.Payload))
	require.NoError(t, e.Validate(), "unknown but well-formed types are valid events")

	got, err := events.Decode[customPayload](e)
	require.NoError(t, err)
	assert.Equal(t, customPayload{Data: "ok"}, got)

	_, err = events.DecodePayload(e)
	assert.ErrorIs(t, err, events.ErrUnknownType)
}

var errRefused = errors.New("custom payload refused")

// customPayload is a payload type of another package, encoded with
// encoding/json.
type customPayload struct {
	Data string
}

func (customPayload) EventType() events.EventType { return "custom.thing" }

// typedPayload is a payload whose type is its value.
type typedPayload events.EventType

func (p typedPayload) EventType() events.EventType { return events.EventType(p) }

func (p customPayload) Validate() error {
	if p.Data == "refuse" {
		return errRefused
	}
	return nil
}

type listPayload []int

func (listPayload) EventType() events.EventType { return "custom.list" }

type chanPayload struct{ C chan int }

func (chanPayload) EventType() events.EventType { return "custom.chan" }

func TestDecodeCustomPayloadErrors(t *testing.T) {
	t.Parallel()
	e, err := events.New("custom-tool", customPayload{Data: "ok"})
	require.NoError(t, err)

	e.Payload = []byte(`{"Data":5}`)
	_, err = events.Decode[customPayload](e)
	require.ErrorIs(t, err, events.ErrInvalidPayload)
	assert.Equal(t, []string{"Data/invalid"}, fieldsOf(t, err))

	e.Payload = []byte(`{"Data":"refuse"}`)
	_, err = events.Decode[customPayload](e)
	require.ErrorIs(t, err, errRefused, "the payload's own Validate runs")
}

// impostorPayload claims a type that belongs to RunCompletedPayload.
type impostorPayload struct{ RunID string }

func (impostorPayload) EventType() events.EventType { return events.EventTypeRunCompleted }

func TestNewTimesInUTC(t *testing.T) {
	t.Parallel()
	for _, zone := range []*time.Location{
		time.FixedZone("LMT", 19*60+32), // an offset with seconds, as historic zones have
		time.FixedZone("far", 26*3600),  // beyond what RFC 3339 offsets can say
		time.FixedZone("west", -11*3600),
	} {
		fired := time.Date(2026, 5, 1, 12, 0, 0, 987654321, zone)
		p := alertFired
		p.FiredAt = fired
		e, err := events.New(events.SourceBeacon, p, events.WithTimestamp(fired))
		require.NoError(t, err, zone.String())
		got, err := events.Decode[events.AlertFiredPayload](e)
		require.NoError(t, err)
		assert.True(t, got.FiredAt.Equal(fired), "%s: got %s, want %s", zone, got.FiredAt, fired)
		assert.Equal(t, time.UTC, got.FiredAt.Location())
		assert.Contains(t, string(e.Payload), fired.UTC().Format(time.RFC3339Nano))
	}
}

func TestYearBoundsInUTC(t *testing.T) {
	t.Parallel()
	late := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("minus2", -2*3600)) // 10000 in UTC
	e := mustEvent(0)
	e.Timestamp = late
	assert.Equal(t, []string{"Timestamp/out of range"}, fieldsOf(t, e.Validate()))
	_, err := e.MarshalJSON()
	assert.Equal(t, []string{"Timestamp/out of range"}, fieldsOf(t, err))

	p := alertFired
	p.FiredAt = late
	assert.Equal(t, []string{"FiredAt/out of range"}, fieldsOf(t, p.Validate()))
}
