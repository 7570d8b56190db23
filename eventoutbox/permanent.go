package eventoutbox

import (
	"context"
	"errors"

	"github.com/algoryn/events"
)

// IsPermanent reports whether err, returned by a target's Publish, is a
// refusal that sending the same event again cannot change: err matches
// one of [events.ErrInvalidEvent], [events.ErrInvalidPayload],
// [events.ErrUnknownType], [events.ErrTypeMismatch] or
// [events.ErrRejected] (what a receiver wrapped with [events.Permanent]),
// and is not the end of a context. eventhttp's refusals (400 and 422
// with an Algoryn problem type) match these; a [Forwarder] moves such an
// event aside instead of retrying it. Every other error (a broker that is
// down, a timeout, a 5xx) is retried.
//
// A transport may have refusals of its own that match none of these, such
// as eventnats.ErrTooLarge: list them in [ForwarderConfig.Permanent].
func IsPermanent(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	for _, sentinel := range permanentErrors {
		if errors.Is(err, sentinel) {
			return true
		}
	}
	return false
}

// permanentErrors are the events package's refusals of an event.
var permanentErrors = []error{
	events.ErrInvalidEvent, events.ErrInvalidPayload, events.ErrUnknownType,
	events.ErrTypeMismatch, events.ErrRejected,
}
