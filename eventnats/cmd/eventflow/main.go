// Command eventflow runs the event flow of the Algoryn tools through a
// real NATS JetStream broker and checks that nothing was lost.
//
// From the repository root:
//
//	go run -C eventnats ./cmd/eventflow            # embedded server in a temp dir
//	go run -C eventnats ./cmd/eventflow --nats nats://host:4222
//	go run -C eventnats ./cmd/eventflow --outbox   # a broker outage in the middle
//
// Deploy registers a backend, Pulse completes a run and reports a threshold
// violation, Relay reports another, Deploy deregisters the backend. Relay
// consumes the registrations, Beacon consumes the violations and fires an
// alert pointing back at each, and a dashboard consumes everything. Each
// hop is printed; at the end a summary counts what was published,
// delivered and dead-lettered.
//
// It uses subjects and streams of its own (algoryn.demo.events.<type>,
// algoryn.demo.dlq.<type>, streams ALGORYN_DEMO_EVENTS and
// ALGORYN_DEMO_DLQ, messages kept an hour), so that running it against a
// shared broker never touches the real events or streams.
//
// It exits 0 when every event reached every consumer that should get it
// and every alert points at a violation, 1 when something was lost or the
// time ran out (during setup too), 2 on a bad flag or a setup error
// (broker unreachable, unusable store directory). An event is printed
// with "→" once the broker has acknowledged it, and counted as published;
// one the broker did not acknowledge is printed with "✗ ... not
// published" instead.
//
// Flags:
//
//	--nats URL     use this NATS server instead of starting an embedded one
//	--store DIR    store directory of the embedded server (default: a temp dir, removed); not with --nats
//	--timeout D    give up after D, which must be positive (default 20s)
//	--poison       also publish one malformed message, to show dead-lettering
//	--outbox       publish through an eventoutbox (SQLite, in the store directory) and stop
//	               the embedded broker after the second event, start it again after the
//	               fourth: every event still arrives; not with --nats
//	--trace        follow each event with OpenTelemetry (eventotel, the SDK's in-memory
//	               exporter): Beacon also pages a pager over HTTP, and the traces are printed
//	               as trees, one per event a tool emitted, from the tool to the pager
//	--verbose      log retries and dead letters (log/slog to stderr)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args and runs the flow, returning the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eventflow", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.StringVar(&cfg.natsURL, "nats", "", "NATS `URL` to use instead of an embedded server")
	fs.StringVar(&cfg.storeDir, "store", "", "store `dir`ectory of the embedded server (default: a temp dir, removed at exit); not with --nats")
	fs.DurationVar(&cfg.timeout, "timeout", 20*time.Second, "give up after this long (positive)")
	fs.BoolVar(&cfg.poison, "poison", false, "also publish one malformed message, to show dead-lettering")
	fs.BoolVar(&cfg.outbox, "outbox", false, "publish through an outbox and stop the embedded broker in the middle of the flow; not with --nats")
	fs.BoolVar(&cfg.trace, "trace", false, "trace each event with OpenTelemetry and print the traces as trees; Beacon also pages a pager over HTTP")
	verbose := fs.Bool("verbose", false, "log retries and dead letters to stderr")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "eventflow: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if msg := cfg.check(); msg != "" {
		fmt.Fprintf(stderr, "eventflow: %s\n", msg)
		fs.Usage()
		return 2
	}
	cfg.log = slog.New(slog.DiscardHandler)
	if *verbose {
		cfg.log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	return flow(ctx, cfg, stdout, stderr)
}

// check returns what is wrong with flag values that parsed, or "".
func (c config) check() string {
	switch {
	case c.timeout <= 0:
		return fmt.Sprintf("--timeout must be positive, got %s", c.timeout)
	case c.storeDir != "" && c.natsURL != "":
		return "--store is for the embedded server and cannot be used with --nats"
	case c.outbox && c.natsURL != "":
		return "--outbox stops and restarts the embedded server and cannot be used with --nats"
	}
	return ""
}
