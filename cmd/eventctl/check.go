package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/algoryn/events"
	"github.com/algoryn/events/cmd/eventctl/internal/records"
)

// maxRecordBytes is the longest record eventctl reads: the largest
// payload the events package accepts, as the v0.2.0 form or a CloudEvent's
// data_base64 carries it (base64, 4/3 of its size), plus room for the
// envelope around it.
const maxRecordBytes = (events.MaxPayloadBytes+2)/3*4 + envelopeRoom

// envelopeRoom is what a record may hold besides its payload.
const envelopeRoom = 64 << 10

// form is how an event is written.
type form int

const (
	formEnvelope    form = iota // the events package's own JSON (Event.MarshalJSON)
	formCloudEvents             // CloudEvents 1.0 structured JSON
)

// problem is one thing wrong with a record: a field of the event, or the
// record as a whole ("JSON").
type problem struct {
	Field  string
	Kind   string
	Detail string
	Value  any
}

// text is the problem as validate prints it: "Field: detail".
func (p problem) text() string { return p.Field + ": " + p.Detail }

// checked is a record read as an event.
type checked struct {
	Event    events.Event
	Form     form
	ID, Type string // for reports: what the record says, "" when unknown
	Problems []problem
}

// checkOptions are the rules a command applies beyond the package's.
type checkOptions struct {
	// allowUnknown accepts events of types this version of the events
	// package does not define, as Event.Validate does.
	allowUnknown bool
}

// checkRecord reads rec as an event, in whichever form it is written,
// and checks it with the events package's rules: ParseEvent or
// FromCloudEvent, then Event.Validate; an unknown type is a problem unless
// opts allow it (DecodePayload refuses such events).
func checkRecord(rec records.Record, opts checkOptions) checked {
	if rec.Err != nil {
		return checked{Problems: []problem{recordProblem(rec)}}
	}
	if records.HasTopLevelKey(rec.Data, "specversion") {
		return checkCloudEvent(rec.Data, opts)
	}
	c := checked{Form: formEnvelope}
	e, err := events.ParseEvent(rec.Data)
	if err != nil {
		c.Problems = problemsOf(err)
		return c
	}
	c.Event, c.ID, c.Type = e, e.ID, string(e.Type)
	if err := e.Validate(); err != nil {
		c.Problems = problemsOf(err)
		return c
	}
	c.Problems = unknownType(e, opts)
	return c
}

// checkCloudEvent reads data as a CloudEvent with FromCloudEvent.
func checkCloudEvent(data []byte, opts checkOptions) checked {
	c := checked{Form: formCloudEvents}
	e, err := events.FromCloudEvent(data)
	if err != nil {
		// FromCloudEvent returns no event on error: take ID and type from
		// the attributes for the report, when they can be read.
		var attrs struct {
			ID   any `json:"id"`
			Type any `json:"type"`
		}
		if json.Unmarshal(data, &attrs) == nil {
			c.ID, _ = attrs.ID.(string)
			t, _ := attrs.Type.(string)
			c.Type = strings.TrimPrefix(t, events.CloudEventsTypePrefix)
		}
		c.Problems = problemsOf(err)
		return c
	}
	c.Event, c.ID, c.Type = e, e.ID, string(e.Type)
	c.Problems = unknownType(e, opts)
	return c
}

// unknownType reports e's type if the events package does not define it
// and opts do not allow that.
func unknownType(e events.Event, opts checkOptions) []problem {
	if opts.allowUnknown || e.Type.Known() {
		return nil
	}
	return []problem{{
		Field:  "Type",
		Kind:   string(events.FieldErrorNotSupported),
		Detail: "unknown event type " + quote(string(e.Type)) + " (this version knows " + knownTypes() + ")",
		Value:  string(e.Type),
	}}
}

// knownTypes lists events.Types for messages.
func knownTypes() string {
	var b strings.Builder
	for i, t := range events.Types() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(t))
	}
	return b.String()
}

// problemsOf turns an error of the events package into problems: one per
// field of a *ValidationError, or one for a *SyntaxError.
func problemsOf(err error) []problem {
	var ve *events.ValidationError
	if errors.As(err, &ve) {
		ps := make([]problem, 0, len(ve.Fields))
		for _, f := range ve.Fields {
			ps = append(ps, problem{Field: f.Field, Kind: string(f.Kind), Detail: fieldDetail(f), Value: f.BadValue})
		}
		return ps
	}
	var se *events.SyntaxError
	if errors.As(err, &se) {
		field := se.Field
		if field == "" {
			field = "JSON"
		}
		detail := se.Detail
		if se.Err != nil {
			detail += ": " + se.Err.Error()
		}
		return []problem{{Field: field, Kind: "syntax", Detail: fmt.Sprintf("%s (at byte %d)", detail, se.Offset)}}
	}
	return []problem{{Field: "JSON", Kind: "invalid", Detail: err.Error()}}
}

// fieldDetail is what FieldError.Error writes after the field's name.
func fieldDetail(f *events.FieldError) string {
	return strings.TrimPrefix(f.Error(), f.Field+": ")
}

// recordProblem describes a record the reader could not hand over whole.
func recordProblem(rec records.Record) problem {
	switch {
	case errors.Is(rec.Err, records.ErrTooLarge):
		return problem{Field: "JSON", Kind: string(events.FieldErrorTooLarge),
			Detail: fmt.Sprintf("record of %d bytes is larger than the limit of %d (the payload limit plus the envelope)", rec.Size, maxRecordBytes)}
	case errors.Is(rec.Err, records.ErrUnterminatedArray):
		return problem{Field: "JSON", Kind: "syntax", Detail: "the JSON array that starts here is not closed with ]"}
	}
	return problem{Field: "JSON", Kind: "invalid", Detail: rec.Err.Error()}
}

// quote writes s as a Go string literal.
func quote(s string) string { return fmt.Sprintf("%q", s) }

// shown is an ID or type as a report prints it: "-" when missing, quoted
// when it holds spaces, control characters or invalid UTF-8, so that the
// report's fields stay separated by single spaces.
func shown(s string) string {
	if s == "" {
		return "-"
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '\uFFFD' || r == '"' {
			return quote(s)
		}
	}
	return s
}
