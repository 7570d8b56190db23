//go:build !race

package eventoutbox

// raceEnabled: see race_on_test.go.
const raceEnabled = false
