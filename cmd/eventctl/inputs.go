package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/algoryn/events/cmd/eventctl/internal/records"
)

// stdinName is how reports name standard input.
const stdinName = "<stdin>"

// input is one file (or standard input) being read record by record.
type input struct {
	Name    string
	Records *records.Reader
	Size    int64 // -1 when unknown
	close   func() error
}

// eachInput calls fn for every name in names, or for standard input when
// names is empty or a name is "-". A file that cannot be opened, or whose
// reading fails part-way (fn returns the error of [readError]), is
// reported to onErr and left, so that the other files are still read. Any
// other error of fn stops the run and is returned.
func eachInput(names []string, stdin io.Reader, onErr func(error), fn func(in *input) error) error {
	if len(names) == 0 {
		names = []string{"-"}
	}
	for _, name := range names {
		in, err := openInput(name, stdin)
		if err != nil {
			onErr(err)
			continue
		}
		err = fn(in)
		if cerr := in.close(); err == nil && cerr != nil {
			err = readFailure{ioError{fmt.Errorf("cannot read %s: %w", in.Name, cerr)}}
		}
		var rf readFailure
		switch {
		case errors.As(err, &rf):
			onErr(err)
		case err != nil:
			return err
		}
	}
	return nil
}

// readFailure is a file whose reading failed part-way: reported, and the
// other files still read.
type readFailure struct{ ioError }

// openInput opens name ("-" is stdin) for reading records.
func openInput(name string, stdin io.Reader) (*input, error) {
	if name == "-" {
		return &input{Name: stdinName, Records: records.NewReader(stdin, maxRecordBytes), Size: -1, close: func() error { return nil }}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, ioError{fmt.Errorf("cannot open %s: %w", name, pe.Err)}
		}
		return nil, ioError{fmt.Errorf("cannot open %s: %w", name, err)}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, ioError{fmt.Errorf("cannot read %s: %w", name, err)}
	}
	if st.IsDir() {
		f.Close()
		return nil, ioError{fmt.Errorf("cannot read %s: it is a directory", name)}
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
	}
	return &input{Name: name, Records: records.NewReader(f, maxRecordBytes), Size: size, close: f.Close}, nil
}

// readError names the file of an error of its reader.
func readError(in *input, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return readFailure{ioError{fmt.Errorf("cannot read %s: %w", in.Name, err)}}
}
