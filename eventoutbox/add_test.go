package eventoutbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAddFollowsTheTransaction: an event added in a transaction that
// rolls back does not exist; one added in a transaction that commits is
// forwarded, once.
func TestAddFollowsTheTransaction(t *testing.T) {
	for _, s := range stores() {
		t.Run(s.name, func(t *testing.T) {
			o := s.open(t)
			db := o.DB()
			_, err := db.Exec("CREATE TABLE services (name TEXT PRIMARY KEY)")
			require.NoError(t, err)
			insert := o.d.bind("INSERT INTO services (name) VALUES (?)")

			rolledBack := violation(t, 1)
			tx, err := db.BeginTx(t.Context(), nil)
			require.NoError(t, err)
			_, err = tx.Exec(insert, "checkout")
			require.NoError(t, err)
			require.NoError(t, o.Add(t.Context(), tx, rolledBack))
			require.NoError(t, tx.Rollback())
			assert.Zero(t, pending(t, o), "rolled back: no event")

			committed := violation(t, 2)
			tx, err = db.BeginTx(t.Context(), nil)
			require.NoError(t, err)
			_, err = tx.Exec(insert, "checkout")
			require.NoError(t, err)
			require.NoError(t, o.Add(t.Context(), tx, committed))
			require.NoError(t, tx.Commit())
			assert.Equal(t, 1, pending(t, o), "committed: one event")

			target := &recorder{}
			runForwarder(t, o, ForwarderConfig{Target: target})
			waitFor(t, "the committed event is forwarded", func() bool { return target.count() == 1 })
			waitFor(t, "and marked sent", func() bool { return pending(t, o) == 0 })
			assert.Equal(t, []string{committed.ID}, target.ids())
			var n int
			require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM services").Scan(&n))
			assert.Equal(t, 1, n)
		})
	}
}

func TestAddNilTransaction(t *testing.T) {
	o := openTempSQLite(t)
	assert.ErrorIs(t, o.Add(t.Context(), nil, violation(t, 1)), ErrNotStored)
}
