package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/algoryn/events"
	"github.com/spf13/cobra"
)

// newCommand is `eventctl new`.
func newCommand(a *app) *cobra.Command {
	var (
		source, payload, id, at string
		sets                    []string
		format                  string
	)
	cmd := &cobra.Command{
		Use:   "new TYPE --source S [--payload JSON | --payload @FILE] [--set Field=value]...",
		Short: "Make a valid event and print it",
		Long: `New builds an event of TYPE with events.New and prints it as one line of JSON:
the envelope, or with --format cloudevents the CloudEvents structured form.

The payload is the JSON object of --payload (inline, or @FILE to read a
file, @- for standard input), then each --set Field=value applied in order.
Field is a Go field name of the payload struct, with dots for nested
fields (Summary.P99Ms=187.4) and map keys (Tags.region=eu-west-1). Values
are converted by the field's Go type: durations accept 90s or 1m30s
(Duration=90s is 90000000000 nanoseconds on the wire), times accept RFC
3339 or "now", numbers and booleans their JSON literals. A field that the
payload struct does not have is refused, with the list of those it has.

The payload is then decoded and checked by the events package; an invalid
one is refused with the package's own field errors and exit status 1.
--id and --time fix the ID and timestamp (for tests and replays);
otherwise the ID is a new UUIDv7 and the time is now.

Exit status: 0 printed, 1 the event would be invalid, 2 usage error.`,
		Example: `  eventctl new run.completed --source pulse --set RunID=r-42 --set Service=checkout \
      --set Passed=true --set Duration=90s --set Summary.P99Ms=187.4
  eventctl new service.registered --source deploy --payload '{"Name":"checkout","Address":"10.0.0.7:8080"}'
  eventctl new alert.fired --source beacon --payload @alert.json --format cloudevents`,
		Args: exactArgs(1, "TYPE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := newOptions(cmd.CommandPath(), id, at)
			if err != nil {
				return err
			}
			return runNew(a, cmd.CommandPath(), events.EventType(args[0]), source, payload, sets, format, opts)
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "the emitting tool, e.g. pulse (required)")
	cmd.Flags().StringVar(&payload, "payload", "", "the payload as a JSON object, or @FILE")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "set a payload field: Field=value, Summary.P99Ms=187.4, Duration=90s (repeatable)")
	cmd.Flags().StringVar(&format, "format", "envelope", "output form: envelope or cloudevents")
	cmd.Flags().StringVar(&id, "id", "", "the event ID (default: a new UUIDv7)")
	cmd.Flags().StringVar(&at, "time", "", "the event time, RFC 3339 (default: now)")
	cmd.MarkFlagRequired("source")
	return cmd
}

// newOptions turns --id and --time into events.New options.
func newOptions(command, id, at string) ([]events.Option, error) {
	var opts []events.Option
	if id != "" {
		opts = append(opts, events.WithID(id))
	}
	if at != "" {
		ts, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			return nil, usagef(command, "--time %q is not an RFC 3339 time such as 2026-05-01T12:00:00Z", at)
		}
		opts = append(opts, events.WithTimestamp(ts))
	}
	return opts, nil
}

func runNew(a *app, command string, t events.EventType, source, payloadArg string, sets []string, format string, opts []events.Option) error {
	if format != "envelope" && format != "cloudevents" {
		return usagef(command, "--format %q is not envelope or cloudevents", format)
	}
	typ, ok := payloadType(t)
	if !ok {
		return usagef(command, "unknown event type %q (this version knows %s)", t, knownTypes())
	}
	tree := payloadTree{}
	if payloadArg != "" {
		data := []byte(payloadArg)
		if name, isFile := strings.CutPrefix(payloadArg, "@"); isFile {
			var err error
			if name == "-" {
				data, err = readAllLimited(a.stdin)
			} else {
				data, err = os.ReadFile(name)
			}
			if err != nil {
				return ioError{fmt.Errorf("cannot read the payload from %s: %w", name, unwrapPath(err))}
			}
		}
		var err error
		if tree, err = parsePayloadJSON(data); err != nil {
			return usagef(command, "--payload %w", err)
		}
		if err := checkKeys(tree, typ, ""); err != nil {
			return usagef(command, "--payload: %w", err)
		}
	}
	for _, s := range sets {
		field, value, ok := strings.Cut(s, "=")
		if !ok || field == "" {
			return usagef(command, "--set %q is not Field=value", s)
		}
		if err := setField(tree, typ, field, value); err != nil {
			return usagef(command, "--set %s: %w", field, err)
		}
	}
	body, err := jsonMarshal(tree)
	if err != nil {
		return usagef(command, "the payload cannot be written as JSON: %w", err)
	}
	p, err := events.DecodePayload(events.Event{Type: t, Payload: body})
	if err != nil {
		return invalidError{fmt.Sprintf("invalid %s payload: %s", t, joinProblems(problemsOf(err)))}
	}
	e, err := events.New(source, p, opts...)
	if err != nil {
		return invalidError{fmt.Sprintf("invalid %s event: %s", t, joinProblems(problemsOf(err)))}
	}
	var out []byte
	if format == "cloudevents" {
		out, err = events.ToCloudEvent(e)
	} else {
		out, err = e.AppendJSON(nil)
	}
	if err != nil {
		return invalidError{fmt.Sprintf("invalid %s event: %s", t, joinProblems(problemsOf(err)))}
	}
	out = append(out, '\n')
	if _, err := a.stdout.Write(out); err != nil {
		return ioError{fmt.Errorf("cannot write the event: %w", err)}
	}
	return nil
}

// joinProblems writes problems as one sentence, separated by semicolons.
func joinProblems(ps []problem) string {
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.text()
	}
	return strings.Join(texts, "; ")
}
