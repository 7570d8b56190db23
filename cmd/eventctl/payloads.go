package main

import (
	"reflect"

	"github.com/algoryn/events"
)

// payloadZeros holds the payload struct of each type the events package
// defines; TestPayloadZerosCoverTypes checks it against events.Types, so a
// new type cannot be forgotten here. The fields of each struct, found by
// reflection, are what `new --set` accepts.
var payloadZeros = map[events.EventType]events.Payload{
	events.EventTypeRunCompleted:        events.RunCompletedPayload{},
	events.EventTypeThresholdViolated:   events.ThresholdViolatedPayload{},
	events.EventTypeServiceRegistered:   events.ServiceRegisteredPayload{},
	events.EventTypeServiceDeregistered: events.ServiceDeregisteredPayload{},
	events.EventTypeAlertFired:          events.AlertFiredPayload{},
}

// payloadType returns the Go type of the payload of t.
func payloadType(t events.EventType) (reflect.Type, bool) {
	p, ok := payloadZeros[t]
	if !ok {
		return nil, false
	}
	return reflect.TypeOf(p), true
}
