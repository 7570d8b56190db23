package eventoutbox

import (
	"context"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldTarget holds the first Publish until released, whatever its
// context says: a send already on the wire when Run is cancelled.
type heldTarget struct {
	started, release chan struct{}
	recorder
}

func (h *heldTarget) Publish(ctx context.Context, e events.Event) error {
	if h.count() == 0 {
		close(h.started)
		<-h.release
	}
	return h.recorder.Publish(ctx, e)
}

// TestPostgresClaimOutlivesRunCancel: cancelling Run while a batch is
// being sent does not roll the claim back under it: its rows stay locked
// until the send ends, and the event the target confirmed is deleted.
func TestPostgresClaimOutlivesRunCancel(t *testing.T) {
	o := openTempPostgres(t)
	ids := publishN(t, o, 3)
	target := &heldTarget{started: make(chan struct{}), release: make(chan struct{})}
	f, err := o.NewForwarder(ForwarderConfig{Target: target, Batch: 3})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	<-target.started
	cancel()

	// The rows are still the forwarder's: another cannot lock them.
	tx, err := o.db.BeginTx(t.Context(), nil)
	require.NoError(t, err)
	_, err = tx.Exec("SET LOCAL lock_timeout = '500ms'")
	require.NoError(t, err)
	var seq int64
	err = tx.QueryRow("SELECT seq FROM eventoutbox_events ORDER BY seq LIMIT 1 FOR UPDATE").Scan(&seq)
	assert.ErrorContains(t, err, "lock timeout", "the claimed row was unlocked while its send went on")
	require.NoError(t, tx.Rollback())

	close(target.release)
	require.NoError(t, <-done)
	assert.Equal(t, ids[:1], target.ids(), "sent before the cancellation took effect")
	assert.Equal(t, 2, pending(t, o), "the confirmed event deleted, the others kept")
	assert.Equal(t, uint64(1), f.Stats().Forwarded)
}
