package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
)

// validateCommand is `eventctl validate`.
func validateCommand(app *app) *cobra.Command {
	var asJSON bool
	var opts checkOptions
	cmd := &cobra.Command{
		Use:   "validate [FILE...]",
		Short: "Check events in files (or stdin) with the events package's rules",
		Long: `Validate reads events from each FILE, or from standard input when there is none
(or FILE is "-"), and checks every one with the rules of the events package
(ParseEvent or FromCloudEvent, then Event.Validate).

Input: NDJSON (one event per line), a JSON array of events, or JSON values
written over several lines such as a single pretty-printed event. Each
event is an envelope (payload embedded, or base64 as v0.2.0 wrote it) or
a CloudEvent in structured JSON, recognised by its "specversion" member.
The input is streamed: memory stays flat however long it is. A record may
be as long as the largest payload plus the envelope; a longer one is
reported and skipped. A bad record never stops the run.

Output: for each invalid event, one line per failing field,

  FILE:LINE: ID TYPE: Field.Path: problem

where LINE is the line on which the event starts (in an array, the line
of its element), and ID or TYPE is "-" when the record does not give it
(as for JSON that does not parse) and is quoted when it contains spaces,
quotes or control characters. Then a last line: "N valid, M invalid".
With --json the findings are NDJSON objects with the keys file, line, id,
type, field, kind, problem and value, and the last line is
{"valid":N,"invalid":M}.

Events of a type this version of the events package does not define are
invalid unless --allow-unknown is given.

Exit status: 0 all events valid, 1 some invalid, 2 usage error or a file
that cannot be read (the other files are still checked).`,
		Example: `  eventctl validate captured.ndjson
  kubectl logs deploy/relay | eventctl validate --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(app, args, asJSON, opts)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write findings as NDJSON")
	addAllowUnknown(cmd, &opts)
	return cmd
}

// addAllowUnknown adds the --allow-unknown flag.
func addAllowUnknown(cmd *cobra.Command, opts *checkOptions) {
	cmd.Flags().BoolVar(&opts.allowUnknown, "allow-unknown", false, "accept event types this version of the events package does not define")
}

// finding is one failing field, as --json writes it.
type finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	ID      string `json:"id"`
	Type    string `json:"type"`
	Field   string `json:"field"`
	Kind    string `json:"kind"`
	Problem string `json:"problem"`
	Value   any    `json:"value,omitempty"`
}

func runValidate(app *app, names []string, asJSON bool, opts checkOptions) error {
	out := bufio.NewWriterSize(app.stdout, 64<<10)
	prog := startProgress(app.stderr, "validate")
	var valid, invalid int64
	var failed error
	enc := json.NewEncoder(out)
	err := eachInput(names, app.stdin, func(err error) {
		app.reportError(err)
		failed = err
	}, func(in *input) error {
		prog.file(in.Name, in.Size)
		for {
			rec, err := in.Records.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return readError(in, err)
			}
			c := checkRecord(rec, opts)
			prog.records.Add(1)
			prog.bytes.Store(in.Records.Offset())
			if len(c.Problems) == 0 {
				valid++
				continue
			}
			invalid++
			for _, p := range c.Problems {
				if asJSON {
					enc.Encode(finding{File: in.Name, Line: rec.Line, ID: c.ID, Type: c.Type,
						Field: p.Field, Kind: p.Kind, Problem: p.Detail, Value: p.Value})
					continue
				}
				out.WriteString(in.Name)
				out.WriteByte(':')
				out.WriteString(strconv.Itoa(rec.Line))
				out.WriteString(": ")
				out.WriteString(shown(c.ID))
				out.WriteByte(' ')
				out.WriteString(shown(c.Type))
				out.WriteString(": ")
				out.WriteString(p.text())
				out.WriteByte('\n')
			}
		}
	})
	prog.finish()
	if err != nil {
		app.reportError(err)
		failed = err
	}
	if asJSON {
		fmt.Fprintf(out, "{\"valid\":%d,\"invalid\":%d}\n", valid, invalid)
	} else {
		fmt.Fprintf(out, "%d valid, %d invalid\n", valid, invalid)
	}
	if err := out.Flush(); err != nil {
		return ioError{fmt.Errorf("cannot write the report: %w", err)}
	}
	switch {
	case failed != nil:
		return silent{exitFailure}
	case invalid > 0:
		return invalidError{}
	}
	return nil
}
