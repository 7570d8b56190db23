package main

import (
	"errors"
	"fmt"
)

// Exit codes, documented in the package doc and in --help.
const (
	exitOK      = 0 // everything was valid and done
	exitInvalid = 1 // some events were invalid (refused, not published, not converted)
	exitFailure = 2 // usage error, unreadable input, or the broker failed
)

// ioError is a failure to read, write or reach something: exit code 2.
type ioError struct{ err error }

func (e ioError) Error() string { return e.err.Error() }
func (e ioError) Unwrap() error { return e.err }

// invalidError means the command ran but found invalid events: exit 1.
// Its message may be empty when the findings were printed already.
type invalidError struct{ msg string }

func (e invalidError) Error() string { return e.msg }

// usageError is a mistake in the command line: exit code 2, with a hint to
// read --help.
type usageError struct {
	err     error
	command string
}

func (e usageError) Error() string {
	return fmt.Sprintf("%v (see %q)", e.err, e.command+" --help")
}
func (e usageError) Unwrap() error { return e.err }

// usagef makes a usageError for command.
func usagef(command, format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...), command: command}
}

// exitCode is the process exit code for err, the error a command returned.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var s silent
	if errors.As(err, &s) {
		return s.code
	}
	var inv invalidError
	if errors.As(err, &inv) {
		return exitInvalid
	}
	return exitFailure
}

// silent ends the command with code after its errors were reported.
type silent struct{ code int }

func (e silent) Error() string { return "" }
