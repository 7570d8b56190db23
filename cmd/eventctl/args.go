package main

import (
	"errors"
	"io"
	"io/fs"

	"github.com/spf13/cobra"
)

// exactArgs requires n arguments, named by what in the message.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef(cmd.CommandPath(), "needs %s, got %d arguments", what, len(args))
		}
		return nil
	}
}

// maxArgs allows at most n arguments.
func maxArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef(cmd.CommandPath(), "takes at most %s, got %d arguments", what, len(args))
		}
		return nil
	}
}

// readAllLimited reads r whole, up to the largest record eventctl reads.
func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRecordBytes+1))
	if err == nil && len(data) > maxRecordBytes {
		return nil, errors.New("larger than the limit of a record")
	}
	return data, err
}

// unwrapPath drops the path an *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
