package events_test

import (
	"errors"
	"fmt"

	"github.com/algoryn/events"
)

// Validation reports every failing field at once, in field order, each
// with its path, the bad value and what was expected.
func ExampleValidationError() {
	_, err := events.New(events.SourcePulse, events.RunCompletedPayload{
		RunID:   "run-42",
		Summary: events.RunSummary{Total: 10, Failed: 12, ErrorRate: 1.7},
	})
	fmt.Println(errors.Is(err, events.ErrInvalidPayload))

	var ve *events.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s (%s): %v\n", f.Field, f.Kind, f)
		}
	}
	// Output:
	// true
	// Service (required): Service: required
	// Summary.Failed (out of range): Summary.Failed: must be at most Summary.Total (10), got 12
	// Summary.ErrorRate (out of range): Summary.ErrorRate: must be within [0,1], got 1.7
}
