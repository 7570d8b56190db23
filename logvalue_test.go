package events_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventLogValueIsTheEnvelopeWithoutPayload(t *testing.T) {
	t.Parallel()
	e, err := events.New(events.SourcePulse, thresholdViolated, events.WithTimestamp(fixedTime), events.WithID("id-1"))
	require.NoError(t, err)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("sent", "event", e)
	var rec struct {
		Event map[string]any `json:"event"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec), "%s", buf.Bytes())
	assert.Equal(t, map[string]any{
		"id": "id-1", "type": "threshold.violated", "source": "pulse",
		"time": "2026-05-01T12:00:00.123456789Z", "subject": "checkout",
	}, rec.Event)
	assert.NotContains(t, buf.String(), "Payload")
	assert.NotContains(t, buf.String(), thresholdViolated.Description)
}

func TestEventLogValueOfUnknownTypeHasNoSubject(t *testing.T) {
	t.Parallel()
	e := events.Event{ID: "x", Type: "later.type", Source: "pulse", Timestamp: fixedTime, Payload: []byte(`{"secret":"s"}`)}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("got", "event", e)
	assert.Contains(t, buf.String(), "event.type=later.type")
	assert.NotContains(t, buf.String(), "subject")
	assert.NotContains(t, buf.String(), "secret")
}
