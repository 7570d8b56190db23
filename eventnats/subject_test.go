package eventnats

import (
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubject(t *testing.T) {
	s, err := Subject("", events.EventTypeRunCompleted)
	require.NoError(t, err)
	assert.Equal(t, "algoryn.events.run.completed", s)

	s, err = Subject("acme.prod", events.EventTypeAlertFired)
	require.NoError(t, err)
	assert.Equal(t, "acme.prod.alert.fired", s)
}

func TestSubjectRefusesBadTokens(t *testing.T) {
	for _, tc := range []struct {
		prefix string
		typ    events.EventType
	}{
		{"algoryn.events", ""},
		{"algoryn.events", "run.*"},
		{"algoryn.events", ">"},
		{"algoryn.events", "run completed"},
		{"algoryn.events", "run..completed"},
		{"algoryn.events", ".run"},
		{"algoryn.events", "run."},
		{"algoryn.events", "run\tcompleted"},
		{"algoryn.*", "run.completed"},
		{"algoryn.>", "run.completed"},
		{"algoryn events", "run.completed"},
		{"algoryn..events", "run.completed"},
		{".algoryn", "run.completed"},
	} {
		_, err := Subject(tc.prefix, tc.typ)
		assert.ErrorIs(t, err, ErrInvalidSubject, "prefix %q type %q", tc.prefix, tc.typ)
	}
	assert.NoError(t, ValidatePrefix("a.b_c-d"))
	assert.ErrorIs(t, ValidatePrefix(""), ErrInvalidSubject)
}

func TestDeadLetterSubject(t *testing.T) {
	assert.Equal(t, "algoryn.dlq.run.completed", DeadLetterSubject(DefaultPrefix, DefaultDeadLetterPrefix, "algoryn.events.run.completed"))
	assert.Equal(t, "algoryn.dlq.unknown", DeadLetterSubject(DefaultPrefix, DefaultDeadLetterPrefix, "other.subject"))
}
