package events

import (
	"math"
	"strconv"
	"time"
)

// The five payloads are encoded by hand, byte for byte as encoding/json
// encodes them (tests and a fuzz target hold the two to the same bytes):
// keys in field order, HTML-safe strings, floats in encoding/json's format,
// map keys sorted, times via time.Time.MarshalJSON. The one difference is
// on purpose: times are written in UTC, as the wire format requires. The payloads are
// validated first, so no NaN, Inf or invalid UTF-8 reaches here.

// appendPayload appends the JSON of one of the five payloads; ok is false
// for any other type.
func appendPayload(b []byte, p Payload) (out []byte, ok bool, err error) {
	switch p := p.(type) {
	case RunCompletedPayload:
		return p.appendJSON(b), true, nil
	case ServiceRegisteredPayload:
		return appendService(b, p.Name, p.Address, p.Tags), true, nil
	case ServiceDeregisteredPayload:
		return appendService(b, p.Name, p.Address, p.Tags), true, nil
	case ThresholdViolatedPayload:
		return p.appendJSON(b), true, nil
	case AlertFiredPayload:
		out, err := p.appendJSON(b)
		return out, true, err
	}
	return b, false, nil
}

func (p *RunCompletedPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"RunID":`...)
	b = appendString(b, p.RunID)
	b = append(b, `,"Service":`...)
	b = appendString(b, p.Service)
	b = append(b, `,"Passed":`...)
	b = strconv.AppendBool(b, p.Passed)
	b = append(b, `,"Duration":`...)
	b = strconv.AppendInt(b, int64(p.Duration), 10)
	b = append(b, `,"Summary":{"Total":`...)
	b = strconv.AppendInt(b, p.Summary.Total, 10)
	b = append(b, `,"Failed":`...)
	b = strconv.AppendInt(b, p.Summary.Failed, 10)
	b = append(b, `,"RPS":`...)
	b = appendFloat(b, p.Summary.RPS)
	b = append(b, `,"ErrorRate":`...)
	b = appendFloat(b, p.Summary.ErrorRate)
	b = append(b, `,"P99Ms":`...)
	b = appendFloat(b, p.Summary.P99Ms)
	return append(b, "}}"...)
}

func appendService(b []byte, name, addr string, tags map[string]string) []byte {
	b = append(b, `{"Name":`...)
	b = appendString(b, name)
	b = append(b, `,"Address":`...)
	b = appendString(b, addr)
	b = append(b, `,"Tags":`...)
	b = appendStringMap(b, tags)
	return append(b, '}')
}

func (p *ThresholdViolatedPayload) appendJSON(b []byte) []byte {
	b = append(b, `{"Service":`...)
	b = appendString(b, p.Service)
	b = append(b, `,"Source":`...)
	b = appendString(b, p.Source)
	b = append(b, `,"Description":`...)
	b = appendString(b, p.Description)
	b = append(b, `,"Actual":`...)
	b = appendFloat(b, p.Actual)
	b = append(b, `,"Limit":`...)
	b = appendFloat(b, p.Limit)
	return append(b, '}')
}

func (p *AlertFiredPayload) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"AlertID":`...)
	b = appendString(b, p.AlertID)
	b = append(b, `,"RuleID":`...)
	b = appendString(b, p.RuleID)
	b = append(b, `,"RuleName":`...)
	b = appendString(b, p.RuleName)
	b = append(b, `,"Severity":`...)
	b = appendString(b, string(p.Severity))
	b = append(b, `,"Service":`...)
	b = appendString(b, p.Service)
	b = append(b, `,"Summary":`...)
	b = appendString(b, p.Summary)
	b = append(b, `,"FiredAt":`...)
	var err error
	if b, err = appendTime(b, p.FiredAt.UTC()); err != nil {
		return nil, err
	}
	b = append(b, `,"Labels":`...)
	b = appendStringMap(b, p.Labels)
	b = append(b, `,"CorrelationEventID":`...)
	b = appendString(b, p.CorrelationEventID)
	return append(b, '}'), nil
}

// appendTime appends t as encoding/json does, through t.MarshalJSON.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	tb, err := t.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return append(b, tb...), nil
}

// appendStringMap appends m as an object with sorted keys, or null.
func appendStringMap(b []byte, m map[string]string) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = appendString(b, m[k])
	}
	return append(b, '}')
}

// appendFloat formats f as encoding/json formats a float64: like ES6,
// the shortest decimal that round-trips, in exponent form only for very
// large or very small magnitudes. f must be finite.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
