package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// app holds what every command writes to and reads from.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// reportError writes err on stderr as one line starting "eventctl: ";
// an error with an empty message was reported already.
func (a *app) reportError(err error) {
	msg := err.Error()
	if msg == "" {
		return
	}
	msg = strings.Join(strings.Fields(msg), " ") // one line, whatever the error's layout
	fmt.Fprintf(a.stderr, "eventctl: %s\n", msg)
}

// run runs eventctl with args and returns its exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := rootCommand(a)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	var known interface{ Error() string }
	switch {
	case errors.As(err, new(ioError)), errors.As(err, new(invalidError)), errors.As(err, new(silent)), errors.As(err, new(usageError)):
		known = err
	default: // cobra's own: an unknown command or flag, a wrong number of arguments
		known = usageError{err: err, command: cmd.CommandPath()}
	}
	a.reportError(known.(error))
	return exitCode(err)
}

// version is the module version this binary was built from: the tag
// given to `go install …@version`, or "(devel)" for a build from a
// checkout.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}

// rootCommand builds the command tree.
func rootCommand(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "eventctl",
		Short: "See, check and recover the events between the Algoryn tools",
		Long: `eventctl checks, converts and makes Algoryn events offline, and publishes,
follows, counts and recovers them on a NATS JetStream broker, with the rules
of the events package itself.

` + exitCodesHelp,
		Version:           version(),
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetVersionTemplate("eventctl {{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{err: err, command: cmd.CommandPath()}
	})
	root.AddGroup(&cobra.Group{ID: "offline", Title: "Offline commands:"},
		&cobra.Group{ID: "broker", Title: "Broker commands (--server, default $NATS_URL, then nats://127.0.0.1:4222):"})
	for _, c := range []*cobra.Command{validateCommand(a), newCommand(a), convertCommand(a), schemaCommand(a), typesCommand(a)} {
		c.GroupID = "offline"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{publishCommand(a), tailCommand(a), dlqCommand(a), statsCommand(a)} {
		c.GroupID = "broker"
		root.AddCommand(c)
	}
	return root
}

// exitCodesHelp is the table of exit codes, in the root --help and the
// package doc.
const exitCodesHelp = `Exit status:
  0  success: every event valid, published, converted or replayed
  1  some events were invalid (validate, new, convert, publish) or a
     dead letter could not be replayed
  2  usage error, unreadable input, or the broker failed`
