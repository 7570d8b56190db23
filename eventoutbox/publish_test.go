package eventoutbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// storedIDs returns the IDs waiting in o, in stored order.
func storedIDs(t *testing.T, o *Outbox) []string {
	t.Helper()
	rows, err := readRows(context.Background(), o.db, o.d.bind(selectPending), 1<<20)
	require.NoError(t, err)
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	return ids
}

func TestPublishStoresAndSharesCommits(t *testing.T) {
	for _, s := range stores() {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			const producers, each = 16, 20
			want := map[string]bool{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for p := range producers {
				wg.Go(func() {
					for i := range each {
						e := violation(t, p*each+i)
						if assert.NoError(t, o.Publish(t.Context(), e)) {
							mu.Lock()
							want[e.ID] = true
							mu.Unlock()
						}
					}
				})
			}
			wg.Wait()
			got := storedIDs(t, o)
			require.Len(t, got, producers*each)
			for _, id := range got {
				assert.True(t, want[id], id)
			}
			assert.Less(t, o.commits.Load(), uint64(producers*each), "concurrent publishers share commits")
			t.Logf("%d events in %d commits", producers*each, o.commits.Load())
		})
	}
}

// TestPublishRefusesInvalidEvents: an invalid event is refused with the
// validation error and never stored.
func TestPublishRefusesInvalidEvents(t *testing.T) {
	o := openTempSQLite(t)
	bad := violation(t, 1)
	bad.Source = ""
	err := o.Publish(t.Context(), bad)
	require.ErrorIs(t, err, events.ErrInvalidEvent)
	var ve *events.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "Source", ve.Fields[0].Field)
	assert.Zero(t, pending(t, o))

	tx, err := o.DB().Begin()
	require.NoError(t, err)
	require.ErrorIs(t, o.Add(t.Context(), tx, events.Event{}), events.ErrInvalidEvent)
	require.NoError(t, tx.Commit())
	assert.Zero(t, pending(t, o))
}

func TestPublishAfterClose(t *testing.T) {
	o := openTempSQLite(t)
	require.NoError(t, o.Close())
	require.NoError(t, o.Close(), "Close is idempotent")
	assert.ErrorIs(t, o.Publish(t.Context(), violation(t, 1)), ErrClosed)
}

// TestPublishDiskFull: when the store is full, Publish says so and the
// event is not stored; what it reported stored is.
func TestPublishDiskFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.db")
	o, err := Open(path) // create the schema first
	require.NoError(t, err)
	require.NoError(t, o.Close())
	o, err = openSQLite(path, "max_page_count(40)") // 40 pages of 4 KiB: a tiny disk
	require.NoError(t, err)
	defer o.Close()

	var stored []string
	var full error
	for i := 0; i < 1000 && full == nil; i++ {
		e, err := events.New(events.SourceDeploy, events.ServiceRegisteredPayload{
			Name: fmt.Sprintf("svc-%d", i), Address: "10.0.0.7:8080", Tags: map[string]string{"filler": strings.Repeat("x", 2000)},
		})
		require.NoError(t, err)
		if full = o.Publish(t.Context(), e); full == nil {
			stored = append(stored, e.ID)
		}
	}
	require.Error(t, full, "the store never filled up")
	assert.ErrorIs(t, full, ErrNotStored)
	assert.Contains(t, full.Error(), "full")
	assert.Contains(t, full.Error(), path)
	assert.Equal(t, stored, storedIDs(t, o), "exactly the events reported stored are there")
	assert.False(t, errors.Is(full, events.ErrInvalidEvent))
}
