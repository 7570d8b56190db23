package events_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/algoryn/events"
)

func TestPermanent(t *testing.T) {
	if events.Permanent(nil) != nil {
		t.Error("events.Permanent(nil) is not nil")
	}
	cause := fmt.Errorf("no account: %w", events.ErrUnknownType)
	err := events.Permanent(cause)
	if !errors.Is(err, events.ErrRejected) || !errors.Is(err, events.ErrUnknownType) || errors.Unwrap(err) != cause {
		t.Errorf("%v does not match events.ErrRejected and what it wraps", err)
	}
	if err.Error() != cause.Error() {
		t.Errorf("text %q, want %q", err.Error(), cause.Error())
	}
	if errors.Is(cause, events.ErrRejected) {
		t.Error("the cause matches events.ErrRejected")
	}
}
