package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/algoryn/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestEventflowOutbox: with --outbox the broker is down while two
// violations are published; they wait in the outbox and every event
// still reaches every consumer.
func TestEventflowOutbox(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--store", t.TempDir(), "--outbox"}, &out, &errOut)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &out, &errOut)
	s := out.String()
	down := strings.Index(s, "eventflow: broker stopped")
	up := strings.Index(s, "eventflow: broker started again; 2 events waited in the outbox")
	require.True(t, down >= 0 && up > down, s)
	assert.Equal(t, 2, strings.Count(s[down:up], "→ threshold.violated"), "both violations stored while the broker was down:\n%s", s)
	assert.Contains(t, s, "outbox: forwarded 7, refused 0, pending 0")
	assert.Contains(t, s, "summary: published 7, delivered 11 (relay 2, beacon 2, dashboard 7), retried 0, dead-lettered 0, lost 0, violations without alert 0")
	assert.Contains(t, s, "ok: every event reached every consumer")
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

// TestEventflowBadFlagValues: flag values that parse but cannot work are
// usage errors, reported before anything starts.
func TestEventflowBadFlagValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--timeout", "0"}, "eventflow: --timeout must be positive, got 0s\n"},
		{[]string{"--timeout", "-1s"}, "eventflow: --timeout must be positive, got -1s\n"},
		{[]string{"--nats", "nats://127.0.0.1:1", "--store", t.TempDir()}, "eventflow: --store is for the embedded server and cannot be used with --nats\n"},
		{[]string{"--nats", "nats://127.0.0.1:1", "--outbox"}, "eventflow: --outbox stops and restarts the embedded server and cannot be used with --nats\n"},
	} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(tc.args, &out, &errOut), "%q", tc.args)
		assert.True(t, strings.HasPrefix(errOut.String(), tc.want), "%q: stderr:\n%s", tc.args, &errOut)
		assert.Contains(t, errOut.String(), "Usage of eventflow", "%q", tc.args)
		assert.Empty(t, out.String(), "%q: nothing started", tc.args)
	}
}

// TestEventflowTinyTimeoutConsistent runs the flow with timeouts too
// short for it to finish. Whatever is cut short, the output must agree
// with itself: every event printed as published ("→") is counted in the
// summary's published count, and no event printed as published is also
// printed as not published.
func TestEventflowTinyTimeoutConsistent(t *testing.T) {
	for _, timeout := range []string{"50ms", "120ms", "200ms"} {
		var out, errOut bytes.Buffer
		code := run([]string{"--store", t.TempDir(), "--timeout", timeout}, &out, &errOut)
		s := out.String()
		t.Logf("--timeout %s: exit %d\n%s%s", timeout, code, s, &errOut)
		if timeout == "50ms" {
			assert.Equal(t, 1, code, "50ms is too short for the flow: the time ran out")
		} else {
			assert.Contains(t, []int{0, 1}, code, "a timeout is not a setup error")
		}
		if code == 1 && !strings.Contains(s, "summary:") {
			assert.Contains(t, errOut.String(), "eventflow: time ran out (--timeout "+timeout+")")
		}

		published, unpublished := map[string]bool{}, map[string]bool{}
		for _, line := range strings.Split(s, "\n") {
			f := strings.Fields(line)
			if len(f) < 4 {
				continue
			}
			switch {
			case f[1] == "→" && f[3] != "-": // "-": the poison has no ID
				assert.False(t, published[f[3]], "%s printed as published twice", f[3])
				published[f[3]] = true
			case f[1] == "✗" && strings.Contains(line, "not published"):
				unpublished[f[3]] = true
			}
		}
		for id := range unpublished {
			assert.False(t, published[id], "--timeout %s: %s printed both as published and as not published", timeout, id)
		}
		m := regexp.MustCompile(`summary: published (\d+),`).FindStringSubmatch(s)
		if m == nil {
			assert.Empty(t, published, "--timeout %s: events printed as published but no summary", timeout)
			continue
		}
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		assert.Equal(t, len(published), n, "--timeout %s: events printed as published vs the summary's count", timeout)
	}
}

// TestPrinterHoldsLinesBehindPendingPublish: a consumer can receive an
// event before its publisher hears the acknowledgement; what is printed
// meanwhile waits behind the publish's line ("→" or "✗"), so that the
// output reads in order.
func TestPrinterHoldsLinesBehindPendingPublish(t *testing.T) {
	var b bytes.Buffer
	p := &printer{w: &b}
	p.hop("relay", "←", events.EventTypeServiceRegistered, "0000-reg", "nothing pending")
	assert.Equal(t, "  relay     ← service.registered    0000-reg   nothing pending\n", b.String())
	b.Reset()

	ok := events.Event{ID: "0000-ok", Type: events.EventTypeThresholdViolated}
	alert := events.Event{ID: "0000-alert", Type: events.EventTypeAlertFired}
	lost := events.Event{ID: "000-lost", Type: events.EventTypeRunCompleted}
	sOK := p.publishing()
	p.hop("beacon", "←", ok.Type, ok.ID, "got it")
	sAlert := p.publishing() // beacon publishes an alert while pulse still waits
	sLost := p.publishing()
	p.hop("dashboard", "←", lost.Type, lost.ID, "got it anyway")
	p.published(sAlert, "beacon", alert, "alert")
	p.unpublished(sLost, "pulse", lost, "not published", fmt.Errorf("publish: %w", context.DeadlineExceeded))
	assert.Empty(t, b.String(), "everything waits behind the first pending publish")
	p.published(sOK, "pulse", ok, "sent")
	p.line("summary")
	assert.Equal(t, ""+
		"  pulse     → threshold.violated    0000-ok    sent\n"+
		"  beacon    ← threshold.violated    0000-ok    got it\n"+
		"  beacon    → alert.fired           …00-alert  alert\n"+
		"  pulse     ✗ run.completed         000-lost   not published (no acknowledgement in time; the broker may still have stored it): publish: context deadline exceeded\n"+
		"  dashboard ← run.completed         000-lost   got it anyway\n"+
		"summary\n", b.String())
}

// TestEventflowTrace: with --trace every causal chain is one trace,
// printed as a tree from the tool's span to the pager reached over HTTP.
func TestEventflowTrace(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--store", t.TempDir(), "--trace"}, &out, &errOut)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", &out, &errOut)
	s := out.String()
	assert.Contains(t, s, "summary: published 7, delivered 13 (relay 2, beacon 2, dashboard 7, pager 2), retried 0, dead-lettered 0, lost 0, violations without alert 0")
	assert.Contains(t, s, "traces: 5, one per event a tool emitted (27 spans; send = PRODUCER, process = CONSUMER)")
	assert.Contains(t, s, "metrics: sent 9, consumed 13, handled 13, failed 0, retried 0, dead-lettered 0")
	assert.Equal(t, 2, strings.Count(s, "pager     ← alert.fired"), s)

	// The trees, each written as label(children…) with the children
	// sorted, since consumers of one event start in either order.
	tree := s[strings.Index(s, "traces: "):strings.Index(s, "metrics: ")]
	trees := parseTrees(t, strings.Split(tree, "\n")[1:])
	require.Len(t, trees, 5, tree)
	assert.Equal(t, []string{
		"deploy emits service.registered(send algoryn.demo.events.service.registered(process algoryn.demo.events.service.registered dashboard,process algoryn.demo.events.service.registered relay))",
		"pulse emits run.completed(send algoryn.demo.events.run.completed(process algoryn.demo.events.run.completed dashboard))",
		"pulse emits threshold.violated(send algoryn.demo.events.threshold.violated(" +
			"process algoryn.demo.events.threshold.violated beacon(send /pager(process /pager),send algoryn.demo.events.alert.fired(process algoryn.demo.events.alert.fired dashboard))," +
			"process algoryn.demo.events.threshold.violated dashboard))",
		"relay emits threshold.violated(send algoryn.demo.events.threshold.violated(" +
			"process algoryn.demo.events.threshold.violated beacon(send /pager(process /pager),send algoryn.demo.events.alert.fired(process algoryn.demo.events.alert.fired dashboard))," +
			"process algoryn.demo.events.threshold.violated dashboard))",
		"deploy emits service.deregistered(send algoryn.demo.events.service.deregistered(process algoryn.demo.events.service.deregistered dashboard,process algoryn.demo.events.service.deregistered relay))",
	}, trees, tree)
}

// parseTrees reads the printed trees back: the depth of a span is where
// its name starts, three columns a level, and its label is its name and
// consumer, without the trace ID and the duration.
func parseTrees(t *testing.T, lines []string) []string {
	t.Helper()
	type node struct {
		label string
		kids  []*node
	}
	var roots []*node
	var stack []*node
	for _, line := range lines {
		if line == "" {
			continue
		}
		r := []rune(strings.TrimPrefix(line, "  "))
		col := 0
		for col < len(r) && strings.ContainsRune(" │├└─", r[col]) {
			col++
		}
		require.Zero(t, col%3, "line %q", line)
		depth := col / 3
		var kept []string
		for _, f := range strings.Fields(string(r[col:])) {
			if f == "trace" || strings.HasSuffix(f, "…") || (f[0] >= '0' && f[0] <= '9' && strings.HasSuffix(f, "s")) {
				continue
			}
			kept = append(kept, f)
		}
		n := &node{label: strings.Join(kept, " ")}
		require.LessOrEqual(t, depth, len(stack), "line %q", line)
		stack = stack[:depth]
		if depth == 0 {
			roots = append(roots, n)
		} else {
			p := stack[depth-1]
			p.kids = append(p.kids, n)
		}
		stack = append(stack, n)
	}
	var str func(n *node) string
	str = func(n *node) string {
		if len(n.kids) == 0 {
			return n.label
		}
		kids := make([]string, len(n.kids))
		for i, k := range n.kids {
			kids[i] = str(k)
		}
		slices.Sort(kids)
		return n.label + "(" + strings.Join(kids, ",") + ")"
	}
	out := make([]string, len(roots))
	for i, r := range roots {
		out[i] = str(r)
	}
	return out
}
