package events

import (
	"errors"
	"math"
	"net"
	"strconv"
	"time"
	"unicode/utf8"
)

// Validate reports every problem with the event at once, as a
// [*ValidationError] matching [ErrInvalidEvent], or nil:
//
//   - ID and Source are not empty, valid UTF-8, free of control
//     characters and of spaces at either end (transports carry them in
//     headers); Source is a URI-reference (RFC 3986), as CloudEvents
//     requires;
//   - Timestamp is not zero;
//   - Type is well formed: lowercase words of [a-z0-9_] joined by single dots;
//   - Payload is a JSON object of at most [MaxPayloadBytes] bytes;
//   - for the types in [Types], the payload decodes into its struct and
//     passes that struct's Validate; its field errors are prefixed
//     "Payload.".
//
// When any problem is with the payload (a "Payload" or "Payload.…"
// field), the error also matches [ErrInvalidPayload].
//
// An event of an unknown but well-formed type passes.
func (e Event) Validate() error {
	_, err := e.validate()
	return err
}

// validate is Validate that also returns the decoded payload of a known
// type (nil for other types), so callers need not decode it twice.
func (e *Event) validate() (Payload, error) {
	var fe fieldErrors
	e.validateEnvelope(&fe)
	var p Payload
	if e.Type.Known() && !fe.has("Payload") {
		fe.prefix = "Payload."
		var err error
		p, err = decodeKnown(*e)
		var ve *ValidationError
		switch {
		case err == nil:
			validatePayload(p, &fe)
		case errors.As(err, &ve):
			for _, f := range ve.Fields {
				fe.add(f.Field, f.Kind, f.BadValue, f.Detail)
			}
		default:
			return nil, err
		}
	}
	return p, fe.err(e.Type, true)
}

// validateEnvelope checks everything but the payload's own fields.
func (e *Event) validateEnvelope(fe *fieldErrors) {
	identifier(fe, "ID", e.ID)
	switch {
	case e.Type == "":
		fe.required("Type")
	case !validType(string(e.Type)):
		fe.add("Type", FieldErrorInvalid, string(e.Type), "must be lowercase words of [a-z0-9_] joined by single dots")
	}
	validateSource(fe, e.Source)
	timestamp(fe, "Timestamp", e.Timestamp)
	switch {
	case len(e.Payload) == 0:
		fe.required("Payload")
	case len(e.Payload) > MaxPayloadBytes:
		fe.add("Payload", FieldErrorTooLarge, len(e.Payload), "must be at most 1048576 bytes (MaxPayloadBytes)")
	case !utf8.Valid(e.Payload):
		fe.add("Payload", FieldErrorInvalid, nil, "must be valid UTF-8")
	default:
		if kind := jsonKind(e.Payload); kind != "object" {
			fe.add("Payload", FieldErrorInvalid, kind, "must be a JSON object")
		}
	}
}

// validType reports whether t is dot-separated words of [a-z0-9_].
func validType(t string) bool {
	if t == "" {
		return false
	}
	word := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			word++
		case c == '.' && word > 0:
			word = 0
		default:
			return false
		}
	}
	return word > 0
}

// identifier checks an ID or a Source: required, valid UTF-8, with no
// control character (U+0000–U+001F, U+007F–U+009F) and no space at either
// end. Transports carry these values in headers, which trim white space and
// cannot hold line breaks; a value they would change could collide with
// another event's, so it is refused here, once, for all of them.
func identifier(fe *fieldErrors, field, v string) {
	if v == "" {
		fe.required(field)
		return
	}
	if !utf8.ValidString(v) {
		fe.add(field, FieldErrorInvalid, v, "must be valid UTF-8")
		return
	}
	for _, r := range v {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			fe.add(field, FieldErrorInvalid, v, "must not contain control characters")
			return
		}
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		fe.add(field, FieldErrorInvalid, v, "must not begin or end with a space")
	}
}

// validateSource checks an event's Source: an identifier that is also a
// URI-reference (RFC 3986), as CloudEvents requires of its source.
func validateSource(fe *fieldErrors, v string) {
	switch v {
	case SourcePulse, SourceRelay, SourceDeploy, SourceBeacon:
		return
	}
	n := len(fe.list)
	identifier(fe, "Source", v)
	if len(fe.list) > n {
		return
	}
	if !isURIReference(v) {
		fe.add("Source", FieldErrorInvalid, v, "must be a URI-reference (RFC 3986: ASCII, no spaces, '%' only in escapes), e.g. a tool name such as \"pulse\"")
	}
}

// requiredText checks a required string field.
func requiredText(fe *fieldErrors, field, v string) {
	if v == "" {
		fe.required(field)
		return
	}
	text(fe, field, v)
}

// text checks an optional string field.
func text(fe *fieldErrors, field, v string) {
	if !utf8.ValidString(v) {
		fe.add(field, FieldErrorInvalid, v, "must be valid UTF-8")
	}
}

// timestamp checks a required time: not zero, and with a year, in UTC,
// that RFC 3339 can write (0000 to 9999).
func timestamp(fe *fieldErrors, field string, t time.Time) {
	switch y := t.UTC().Year(); {
	case t.IsZero():
		fe.required(field)
	case y < 0 || y > 9999:
		fe.add(field, FieldErrorOutOfRange, t.Format(time.RFC3339Nano), "must have a year from 0000 to 9999")
	}
}

// nonNegative checks a float that must be finite and at least 0.
func nonNegative(fe *fieldErrors, field string, v float64) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		fe.add(field, FieldErrorOutOfRange, v, "must be a finite number")
	case v < 0:
		fe.add(field, FieldErrorOutOfRange, v, "must be at least 0")
	}
}

// finite checks a float that must not be NaN or ±Inf.
func finite(fe *fieldErrors, field string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		fe.add(field, FieldErrorOutOfRange, v, "must be a finite number")
	}
}

// stringMap checks metadata maps: keys not empty, all text valid UTF-8.
// Keys are checked in sorted order so that errors come out stable.
func stringMap(fe *fieldErrors, field string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	for _, k := range sortedKeys(m) {
		if k == "" {
			fe.add(field, FieldErrorInvalid, k, "keys must not be empty")
			continue
		}
		text(fe, field+"["+k+"]", k)
		text(fe, field+"["+k+"]", m[k])
	}
}

// hostPort checks a host:port address with a numeric port 1–65535.
func hostPort(fe *fieldErrors, field, addr string) {
	if addr == "" {
		fe.required(field)
		return
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		fe.add(field, FieldErrorInvalid, addr, "must be host:port")
		return
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		fe.add(field, FieldErrorInvalid, addr, "must have a port from 1 to 65535")
	}
	text(fe, field, addr)
}

// Validate reports every problem with the payload at once, as a
// [*ValidationError] matching [ErrInvalidPayload], or nil. RunID and Service
// are required; Duration, RPS and P99Ms are at least 0; Total and Failed are
// at least 0 with Failed ≤ Total; ErrorRate is within [0,1]; no float is NaN
// or ±Inf.
func (p RunCompletedPayload) Validate() error {
	var fe fieldErrors
	p.validate(&fe)
	return fe.err(p.EventType(), false)
}

func (p *RunCompletedPayload) validate(fe *fieldErrors) {
	requiredText(fe, "RunID", p.RunID)
	requiredText(fe, "Service", p.Service)
	if p.Duration < 0 {
		fe.add("Duration", FieldErrorOutOfRange, int64(p.Duration), "must be at least 0 (nanoseconds)")
	}
	s := &p.Summary
	if s.Total < 0 {
		fe.add("Summary.Total", FieldErrorOutOfRange, s.Total, "must be at least 0")
	}
	switch {
	case s.Failed < 0:
		fe.add("Summary.Failed", FieldErrorOutOfRange, s.Failed, "must be at least 0")
	case s.Failed > s.Total && s.Total >= 0:
		fe.add("Summary.Failed", FieldErrorOutOfRange, s.Failed, "must be at most Summary.Total ("+strconv.FormatInt(s.Total, 10)+")")
	}
	nonNegative(fe, "Summary.RPS", s.RPS)
	switch {
	case math.IsNaN(s.ErrorRate) || math.IsInf(s.ErrorRate, 0):
		fe.add("Summary.ErrorRate", FieldErrorOutOfRange, s.ErrorRate, "must be a finite number")
	case s.ErrorRate < 0 || s.ErrorRate > 1:
		fe.add("Summary.ErrorRate", FieldErrorOutOfRange, s.ErrorRate, "must be within [0,1]")
	}
	nonNegative(fe, "Summary.P99Ms", s.P99Ms)
}

// Validate reports every problem with the payload at once, as a
// [*ValidationError] matching [ErrInvalidPayload], or nil. Name is
// required; Address is host:port with a port from 1 to 65535; Tags keys are
// not empty.
func (p ServiceRegisteredPayload) Validate() error {
	var fe fieldErrors
	validateService(&fe, p.Name, p.Address, p.Tags)
	return fe.err(p.EventType(), false)
}

// Validate reports every problem with the payload at once, as a
// [*ValidationError] matching [ErrInvalidPayload], or nil. The rules are
// those of [ServiceRegisteredPayload.Validate].
func (p ServiceDeregisteredPayload) Validate() error {
	var fe fieldErrors
	validateService(&fe, p.Name, p.Address, p.Tags)
	return fe.err(p.EventType(), false)
}

func validateService(fe *fieldErrors, name, addr string, tags map[string]string) {
	requiredText(fe, "Name", name)
	hostPort(fe, "Address", addr)
	stringMap(fe, "Tags", tags)
}

// Validate reports every problem with the payload at once, as a
// [*ValidationError] matching [ErrInvalidPayload], or nil. Service and
// Description are required; Actual and Limit are finite.
func (p ThresholdViolatedPayload) Validate() error {
	var fe fieldErrors
	p.validate(&fe)
	return fe.err(p.EventType(), false)
}

func (p *ThresholdViolatedPayload) validate(fe *fieldErrors) {
	requiredText(fe, "Service", p.Service)
	text(fe, "Source", p.Source)
	requiredText(fe, "Description", p.Description)
	finite(fe, "Actual", p.Actual)
	finite(fe, "Limit", p.Limit)
}

// Validate reports every problem with the payload at once, as a
// [*ValidationError] matching [ErrInvalidPayload], or nil. AlertID, RuleID
// and Service are required; Severity is one of the Severity constants;
// FiredAt is not zero; Labels keys are not empty.
func (p AlertFiredPayload) Validate() error {
	var fe fieldErrors
	p.validate(&fe)
	return fe.err(p.EventType(), false)
}

func (p *AlertFiredPayload) validate(fe *fieldErrors) {
	requiredText(fe, "AlertID", p.AlertID)
	requiredText(fe, "RuleID", p.RuleID)
	text(fe, "RuleName", p.RuleName)
	switch {
	case p.Severity == "":
		fe.required("Severity")
	case !p.Severity.Known():
		fe.add("Severity", FieldErrorNotSupported, string(p.Severity), `must be one of "critical", "warning", "info"`)
	}
	requiredText(fe, "Service", p.Service)
	text(fe, "Summary", p.Summary)
	timestamp(fe, "FiredAt", p.FiredAt)
	stringMap(fe, "Labels", p.Labels)
	text(fe, "CorrelationEventID", p.CorrelationEventID)
}

// validatePayload runs the checks of one of the five known payloads.
func validatePayload(p Payload, fe *fieldErrors) {
	switch p := p.(type) {
	case RunCompletedPayload:
		p.validate(fe)
	case ServiceRegisteredPayload:
		validateService(fe, p.Name, p.Address, p.Tags)
	case ServiceDeregisteredPayload:
		validateService(fe, p.Name, p.Address, p.Tags)
	case ThresholdViolatedPayload:
		p.validate(fe)
	case AlertFiredPayload:
		p.validate(fe)
	}
}
