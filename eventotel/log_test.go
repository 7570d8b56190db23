package eventotel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/algoryn/events/eventotel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogHandlerAddsTraceAndSpanIDs(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t, false)
	var buf bytes.Buffer
	log := slog.New(eventotel.NewLogHandler(slog.NewJSONHandler(&buf, nil))).With("tool", "beacon")
	e := violation(t)

	ctx, span := tm.tracer.Start(context.Background(), "handle")
	log.InfoContext(ctx, "handled", "event", e)
	span.End()
	log.InfoContext(context.Background(), "no span")

	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	require.Len(t, lines, 2)
	var with, without map[string]any
	require.NoError(t, json.Unmarshal(lines[0], &with))
	require.NoError(t, json.Unmarshal(lines[1], &without))
	assert.Equal(t, span.SpanContext().TraceID().String(), with[eventotel.LogKeyTraceID])
	assert.Equal(t, span.SpanContext().SpanID().String(), with[eventotel.LogKeySpanID])
	assert.Equal(t, "beacon", with["tool"])
	assert.Equal(t, e.ID, with["event"].(map[string]any)["id"])
	assert.NotContains(t, without, eventotel.LogKeyTraceID)
}
