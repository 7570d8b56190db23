package eventotel

import (
	"context"
	"errors"

	"github.com/algoryn/events"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Attribute keys of the OpenTelemetry messaging and CloudEvents semantic
// conventions, and of this package (events.*).
const (
	keySystem          = "messaging.system"
	keyOperationName   = "messaging.operation.name"
	keyOperationType   = "messaging.operation.type"
	keyDestination     = "messaging.destination.name"
	keyConsumerGroup   = "messaging.consumer.group.name"
	keyMessageID       = "messaging.message.id"
	keyBodySize        = "messaging.message.body.size"
	keyCEID            = "cloudevents.event_id"
	keyCESource        = "cloudevents.event_source"
	keyCESpecVersion   = "cloudevents.event_spec_version"
	keyCEType          = "cloudevents.event_type"
	keyCESubject       = "cloudevents.event_subject"
	keyErrorType       = "error.type"
	keyErrorMessage    = "exception.message"
	keyDelivery        = "events.delivery"
	keyReplayOf        = "events.replay_of"
	keyAttempt         = "events.attempt"
	keyDelay           = "events.delay"
	keyReason          = "events.reason"
	opSend, opProcess  = "send", "process"
	errorTypeOther     = "_OTHER"
	errorTypeTimeout   = "timeout"
	errorTypeCancelled = "canceled"
)

// spanAttrs are the attributes of the span of op, whose operation is
// name ("send" or "process").
func spanAttrs(op events.Operation, name string) []attribute.KeyValue {
	e := op.Event
	attrs := make([]attribute.KeyValue, 0, 16)
	attrs = append(attrs,
		attribute.String(keySystem, op.System),
		attribute.String(keyOperationName, name),
		attribute.String(keyOperationType, name),
		attribute.String(keyDestination, op.Destination),
		attribute.String(keyMessageID, e.ID),
		attribute.Int(keyBodySize, len(e.Payload)),
		attribute.String(keyCEID, e.ID),
		attribute.String(keyCESource, e.Source),
		attribute.String(keyCESpecVersion, events.CloudEventsSpecVersion),
		attribute.String(keyCEType, ceType(e.Type)),
	)
	if op.ConsumerGroup != "" {
		attrs = append(attrs, attribute.String(keyConsumerGroup, op.ConsumerGroup))
	}
	subject := op.Subject
	if subject == "" {
		subject = e.Subject()
	}
	if subject != "" {
		attrs = append(attrs, attribute.String(keyCESubject, subject))
	}
	if op.Delivery > 0 {
		attrs = append(attrs, attribute.Int(keyDelivery, op.Delivery))
	}
	if op.ReplayOf != "" {
		attrs = append(attrs, attribute.String(keyReplayOf, op.ReplayOf))
	}
	return attrs
}

// attrKey is what the attributes of a measurement depend on.
type attrKey struct {
	system, name, destination, group, errType string
	typ                                       events.EventType
}

// metricAttrs are the attributes of a measurement of op: few values
// each, unlike an event's ID, so each set is made once and kept.
func (o *Observer) metricAttrs(op events.Operation, name string, err error) metric.MeasurementOption {
	k := attrKey{system: op.System, name: name, destination: op.Destination, group: op.ConsumerGroup, typ: op.Event.Type}
	if err != nil {
		k.errType = errorType(err)
	}
	o.attrMu.Lock()
	defer o.attrMu.Unlock()
	if a, ok := o.attrCache[k]; ok {
		return a
	}
	if o.attrCache == nil || len(o.attrCache) >= maxAttrSets {
		o.attrCache = map[attrKey]metric.MeasurementOption{} // bounded: a flood of destinations starts it over
	}
	a := makeMetricAttrs(k)
	o.attrCache[k] = a
	return a
}

// maxAttrSets bounds the cache of metric attribute sets.
const maxAttrSets = 4096

func makeMetricAttrs(k attrKey) metric.MeasurementOption {
	op := events.Operation{System: k.system, Destination: k.destination, ConsumerGroup: k.group, Event: events.Event{Type: k.typ}}
	name := k.name
	attrs := make([]attribute.KeyValue, 0, 6)
	attrs = append(attrs,
		attribute.String(keySystem, op.System),
		attribute.String(keyOperationName, name),
		attribute.String(keyDestination, op.Destination),
	)
	if op.Event.Type != "" {
		attrs = append(attrs, attribute.String(keyCEType, ceType(op.Event.Type)))
	}
	if op.ConsumerGroup != "" {
		attrs = append(attrs, attribute.String(keyConsumerGroup, op.ConsumerGroup))
	}
	if k.errType != "" {
		attrs = append(attrs, attribute.String(keyErrorType, k.errType))
	}
	return metric.WithAttributeSet(attribute.NewSet(attrs...))
}

// ceType is the CloudEvents type of t, as the transports send it.
func ceType(t events.EventType) string { return events.CloudEventsTypePrefix + string(t) }

// errorTypes names the errors error.type reports, in order: the first
// that matches wins.
var errorTypes = []struct {
	err  error
	name string
}{
	{events.ErrInvalidPayload, "invalid_payload"},
	{events.ErrInvalidEvent, "invalid_event"},
	{events.ErrUnknownType, "unknown_type"},
	{events.ErrTypeMismatch, "type_mismatch"},
	{events.ErrRejected, "rejected"},
	{context.DeadlineExceeded, errorTypeTimeout},
	{context.Canceled, errorTypeCancelled},
}

// errorType is the error.type of err: a name for the refusals of the
// events package and for timeouts, "_OTHER" for anything else, so that
// the attribute keeps few values.
func errorType(err error) string {
	for _, t := range errorTypes {
		if errors.Is(err, t.err) {
			return t.name
		}
	}
	return errorTypeOther
}
