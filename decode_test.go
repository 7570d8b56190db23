package events_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	e := mustEvent(0)
	p, err := events.Decode[events.RunCompletedPayload](e)
	require.NoError(t, err)
	assert.Equal(t, runCompleted, p)

	ptr, err := events.Decode[*events.RunCompletedPayload](e)
	require.NoError(t, err)
	require.NotNil(t, ptr)
	assert.Equal(t, runCompleted, *ptr)
}

func TestDecodeTypeMismatch(t *testing.T) {
	t.Parallel()
	e := mustEvent(0)
	e.Payload = []byte("not even JSON") // never read on a mismatch
	_, err := events.Decode[events.AlertFiredPayload](e)
	require.ErrorIs(t, err, events.ErrTypeMismatch)
	assert.NotErrorIs(t, err, events.ErrInvalidPayload)
	assert.Contains(t, err.Error(), `"run.completed"`)
	assert.Contains(t, err.Error(), `"alert.fired"`)
}

func TestDecodeInterfaceType(t *testing.T) {
	t.Parallel()
	_, err := events.Decode[events.Payload](mustEvent(0))
	require.ErrorIs(t, err, events.ErrUnknownType)
}

func TestDecodeBadPayload(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		typ     events.EventType
		payload string
		fields  []string // nil: a *SyntaxError
	}{
		{"every wrong type at once", events.EventTypeRunCompleted, `{"RunID":1,"Service":true,"Passed":"yes","Duration":1.5,"Summary":{"Total":"10","Failed":[],"RPS":{},"ErrorRate":"x","P99Ms":false}}`,
			[]string{"RunID/invalid", "Service/invalid", "Passed/invalid", "Duration/invalid", "Summary.Total/invalid", "Summary.Failed/invalid", "Summary.RPS/invalid", "Summary.ErrorRate/invalid", "Summary.P99Ms/invalid"}},
		{"integer overflow", events.EventTypeRunCompleted, `{"RunID":"r","Service":"s","Summary":{"Total":9223372036854775808}}`, []string{"Summary.Total/invalid"}},
		{"integer in exponent form", events.EventTypeRunCompleted, `{"RunID":"r","Service":"s","Duration":1e9}`, []string{"Duration/invalid"}},
		{"float overflow", events.EventTypeThresholdViolated, `{"Service":"s","Description":"d","Actual":1e400}`, []string{"Actual/out of range"}},
		{"summary not object", events.EventTypeRunCompleted, `{"RunID":"r","Service":"s","Summary":[1]}`, []string{"Summary/invalid"}},
		{"tags not object", events.EventTypeServiceRegistered, `{"Name":"n","Address":"h:1","Tags":"a=b"}`, []string{"Tags/invalid"}},
		{"tag value not string", events.EventTypeServiceRegistered, `{"Name":"n","Address":"h:1","Tags":{"a":1}}`, []string{"Tags[a]/invalid"}},
		{"bad FiredAt", events.EventTypeAlertFired, `{"AlertID":"a","RuleID":"r","Severity":"info","Service":"s","FiredAt":"noon"}`, []string{"FiredAt/invalid"}},
		{"FiredAt number", events.EventTypeAlertFired, `{"AlertID":"a","RuleID":"r","Severity":"info","Service":"s","FiredAt":12}`, []string{"FiredAt/invalid"}},
		{"valid JSON, invalid values", events.EventTypeAlertFired, `{"AlertID":"a","RuleID":"r","Severity":"loud","Service":"s","FiredAt":"2026-05-01T12:00:00Z"}`, []string{"Severity/not supported"}},
		{"payload array", events.EventTypeServiceDeregistered, `[]`, []string{"Payload/invalid"}},
		{"payload empty", events.EventTypeServiceDeregistered, ``, []string{"Payload/required"}},
		{"payload truncated", events.EventTypeThresholdViolated, `{"Service":"s"`, nil},
		{"payload trailing data", events.EventTypeThresholdViolated, `{"Service":"s"} {}`, nil},
		{"payload invalid UTF-8", events.EventTypeThresholdViolated, "{\"Service\":\"\xff\"}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEvent(0)
			e.Type, e.Payload = tt.typ, []byte(tt.payload)
			_, err := events.DecodePayload(e)
			require.Error(t, err)
			assert.ErrorIs(t, err, events.ErrInvalidPayload)
			if tt.fields == nil {
				var se *events.SyntaxError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, "Payload", se.Field)
				return
			}
			assert.Equal(t, tt.fields, fieldsOf(t, err))
		})
	}
}

func TestDecodeTolerance(t *testing.T) {
	t.Parallel()
	e := mustEvent(2)
	e.Payload = []byte(`{"name":"checkout","ADDRESS":"10.0.0.7:8080","Weight":3,"Tags":{"a":"1"},"Tags":{"b":"2"},"Extra":{"x":[1,2,{"y":null}]}}`)
	p, err := events.Decode[events.ServiceRegisteredPayload](e)
	require.NoError(t, err)
	assert.Equal(t, events.ServiceRegisteredPayload{
		Name:    "checkout",
		Address: "10.0.0.7:8080",
		Tags:    map[string]string{"a": "1", "b": "2"}, // as encoding/json merges
	}, p)
}

func TestDecodePayloadReturnsValues(t *testing.T) {
	t.Parallel()
	for i, f := range fixtures {
		p, err := events.DecodePayload(mustEvent(i))
		require.NoError(t, err)
		switch p.(type) {
		case events.RunCompletedPayload, events.ThresholdViolatedPayload, events.ServiceRegisteredPayload,
			events.ServiceDeregisteredPayload, events.AlertFiredPayload:
		default:
			t.Fatalf("%s: got %T, want a struct value", f.name, p)
		}
		assert.Equal(t, f.payload, p)
		assert.Equal(t, f.payload.EventType(), p.EventType())
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures {
		s, ok := f.payload.(interface{ Subject() string })
		require.True(t, ok, f.name)
		assert.Equal(t, "checkout", s.Subject(), f.name)
	}
}
