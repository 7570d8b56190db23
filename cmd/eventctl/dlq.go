package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventnats"
	"github.com/spf13/cobra"
)

// dlqCommand is `eventctl dlq` and its subcommands.
func dlqCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dlq",
		Short: "List, inspect, replay and purge dead letters",
		Long: `Dlq works on the dead-letter stream, where an eventnats Consumer files an
event it gave up on, with the reason and the number of deliveries. It reads
the stream through ephemeral consumers that acknowledge nothing, so it
never disturbs the durable consumers.

A dead letter is named by its sequence in the dead-letter stream (SEQ),
as dlq ls shows it.`,
		Args: exactArgs(0, "a subcommand (ls, show, replay, purge)"),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(dlqLsCommand(a), dlqShowCommand(a), dlqReplayCommand(a), dlqPurgeCommand(a))
	return cmd
}

// openDeadLetters connects and returns the dead letters the flags name.
func openDeadLetters(bf *brokerFlags) (*broker, *eventnats.DeadLetters, error) {
	k, err := bf.connect()
	if err != nil {
		return nil, nil, err
	}
	d, err := eventnats.NewDeadLetters(k.js, bf.deadLettersConfig())
	if err != nil {
		k.close()
		return nil, nil, usagef("eventctl dlq", "%w", err)
	}
	return k, d, nil
}

// dlqFilterFlags are --type and --consumer.
func dlqFilterFlags(cmd *cobra.Command, f *eventnats.DeadLetterFilter) {
	cmd.Flags().StringVar((*string)(&f.Type), "type", "", "only dead letters of this event type")
	cmd.Flags().StringVar(&f.Consumer, "consumer", "", "only dead letters of this durable consumer")
}

// deadLetterLine is a dead letter as dlq ls --json writes it.
type deadLetterLine struct {
	Sequence   uint64           `json:"sequence"`
	Stored     time.Time        `json:"stored"`
	Type       events.EventType `json:"type"`
	EventID    string           `json:"eventId"`
	Source     string           `json:"source"`
	Consumer   string           `json:"consumer"`
	Deliveries uint64           `json:"deliveries"`
	Reason     string           `json:"reason"`
}

func dlqLsCommand(a *app) *cobra.Command {
	var bf brokerFlags
	var f eventnats.DeadLetterFilter
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ls [--type T] [--consumer NAME] [--json]",
		Short: "List the dead letters",
		Long: `Ls lists every dead letter, oldest first: its sequence (SEQ, what show,
replay and purge take), event type, event ID, the durable consumer that
gave up on it, how many deliveries it had, its age and the reason.
--json writes one JSON object per line with the time it was stored
instead of the age.

Exit status: 0 listed (also when there are none), 2 usage error or the
broker failed.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, d, err := openDeadLetters(&bf)
			if err != nil {
				return err
			}
			defer k.close()
			out := bufio.NewWriter(a.stdout)
			defer out.Flush()
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			enc := json.NewEncoder(out)
			n := 0
			now := time.Now()
			for dl, err := range d.All(cmd.Context(), f) {
				if err != nil {
					tw.Flush()
					return brokerError("cannot list the dead letters", err)
				}
				if n == 0 && !asJSON {
					fmt.Fprintln(tw, "SEQ\tTYPE\tEVENT ID\tCONSUMER\tDELIVERIES\tAGE\tREASON")
				}
				n++
				if asJSON {
					enc.Encode(deadLetterLine{dl.Sequence, dl.Stored, dl.Type, dl.EventID, dl.Source, dl.Consumer, dl.Deliveries, dl.Reason})
					continue
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\n", dl.Sequence, dl.Type, orDash(dl.EventID), orDash(dl.Consumer), dl.Deliveries, age(now.Sub(dl.Stored)), truncate(dl.Reason))
			}
			tw.Flush()
			if n == 0 && !asJSON {
				fmt.Fprintln(out, "no dead letters")
			}
			return nil
		},
	}
	bf.add(cmd.Flags())
	dlqFilterFlags(cmd, &f)
	cmd.Flags().BoolVar(&asJSON, "json", false, "write NDJSON")
	return cmd
}

func dlqShowCommand(a *app) *cobra.Command {
	var bf brokerFlags
	cmd := &cobra.Command{
		Use:   "show SEQ",
		Short: "Show a whole dead letter: headers, reason and decoded payload",
		Long: `Show prints the dead letter at sequence SEQ: where and when it was stored,
the consumer that gave up on it and why, every header, the payload as
indented JSON, and what the events package says of the event it carries.

Exit status: 0 shown, 2 no such dead letter, usage error or the broker
failed.`,
		Args: exactArgs(1, "SEQ"),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := parseSeq(cmd, args[0])
			if err != nil {
				return err
			}
			k, d, err := openDeadLetters(&bf)
			if err != nil {
				return err
			}
			defer k.close()
			ctx, cancel := bf.requestContext(cmd.Context())
			defer cancel()
			dl, err := d.Get(ctx, seq)
			if err != nil {
				return deadLetterError(seq, err)
			}
			return showDeadLetter(a.stdout, dl)
		},
	}
	bf.add(cmd.Flags())
	return cmd
}

// showDeadLetter writes dl for a person.
func showDeadLetter(w io.Writer, dl eventnats.DeadLetter) error {
	out := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(out, 0, 4, 1, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s:\t%s\n", k, v) }
	row("Sequence", strconv.FormatUint(dl.Sequence, 10))
	row("Stored", dl.Stored.UTC().Format(time.RFC3339Nano))
	row("Type", string(dl.Type))
	row("Event ID", orDash(dl.EventID))
	row("Source", orDash(dl.Source))
	row("Consumer", orDash(dl.Consumer))
	row("Deliveries", strconv.FormatUint(dl.Deliveries, 10))
	row("Reason", orDash(dl.Reason))
	row("Original", fmt.Sprintf("%s #%d on %s", orDash(dl.OriginalStream), dl.OriginalSequence, orDash(dl.OriginalSubject)))
	tw.Flush()
	fmt.Fprintln(out, "Headers:")
	keys := make([]string, 0, len(dl.Headers))
	for k := range dl.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range dl.Headers[k] {
			fmt.Fprintf(out, "  %s: %s\n", k, v)
		}
	}
	switch {
	case dl.BodyDropped > 0:
		fmt.Fprintf(out, "Payload: (left out: %d bytes, too large to keep with the dead-letter headers)\n", dl.BodyDropped)
	default:
		fmt.Fprintln(out, "Payload:")
		var indented []byte
		var v any
		if json.Unmarshal(dl.Body, &v) == nil {
			indented, _ = json.MarshalIndent(v, "  ", "  ")
		} else {
			indented = []byte(strconv.Quote(string(dl.Body)))
		}
		fmt.Fprintf(out, "  %s\n", indented)
	}
	e, err := dl.Event()
	if err == nil {
		err = e.Validate()
	}
	if err == nil && !e.Type.Known() {
		err = fmt.Errorf("unknown event type %q", e.Type)
	}
	var ve *events.ValidationError
	var se *events.SyntaxError
	switch {
	case err != nil && (errors.As(err, &ve) || errors.As(err, &se)):
		fmt.Fprintln(out, "Event: invalid")
		for _, p := range problemsOf(err) {
			fmt.Fprintf(out, "  %s\n", p.text())
		}
	case err != nil:
		fmt.Fprintf(out, "Event: none (%v)\n", err)
	default:
		fmt.Fprintln(out, "Event: valid (eventctl dlq replay sends it back to "+orDash(dl.Consumer)+")")
	}
	return out.Flush()
}

func dlqReplayCommand(a *app) *cobra.Command {
	var bf brokerFlags
	var f eventnats.DeadLetterFilter
	var all, dryRun bool
	cmd := &cobra.Command{
		Use:   "replay (SEQ... | --all) [--type T] [--consumer NAME] [--dry-run]",
		Short: "Send dead-lettered events back to the consumer that gave up on them",
		Long: `Replay sends the event of each dead letter back to the durable consumer that
gave up on it, and only to it: the other consumers of its type handled it
already and do not see it again. The consumer receives it with its
original ID, type, source, time and payload, also within the stream's
duplicate window. The dead letter is deleted only after the event stream
stored the replay, so a crash in the middle duplicates at worst and never
loses (eventnats.DeadLetters.Replay).

Name the dead letters by SEQ, or take every one with --all; --type and
--consumer narrow either. --dry-run lists what would be replayed and
changes nothing. A dead letter that cannot be replayed (its consumer is
gone, its event is invalid, its body was too large to keep) is reported,
left in place, and the others are still replayed.

Exit status: 0 all replayed, 1 some could not be, 2 usage error or the
broker failed.`,
		Example: `  eventctl dlq replay 42
  eventctl dlq replay --all --consumer beacon --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDeadLetterAction(cmd, a, &bf, f, args, all, dryRun, "replay")
		},
	}
	bf.add(cmd.Flags())
	dlqFilterFlags(cmd, &f)
	cmd.Flags().BoolVar(&all, "all", false, "every dead letter (that --type and --consumer select)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be replayed, change nothing")
	return cmd
}

func dlqPurgeCommand(a *app) *cobra.Command {
	var bf brokerFlags
	var f eventnats.DeadLetterFilter
	var all, yes bool
	cmd := &cobra.Command{
		Use:   "purge (SEQ... | --all) [--type T] [--consumer NAME] --yes",
		Short: "Delete dead letters for good",
		Long: `Purge deletes the dead letters named by SEQ, or every one with --all (that
--type and --consumer select), for good. It refuses to run without --yes.

Exit status: 0 all deleted, 1 some were not there, 2 usage error or the
broker failed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usagef(cmd.CommandPath(), "purge deletes dead letters for good: add --yes to confirm")
			}
			return runDeadLetterAction(cmd, a, &bf, f, args, all, false, "purge")
		},
	}
	bf.add(cmd.Flags())
	dlqFilterFlags(cmd, &f)
	cmd.Flags().BoolVar(&all, "all", false, "every dead letter (that --type and --consumer select)")
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return cmd
}

// runDeadLetterAction replays or purges the dead letters named by args or,
// with all, every one the filter selects.
func runDeadLetterAction(cmd *cobra.Command, a *app, bf *brokerFlags, f eventnats.DeadLetterFilter, args []string, all, dryRun bool, action string) error {
	if all == (len(args) > 0) {
		return usagef(cmd.CommandPath(), "give either SEQ... or --all")
	}
	seqs := make([]uint64, 0, len(args))
	for _, s := range args {
		seq, err := parseSeq(cmd, s)
		if err != nil {
			return err
		}
		seqs = append(seqs, seq)
	}
	k, d, err := openDeadLetters(bf)
	if err != nil {
		return err
	}
	defer k.close()
	ctx := cmd.Context()
	// The dead letters to act on, read first: replaying deletes them.
	var targets []eventnats.DeadLetter
	if all {
		for dl, err := range d.All(ctx, f) {
			if err != nil {
				return brokerError("cannot list the dead letters", err)
			}
			dl.Body, dl.Headers = nil, nil // keep only what is reported
			targets = append(targets, dl)
		}
	}
	out := bufio.NewWriter(a.stdout)
	defer out.Flush()
	done, failed := 0, 0
	fail := func(seq uint64, err error) {
		out.Flush()
		a.reportError(deadLetterError(seq, err))
		failed++
	}
	for _, seq := range seqs {
		rctx, cancel := bf.requestContext(ctx)
		dl, err := d.Get(rctx, seq)
		cancel()
		if err != nil {
			if !errors.Is(err, eventnats.ErrNoDeadLetter) {
				return deadLetterError(seq, err)
			}
			fail(seq, err)
			continue
		}
		if (f.Type != "" && dl.Type != f.Type) || (f.Consumer != "" && dl.Consumer != f.Consumer) {
			fail(seq, fmt.Errorf("%w: it is a %s dead letter of %s, which --type or --consumer leave out", errFiltered, dl.Type, orDash(dl.Consumer)))
			continue
		}
		targets = append(targets, dl)
	}
	verb := map[string]string{"replay": "replayed", "purge": "purged"}[action]
	for _, dl := range targets {
		what := fmt.Sprintf("%d %s %s", dl.Sequence, dl.Type, orDash(dl.EventID))
		if action == "replay" {
			what += " to " + orDash(dl.Consumer)
		}
		if dryRun {
			fmt.Fprintf(out, "would replay %s\n", what)
			done++
			continue
		}
		rctx, cancel := bf.requestContext(ctx)
		if action == "replay" {
			err = d.Replay(rctx, dl.Sequence)
		} else {
			err = d.Purge(rctx, dl.Sequence)
		}
		cancel()
		if err != nil {
			if isBrokerFailure(err) {
				out.Flush()
				return deadLetterError(dl.Sequence, err)
			}
			fail(dl.Sequence, err)
			continue
		}
		fmt.Fprintf(out, "%s %s\n", verb, what)
		done++
	}
	if dryRun {
		fmt.Fprintf(out, "%d to replay (dry run: nothing changed)\n", done)
	} else {
		fmt.Fprintf(out, "%d %s, %d failed\n", done, verb, failed)
	}
	if failed > 0 {
		return invalidError{}
	}
	return nil
}

// errFiltered means a named dead letter is not one the filter selects.
var errFiltered = errors.New("not selected")

// isBrokerFailure tells a failure of the broker, which stops a run, from a
// dead letter that cannot be replayed or purged, which does not.
func isBrokerFailure(err error) bool {
	return !errors.Is(err, eventnats.ErrNoDeadLetter) && !errors.Is(err, eventnats.ErrNotReplayable) && !errors.Is(err, eventnats.ErrNoConsumer)
}

// deadLetterError is err, an error about the dead letter seq, for the
// report; eventnats's own errors name the dead letter already.
func deadLetterError(seq uint64, err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return ioError{fmt.Errorf("dead letter %d: the broker did not answer in time", seq)}
	case errors.Is(err, errFiltered):
		return ioError{fmt.Errorf("dead letter %d: %w", seq, err)}
	}
	return ioError{err}
}

// parseSeq reads a dead letter's sequence.
func parseSeq(cmd *cobra.Command, s string) (uint64, error) {
	seq, err := strconv.ParseUint(s, 10, 64)
	if err != nil || seq == 0 {
		return 0, usagef(cmd.CommandPath(), "%q is not a dead letter's sequence (a number, as dlq ls shows)", s)
	}
	return seq, nil
}

// orDash is s, or "-" when empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// age writes a duration the way people read ages: 42s, 7m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(max(d, 0)/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}
