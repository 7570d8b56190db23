package main

import (
	"bufio"
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"
)

// tailCommand is `eventctl tail`.
func tailCommand(a *app) *cobra.Command {
	var (
		bf      brokerFlags
		types   []string
		service string
		since   time.Duration
		all     bool
		count   int
		format  string
	)
	cmd := &cobra.Command{
		Use:   "tail [--type T]... [--service S] [--since 10m | --all] [--count N] [--format pretty|json|cloudevents]",
		Short: "Follow the event stream without disturbing any consumer",
		Long: `Tail follows the event stream with an ephemeral ordered consumer: it
acknowledges nothing and moves no durable consumer, so the tools reading
the stream are not disturbed. It starts with new events, or with those of
the last --since duration, or with the first stored (--all), and stops
after --count events or on Ctrl-C.

--type limits it to event types (repeatable; the broker filters), --service
to events about one service (the payload's subject).

--format pretty (the default) writes one line per event: time (UTC),
type, source, subject, the last 8 characters of the ID (the random part
of a UUIDv7) and the payload's fields in one line. json writes each event
exactly as events.Event.MarshalJSON does, cloudevents as
events.ToCloudEvent does, one per line. A message on the stream that is
not a valid event is reported on stderr and skipped.

Exit status: 0 stopped, 2 usage error or the broker failed.`,
		Example: `  eventctl tail
  eventctl tail --type threshold.violated --type alert.fired --since 1h
  eventctl tail --all --count 100 --format json > last.ndjson`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && cmd.Flags().Changed("since") {
				return usagef(cmd.CommandPath(), "--since and --all cannot be used together")
			}
			if format != "pretty" && format != "json" && format != "cloudevents" {
				return usagef(cmd.CommandPath(), "--format %q is not pretty, json or cloudevents", format)
			}
			if count < 0 || since < 0 {
				return usagef(cmd.CommandPath(), "--count and --since must not be negative")
			}
			cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy}
			switch {
			case all:
				cfg.DeliverPolicy = jetstream.DeliverAllPolicy
			case since > 0:
				start := time.Now().Add(-since)
				cfg.DeliverPolicy = jetstream.DeliverByStartTimePolicy
				cfg.OptStartTime = &start
			}
			for _, t := range types {
				subj, err := eventnats.Subject(bf.prefix, events.EventType(t))
				if err != nil {
					return usagef(cmd.CommandPath(), "--type %q cannot be a subject", t)
				}
				cfg.FilterSubjects = append(cfg.FilterSubjects, subj)
			}
			if len(cfg.FilterSubjects) == 0 {
				// Events only: the stream also holds replays addressed
				// to one consumer, which are not new events.
				if err := eventnats.ValidatePrefix(bf.prefix); err != nil {
					return usagef(cmd.CommandPath(), "--prefix %q cannot be a subject prefix", bf.prefix)
				}
				cfg.FilterSubjects = []string{bf.prefix + ".>"}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runTail(ctx, a, &bf, cfg, service, count, format)
		},
	}
	bf.add(cmd.Flags())
	cmd.Flags().StringArrayVar(&types, "type", nil, "only events of this type (repeatable)")
	cmd.Flags().StringVar(&service, "service", "", "only events about this service (the payload's subject)")
	cmd.Flags().DurationVar(&since, "since", 0, "start with the events of this last duration, e.g. 10m")
	cmd.Flags().BoolVar(&all, "all", false, "start with the first event stored")
	cmd.Flags().IntVar(&count, "count", 0, "stop after this many events (0: never)")
	cmd.Flags().StringVar(&format, "format", "pretty", "pretty, json or cloudevents")
	return cmd
}

func runTail(ctx context.Context, a *app, bf *brokerFlags, cfg jetstream.OrderedConsumerConfig, service string, count int, format string) error {
	k, err := bf.connect()
	if err != nil {
		return err
	}
	defer k.close()
	reqCtx, cancel := context.WithTimeout(ctx, bf.timeout)
	cons, err := k.js.OrderedConsumer(reqCtx, bf.stream, cfg)
	cancel()
	if err != nil {
		return brokerError("cannot follow stream "+bf.stream, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return brokerError("cannot follow stream "+bf.stream, err)
	}
	go func() {
		<-ctx.Done()
		it.Stop()
	}()
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	shown := 0
	for count == 0 || shown < count {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return brokerError("following stream "+bf.stream, err)
		}
		e, err := eventnats.EventFromMsg(bf.prefix, &nats.Msg{Subject: msg.Subject(), Header: msg.Headers(), Data: msg.Data()})
		if err == nil {
			err = e.Validate()
		}
		if err != nil {
			seq := uint64(0)
			if md, mdErr := msg.Metadata(); mdErr == nil {
				seq = md.Sequence.Stream
			}
			out.Flush()
			fmt.Fprintf(a.stderr, "eventctl: message %d on %s is not a valid event: %v\n", seq, msg.Subject(), err)
			continue
		}
		if service != "" && e.Subject() != service {
			continue
		}
		var line []byte
		switch format {
		case "json":
			line, err = e.AppendJSON(nil)
		case "cloudevents":
			line, err = events.ToCloudEvent(e)
		default:
			line = []byte(prettyLine(e))
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "eventctl: event %s cannot be written: %v\n", e.ID, err)
			continue
		}
		out.Write(line)
		out.WriteByte('\n')
		out.Flush() // a person or a pipe is waiting for each event
		shown++
	}
	return nil
}
