package eventnats

import (
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replaySubjectCases seed TestReplaySubject and FuzzReplaySubject.
var replaySubjectCases = []struct {
	prefix, durable string
	typ             events.EventType
	want            string
	wantErr         error
}{
	{"", "beacon", events.EventTypeThresholdViolated, "algoryn.events_replay.beacon.threshold.violated", nil},
	{"acme.events_replay", "relay-1", "run.completed", "acme.events_replay.relay-1.run.completed", nil},
	{"", "Beacon_2", "a", "algoryn.events_replay.Beacon_2.a", nil},
	{"", "", "run.completed", "", ErrInvalidConfig},
	{"", "a.b", "run.completed", "", ErrInvalidConfig},
	{"", "a*", "run.completed", "", ErrInvalidConfig},
	{"", "beacon", "run.>", "", ErrInvalidSubject},
	{"", "beacon", "", "", ErrInvalidSubject},
	{"x.>", "beacon", "run.completed", "", ErrInvalidSubject},
}

// TestReplaySubject: the subject of a replay, and the refusals.
func TestReplaySubject(t *testing.T) {
	t.Parallel()
	for _, tc := range replaySubjectCases {
		got, err := ReplaySubject(tc.prefix, tc.durable, tc.typ)
		if tc.wantErr != nil {
			assert.ErrorIs(t, err, tc.wantErr, "%q %q %q", tc.prefix, tc.durable, tc.typ)
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tc.want, got)
	}
}

// TestSubjectMatches: NATS wildcard matching, as the server does it.
func TestSubjectMatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		filter, subject string
		want            bool
	}{
		{"a.b", "a.b", true},
		{"a.b", "a.b.c", false},
		{"a.b.c", "a.b", false},
		{"a.*", "a.b", true},
		{"a.*", "a.b.c", false},
		{"a.>", "a.b.c", true},
		{"a.>", "a", false},
		{"*.b.>", "a.b.c", true},
		{"a.events.>", "a.events_replay.x.y", false},
		{"a.events_replay.x.>", "a.events_replay.x.y", true},
		{"a.events_replay.x.>", "a.events_replay.xy.y", false},
		{">", "a", true},
	} {
		assert.Equal(t, tc.want, subjectMatches(tc.filter, tc.subject), "%q ~ %q", tc.filter, tc.subject)
	}
}

// FuzzReplaySubject checks the subject scheme for any durable, type and
// prefix: a replay subject splits back into its durable and type, is
// taken by its durable's replay filter and no other durable's, and is
// never an event subject (not under Prefix.>, which consumers with a
// fallback take), while no event subject of any type is a replay subject.
func FuzzReplaySubject(f *testing.F) {
	for _, tc := range replaySubjectCases {
		f.Add("algoryn.events", tc.durable, string(tc.typ), "dashboard")
	}
	f.Add("a", "b", "c.d", "b2")
	f.Fuzz(func(t *testing.T, prefix, durable, typ, other string) {
		if ValidatePrefix(prefix) != nil || checkDurable(other) != nil || other == durable {
			return
		}
		rp := replayPrefixFor(prefix)
		subj, err := ReplaySubject(rp, durable, events.EventType(typ))
		if err != nil {
			return
		}
		d, ty, ok := splitReplay(rp, subj)
		if !ok || d != durable || ty != typ {
			t.Fatalf("splitReplay(%q) = %q, %q, %v; want %q, %q", subj, d, ty, ok, durable, typ)
		}
		if !subjectMatches(replayFilter(rp, durable), subj) {
			t.Fatalf("%q is not taken by its durable's filter", subj)
		}
		if subjectMatches(replayFilter(rp, other), subj) {
			t.Fatalf("%q is taken by durable %q's filter", subj, other)
		}
		if subjectMatches(prefix+".>", subj) || typeFromSubject(prefix, subj) != "" {
			t.Fatalf("replay subject %q is an event subject under %q", subj, prefix)
		}
		if ev, err := Subject(prefix, events.EventType(typ)); err == nil && subjectMatches(rp+".>", ev) {
			t.Fatalf("event subject %q is a replay subject under %q", ev, rp)
		}
	})
}
