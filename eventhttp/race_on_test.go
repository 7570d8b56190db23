//go:build race

package eventhttp_test

// raceEnabled says the tests run with the race detector, which slows
// them some tenfold.
const raceEnabled = true
