package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/algoryn/events/eventnats"
	"github.com/spf13/cobra"
)

// statsCommand is `eventctl stats`.
func statsCommand(a *app) *cobra.Command {
	var bf brokerFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats [--json]",
		Short: "Show the event stream, each durable consumer's backlog and the dead letters",
		Long: `Stats reads (eventnats.ReadStats) and shows, changing nothing: the event
stream's messages and bytes; for each durable consumer the messages not
yet delivered to it (PENDING), those delivered and waiting for an answer
(ACK PENDING), those among them delivered more than once (REDELIVERED), the
pull requests waiting (WAITING: 0 means no process reads it now) and when
it last received a message; then the dead letters per type and consumer.
--json writes the eventnats.Stats value as one JSON object.

Exit status: 0 shown, 2 usage error or the broker failed.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := bf.connect()
			if err != nil {
				return err
			}
			defer k.close()
			ctx, cancel := bf.requestContext(cmd.Context())
			defer cancel()
			st, err := eventnats.ReadStats(ctx, k.js, bf.streamConfig())
			if err != nil {
				return brokerError("cannot read the stats", err)
			}
			if asJSON {
				return writeJSON(a, st)
			}
			return writeStats(a, st, time.Now())
		},
	}
	bf.add(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON")
	return cmd
}

func writeJSON(a *app, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return ioError{err}
	}
	b = append(b, '\n')
	if _, err := a.stdout.Write(b); err != nil {
		return ioError{fmt.Errorf("cannot write: %w", err)}
	}
	return nil
}

func writeStats(a *app, st eventnats.Stats, now time.Time) error {
	out := bufio.NewWriter(a.stdout)
	fmt.Fprintf(out, "Stream %s: %d messages, %d bytes (sequences %d to %d)\n", st.Stream, st.Messages, st.Bytes, st.FirstSequence, st.LastSequence)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	if len(st.Consumers) == 0 {
		fmt.Fprintln(out, "No durable consumers.")
	} else {
		fmt.Fprintln(tw, "CONSUMER\tPENDING\tACK PENDING\tREDELIVERED\tWAITING\tLAST ACTIVE")
		for _, c := range st.Consumers {
			last := "never"
			if !c.LastActive.IsZero() {
				last = age(now.Sub(c.LastActive)) + " ago"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", c.Name, c.Pending, c.AckPending, c.Redelivered, c.Waiting, last)
		}
		tw.Flush()
	}
	fmt.Fprintf(out, "Dead letters in %s: %d, %d bytes\n", st.DeadLetterStream, st.DeadLetters, st.DeadLetterBytes)
	if len(st.DeadLettersBy) > 0 {
		fmt.Fprintln(tw, "TYPE\tCONSUMER\tDEAD LETTERS")
		for _, c := range st.DeadLettersBy {
			fmt.Fprintf(tw, "%s\t%s\t%d\n", c.Type, orDash(c.Consumer), c.Count)
		}
		tw.Flush()
	}
	if err := out.Flush(); err != nil {
		return ioError{fmt.Errorf("cannot write: %w", err)}
	}
	return nil
}
