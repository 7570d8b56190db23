package events_test

import (
	"slices"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
)

func TestNoticeKindString(t *testing.T) {
	t.Parallel()
	for k, want := range map[events.NoticeKind]string{
		events.NoticeRetry:      "retry",
		events.NoticeNak:        "nak",
		events.NoticeDeadLetter: "dead_letter",
		events.NoticeReplay:     "replay",
		0:                       "notice",
	} {
		assert.Equal(t, want, k.String())
	}
}

func TestMapCarrier(t *testing.T) {
	t.Parallel()
	c := events.MapCarrier{}
	var _ events.Carrier = c
	assert.Empty(t, c.Get("traceparent"))
	c.Set("traceparent", "00-a-b-01")
	c.Set("tracestate", "x=1")
	c.Set("tracestate", "x=2")
	assert.Equal(t, "00-a-b-01", c.Get("traceparent"))
	assert.Equal(t, "x=2", c.Get("tracestate"))
	keys := c.Keys()
	slices.Sort(keys)
	assert.Equal(t, []string{"traceparent", "tracestate"}, keys)
}
