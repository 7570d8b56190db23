package events

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewIDIsUniqueUUIDv7AcrossGoroutines(t *testing.T) {
	t.Parallel()
	const workers, each = 4, 5000
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ids[w] = append(ids[w], newID(time.Now()))
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	randB := map[[8]byte]bool{}
	for _, list := range ids {
		require.Len(t, list, each)
		prev := ""
		for _, s := range list {
			u, err := uuid.Parse(s)
			require.NoError(t, err)
			require.Equal(t, uuid.Version(7), u.Version())
			require.Equal(t, uuid.RFC4122, u.Variant())
			require.Greater(t, s, prev, "IDs made one after another are ordered")
			prev = s
			require.False(t, seen[s], "duplicate ID %s", s)
			seen[s] = true
			var b [8]byte
			copy(b[:], u[8:])
			b[0] &= 0x3f // the variant bits are not random
			require.False(t, randB[b], "random bits repeated: %x", b)
			randB[b] = true
		}
	}
}

func TestNewIDKeepsIncreasingWhenTheClockGoesBack(t *testing.T) {
	t.Parallel()
	var clock v7Clock
	now := time.Now()
	first := clock.newID(now)
	for _, at := range []time.Time{now, now.Add(-time.Minute), now.Add(-time.Hour)} {
		next := clock.newID(at)
		require.Greater(t, next, first, "an ID made at %v", at)
		first = next
	}
	u := uuid.MustParse(first)
	sec, nsec := u.Time().UnixTime()
	assert.Equal(t, now.UnixMilli(), time.Unix(sec, nsec).UnixMilli(), "the stamp stays at the latest time seen")
}

func TestAppendUUIDWritesWhatStringWrites(t *testing.T) {
	t.Parallel()
	ids := []uuid.UUID{{}, uuid.Max, uuid.MustParse("01966f5e-0000-7000-8000-00000000000a")}
	for range 1000 {
		ids = append(ids, uuid.New())
	}
	for _, id := range ids {
		got := appendUUID([]byte("prefix:"), id)
		require.Equal(t, "prefix:"+id.String(), string(got))
	}
}

func TestNewSharesOneAllocationSafely(t *testing.T) {
	t.Parallel()
	for _, summary := range []string{"short", strings.Repeat("m", maxIDSharing)} {
		e, err := New(SourceBeacon, AlertFiredPayload{AlertID: "a", RuleID: "r", Severity: SeverityWarning,
			Service: "checkout", Summary: summary, FiredAt: time.Now()})
		require.NoError(t, err)
		id := strings.Clone(e.ID)
		require.NoError(t, uuid.Validate(id))
		require.Equal(t, len(e.Payload)+stampLen, cap(e.Payload), "the payload's capacity ends at its stamp")
		// Whatever a caller writes within the payload's capacity, or
		// appends to it, leaves the ID as it was.
		clear(e.Payload[:cap(e.Payload)])
		_ = append(e.Payload, bytes.Repeat([]byte("x"), 64)...)
		require.Equal(t, id, e.ID)
	}
}

func TestNewIDAllocatesOnlyItsString(t *testing.T) {
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() { _ = newID(now) }); n != 1 {
		t.Errorf("newID allocates %v times, want 1 (the string)", n)
	}
}
