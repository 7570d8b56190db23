package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/algoryn/events"
	"github.com/spf13/cobra"
)

// convertCommand is `eventctl convert`.
func convertCommand(a *app) *cobra.Command {
	var to string
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "convert --to cloudevents|envelope [FILE...]",
		Short: "Convert events between the envelope and CloudEvents JSON",
		Long: `Convert reads events as validate does (NDJSON, a JSON array or pretty-printed
JSON; envelopes or CloudEvents, mixed freely) from each FILE or standard
input, and writes each as one line of NDJSON in the form --to names:
"cloudevents" (structured JSON, events.ToCloudEvent) or "envelope"
(events.Event.MarshalJSON). It streams: memory stays flat.

Only valid events are converted. Each invalid one is reported on stderr
as validate reports it (FILE:LINE: ID TYPE: Field: problem), is not
written, and makes the exit status 1; the others are still converted.

Exit status: 0 all converted, 1 some invalid, 2 usage or I/O error.`,
		Example: `  eventctl convert --to cloudevents events.ndjson > events.ce.ndjson
  eventctl convert --to envelope < events.ce.ndjson`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "cloudevents" && to != "envelope" {
				return usagef(cmd.CommandPath(), "--to %q is not cloudevents or envelope", to)
			}
			return runConvert(a, args, to == "cloudevents", opts)
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "target form: cloudevents or envelope (required)")
	cmd.MarkFlagRequired("to")
	addAllowUnknown(cmd, &opts)
	return cmd
}

func runConvert(a *app, names []string, toCloudEvents bool, opts checkOptions) error {
	out := bufio.NewWriterSize(a.stdout, 64<<10)
	errOut := bufio.NewWriter(a.stderr)
	var invalid int64
	var failed bool
	var buf []byte
	err := eachInput(names, a.stdin, func(err error) {
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
			if len(c.Problems) == 0 {
				if toCloudEvents {
					buf, err = events.ToCloudEvent(c.Event)
				} else {
					buf, err = c.Event.AppendJSON(buf[:0])
				}
				if err != nil {
					c.Problems = problemsOf(err)
				}
			}
			if len(c.Problems) > 0 {
				invalid++
				for _, p := range c.Problems {
					fmt.Fprintf(errOut, "%s:%s: %s %s: %s\n", in.Name, strconv.Itoa(rec.Line), shown(c.ID), shown(c.Type), p.text())
				}
				continue
			}
			out.Write(buf)
			out.WriteByte('\n')
		}
	})
	errOut.Flush()
	if err != nil {
		a.reportError(err)
		failed = true
	}
	if err := out.Flush(); err != nil {
		a.reportError(ioError{fmt.Errorf("cannot write the events: %w", err)})
		failed = true
	}
	switch {
	case failed:
		return silent{exitFailure}
	case invalid > 0:
		return invalidError{fmt.Sprintf("%d invalid events not converted", invalid)}
	}
	return nil
}
