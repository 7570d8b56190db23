package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEventflow runs the program as `go run ./cmd/eventflow` would and
// checks its exit code and summary.
func TestEventflow(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--store", t.TempDir()}, &out, &errOut)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &out, &errOut)
	s := out.String()
	assert.Contains(t, s, "summary: published 7, delivered 11 (relay 2, beacon 2, dashboard 7), retried 0, dead-lettered 0, lost 0, violations without alert 0")
	assert.Contains(t, s, "ok: every event reached every consumer")
	assert.Equal(t, 2, strings.Count(s, "pager     ← alert.fired"), s)
}

func TestEventflowPoison(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--store", t.TempDir(), "--poison"}, &out, &errOut)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &out, &errOut)
	assert.Contains(t, out.String(), "dead-lettered 2, lost 0")
}

// TestEventflowBrokerDown: an unreachable broker is a setup error, fast.
func TestEventflowBrokerDown(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--nats", "nats://127.0.0.1:1", "--timeout", "5s"}, &out, &errOut)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "eventflow: connect to nats://127.0.0.1:1")
}

func TestEventflowBadFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run([]string{"--nope"}, &out, &errOut))
	assert.Equal(t, 2, run([]string{"extra"}, &out, &errOut))
}
