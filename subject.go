package events

import "strings"

// Subject returns what the event is about, read from its payload: the
// field that payloads.go tags as the subject (the service, for every type
// of this version). It is the CloudEvents "subject" that [ToCloudEvent]
// and the transports write, and a natural partition or ordering key.
//
// It is "" for a type this version does not know and for an event that
// [Event.Validate] refuses.
func (e Event) Subject() string {
	subject, err := e.validate()
	if err != nil {
		return ""
	}
	return strings.Clone(subject) // validate borrows it from the payload
}
