package eventoutbox

import (
	"strconv"
	"strings"
)

// dialect is what differs between the SQL databases an Outbox can use.
type dialect struct {
	// name is the directory of its migrations: "sqlite" or "postgres".
	name string
	// numbered placeholders ($1, $2…) instead of "?".
	numbered bool
	// lockSchema, if set, is run first in the migration transaction to
	// serialise concurrent migrations.
	lockSchema string
	// skipLocked: forwarders claim rows with SELECT … FOR UPDATE SKIP
	// LOCKED and split the work; otherwise one forwarder at a time holds
	// the lease.
	skipLocked bool
	// durableCommit, if set, is run first in each transaction of Publish
	// so that its commit waits until it is on disk.
	durableCommit string
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{
		name:     "postgres",
		numbered: true,
		// Any constant key: "eventoutbox" in ASCII.
		lockSchema:    "SELECT pg_advisory_xact_lock(7311146993147723640)",
		skipLocked:    true,
		durableCommit: "SET LOCAL synchronous_commit = on",
	}
)

// bind rewrites the "?" placeholders of query for d.
func (d dialect) bind(query string) string {
	if !d.numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
