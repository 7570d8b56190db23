//go:build race

package eventoutbox

// raceEnabled: the race detector slows the pure-Go SQLite down several
// times, so the largest tests use fewer events under -race.
const raceEnabled = true
