package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/spf13/cobra"
)

// publishCommand is `eventctl publish`.
func publishCommand(a *app) *cobra.Command {
	var bf brokerFlags
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "publish [FILE...]",
		Short: "Validate events and publish them through the eventnats Publisher",
		Long: `Publish reads events as validate does (NDJSON, a JSON array or pretty-printed
JSON; envelopes or CloudEvents) from each FILE or standard input, checks
each with the events package's rules, and publishes the valid ones one by
one through the eventnats Publisher, which waits for the stream to store
each. An event whose ID the stream stored within its duplicate window
(2 minutes by default) is stored once: publishing a file twice is safe.

Each invalid event is reported on stderr as validate reports it and not
published. The last line on stdout is "N published, M duplicate, K invalid".
A broker that fails stops the run (the events before were published).

Exit status: 0 all published, 1 some invalid, 2 usage or I/O error or the
broker failed.`,
		Example: `  eventctl publish --server nats://nats.internal:4222 replayed.ndjson
  eventctl new run.completed --source pulse --payload @run.json | eventctl publish`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPublish(cmd.Context(), a, &bf, args, opts)
		},
	}
	bf.add(cmd.Flags())
	addAllowUnknown(cmd, &opts)
	return cmd
}

func runPublish(ctx context.Context, a *app, bf *brokerFlags, names []string, opts checkOptions) error {
	k, err := bf.connect()
	if err != nil {
		return err
	}
	defer k.close()
	pub, err := eventnats.NewPublisher(k.js, eventnats.PublisherConfig{Prefix: bf.prefix, Timeout: bf.timeout})
	if err != nil {
		return usagef("eventctl publish", "%w", err)
	}
	errOut := bufio.NewWriter(a.stderr)
	defer errOut.Flush()
	var published, duplicate, invalid int
	var failed bool
	report := func(in *input, line int, c checked) {
		for _, p := range c.Problems {
			fmt.Fprintf(errOut, "%s:%d: %s %s: %s\n", in.Name, line, shown(c.ID), shown(c.Type), p.text())
		}
	}
	err = eachInput(names, a.stdin, func(err error) {
		errOut.Flush()
		a.reportError(err)
		failed = true
	}, func(in *input) error {
		for {
			rec, err := in.Records.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return readError(in, err)
			}
			c := checkRecord(rec, opts)
			if len(c.Problems) > 0 {
				invalid++
				report(in, rec.Line, c)
				continue
			}
			ack, err := pub.PublishAck(ctx, c.Event)
			switch {
			case err == nil && ack.Duplicate:
				duplicate++
			case err == nil:
				published++
			case errors.Is(err, events.ErrInvalidEvent) || errors.Is(err, eventnats.ErrTooLarge):
				invalid++
				c.Problems = problemsOf(err)
				if errors.Is(err, eventnats.ErrTooLarge) {
					c.Problems = []problem{{Field: "JSON", Kind: string(events.FieldErrorTooLarge), Detail: err.Error()}}
				}
				report(in, rec.Line, c)
			default:
				return ioError{fmt.Errorf("%s:%d: cannot publish event %s: %w", in.Name, rec.Line, c.ID, err)}
			}
		}
	})
	errOut.Flush()
	if err != nil {
		a.reportError(err)
		failed = true
	}
	fmt.Fprintf(a.stdout, "%d published, %d duplicate, %d invalid\n", published, duplicate, invalid)
	switch {
	case failed:
		return silent{exitFailure}
	case invalid > 0:
		return invalidError{}
	}
	return nil
}
