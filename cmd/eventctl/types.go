package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"text/tabwriter"

	"github.com/algoryn/events"
	"github.com/spf13/cobra"
)

// flow says who emits and who listens to each event type, as the events
// package's doc ("Event flow") states it; TestFlowMatchesPackageDoc keeps
// the two in step, and TestPayloadZerosCoverTypes that every type has an
// entry.
var flow = map[events.EventType]struct{ emittedBy, listenedBy string }{
	events.EventTypeRunCompleted:        {"Pulse", "dashboards"},
	events.EventTypeThresholdViolated:   {"Pulse, Relay", "Beacon"},
	events.EventTypeServiceRegistered:   {"Deploy", "Relay"},
	events.EventTypeServiceDeregistered: {"Deploy", "Relay"},
	events.EventTypeAlertFired:          {"Beacon", "people, pagers"},
}

// typeInfo is one line of `eventctl types`.
type typeInfo struct {
	Type       events.EventType `json:"type"`
	Payload    string           `json:"payload"`
	EmittedBy  string           `json:"emittedBy"`
	ListenedBy string           `json:"listenedBy"`
}

// typesCommand is `eventctl types`.
func typesCommand(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "types",
		Short: "List the event types, their payloads, who emits and who listens",
		Long: `Types lists every event type this version of the events package defines
(events.Types), in its order, with the Go payload struct, the tools that
emit it and those that listen to it. --json writes one JSON object per line.

Exit status: 0.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var rows []typeInfo
			for _, t := range events.Types() {
				f := flow[t]
				rows = append(rows, typeInfo{Type: t, Payload: "events." + reflect.TypeOf(payloadZeros[t]).Name(), EmittedBy: f.emittedBy, ListenedBy: f.listenedBy})
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				for _, r := range rows {
					if err := enc.Encode(r); err != nil {
						return ioError{fmt.Errorf("cannot write: %w", err)}
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TYPE\tPAYLOAD\tEMITTED BY\tLISTENED TO BY")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Type, r.Payload, r.EmittedBy, r.ListenedBy)
			}
			if err := tw.Flush(); err != nil {
				return ioError{fmt.Errorf("cannot write: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write NDJSON")
	return cmd
}
