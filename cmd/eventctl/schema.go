package main

import (
	"bytes"
	"fmt"

	"github.com/algoryn/events"
	"github.com/spf13/cobra"
)

// schemaCommand is `eventctl schema`.
func schemaCommand(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "schema [TYPE]",
		Short: "Print the JSON Schema of an event type's payload, or of the envelope",
		Long: `Schema prints the JSON Schema (draft 2020-12) that the events package keeps in
step with its Go types: of the payload of TYPE (events.Schema), or of the
envelope when no TYPE is given (events.EnvelopeSchema, which refers to the
payload schemas by their relative names "<type>.json").

Exit status: 0 printed, 2 unknown type or usage error.`,
		Example: `  eventctl schema
  eventctl schema threshold.violated > threshold.violated.json`,
		Args: maxArgs(1, "one TYPE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var s []byte
			if len(args) == 0 {
				s = events.EnvelopeSchema()
			} else {
				var ok bool
				if s, ok = events.Schema(events.EventType(args[0])); !ok {
					return usagef(cmd.CommandPath(), "unknown event type %q (this version knows %s)", args[0], knownTypes())
				}
			}
			if !bytes.HasSuffix(s, []byte("\n")) {
				s = append(s, '\n')
			}
			if _, err := a.stdout.Write(s); err != nil {
				return ioError{fmt.Errorf("cannot write the schema: %w", err)}
			}
			return nil
		},
	}
}
