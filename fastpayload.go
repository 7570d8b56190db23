package events

import (
	"bytes"
	"strconv"
	"time"
)

// A fast path for checking the payloads of the known types in
// ToCloudEvent and FromCloudEvent without encoding/json's reflection.
//
// It handles only the plain form that producers write: keys spelled
// exactly as the Go field names, each at most once, values of the JSON
// kind the field takes (no null). For such input it yields exactly what
// encoding/json yields, because it uses the same conversions (strconv
// for numbers, time.Time.UnmarshalJSON for times, the same unquoting for
// strings); FuzzFastPayload holds it to that. Anything else — a key that
// matches a field only case-insensitively, a duplicate, a null, a value
// of another kind, a number out of range — makes it give up (ok false),
// and the caller decodes with encoding/json as before, errors included.

// fastCheck decodes and validates the payload of an event of a known
// type, adding field errors with the prefix already set in fe. It returns
// the payload's subject, and false when the payload needs encoding/json.
func fastCheck(t EventType, data []byte, fe *fieldErrors) (subject string, ok bool) {
	switch t {
	case EventTypeRunCompleted:
		var p RunCompletedPayload
		if !fastRunCompleted(data, &p) {
			return "", false
		}
		p.validate(fe)
		return p.Service, true
	case EventTypeServiceRegistered:
		var p ServiceRegisteredPayload
		if !fastService(data, &p.Name, &p.Address, &p.Tags) {
			return "", false
		}
		validateService(fe, p.Name, p.Address, p.Tags)
		return p.Name, true
	case EventTypeServiceDeregistered:
		var p ServiceDeregisteredPayload
		if !fastService(data, &p.Name, &p.Address, &p.Tags) {
			return "", false
		}
		validateService(fe, p.Name, p.Address, p.Tags)
		return p.Name, true
	case EventTypeThresholdViolated:
		var p ThresholdViolatedPayload
		if !fastThreshold(data, &p) {
			return "", false
		}
		p.validate(fe)
		return p.Service, true
	case EventTypeAlertFired:
		var p AlertFiredPayload
		if !fastAlert(data, &p) {
			return "", false
		}
		p.validate(fe)
		return p.Service, true
	}
	return "", false
}

var (
	runCompletedKeys = []string{"RunID", "Service", "Passed", "Duration", "Summary"}
	runSummaryKeys   = []string{"Total", "Failed", "RPS", "ErrorRate", "P99Ms"}
	serviceKeys      = []string{"Name", "Address", "Tags"}
	thresholdKeys    = []string{"Service", "Source", "Description", "Actual", "Limit"}
	alertKeys        = []string{"AlertID", "RuleID", "RuleName", "Severity", "Service", "Summary", "FiredAt", "Labels", "CorrelationEventID"}
)

func fastRunCompleted(data []byte, p *RunCompletedPayload) bool {
	return fastObject(data, runCompletedKeys, func(f int, raw []byte) bool {
		switch f {
		case 0:
			return fastString(raw, &p.RunID)
		case 1:
			return fastString(raw, &p.Service)
		case 2:
			return fastBool(raw, &p.Passed)
		case 3:
			var n int64
			ok := fastInt(raw, &n)
			p.Duration = time.Duration(n)
			return ok
		default:
			s := &p.Summary
			return fastObject(raw, runSummaryKeys, func(f int, raw []byte) bool {
				switch f {
				case 0:
					return fastInt(raw, &s.Total)
				case 1:
					return fastInt(raw, &s.Failed)
				case 2:
					return fastFloat(raw, &s.RPS)
				case 3:
					return fastFloat(raw, &s.ErrorRate)
				default:
					return fastFloat(raw, &s.P99Ms)
				}
			})
		}
	})
}

func fastService(data []byte, name, addr *string, tags *map[string]string) bool {
	return fastObject(data, serviceKeys, func(f int, raw []byte) bool {
		switch f {
		case 0:
			return fastString(raw, name)
		case 1:
			return fastString(raw, addr)
		default:
			return fastMap(raw, tags)
		}
	})
}

func fastThreshold(data []byte, p *ThresholdViolatedPayload) bool {
	return fastObject(data, thresholdKeys, func(f int, raw []byte) bool {
		switch f {
		case 0:
			return fastString(raw, &p.Service)
		case 1:
			return fastString(raw, &p.Source)
		case 2:
			return fastString(raw, &p.Description)
		case 3:
			return fastFloat(raw, &p.Actual)
		default:
			return fastFloat(raw, &p.Limit)
		}
	})
}

func fastAlert(data []byte, p *AlertFiredPayload) bool {
	return fastObject(data, alertKeys, func(f int, raw []byte) bool {
		switch f {
		case 0:
			return fastString(raw, &p.AlertID)
		case 1:
			return fastString(raw, &p.RuleID)
		case 2:
			return fastString(raw, &p.RuleName)
		case 3:
			var s string
			ok := fastString(raw, &s)
			p.Severity = Severity(s)
			return ok
		case 4:
			return fastString(raw, &p.Service)
		case 5:
			return fastString(raw, &p.Summary)
		case 6:
			if raw[0] != '"' {
				return false
			}
			return p.FiredAt.UnmarshalJSON(raw) == nil
		case 7:
			return fastMap(raw, &p.Labels)
		default:
			return fastString(raw, &p.CorrelationEventID)
		}
	})
}

// fastObject walks the JSON object data, which must be well formed, and
// calls set with the index in keys and the raw value of each member whose
// key is exactly one of keys. Members with other keys are skipped, as
// encoding/json skips them. It returns false, for the caller to fall back
// to encoding/json, on anything else: data not an object, an escaped key,
// a key equal to one of keys only case-insensitively, a key given twice,
// or set returning false.
func fastObject(data []byte, keys []string, set func(f int, raw []byte) bool) bool {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	var seen uint32
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return true
	}
	for i < len(data) && data[i] == '"' {
		end, serr := skipString(data, i)
		if serr != nil {
			return false
		}
		key := data[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		f := -1
		for k, name := range keys {
			if string(key) == name {
				f = k
				break
			}
			if bytes.EqualFold(key, []byte(name)) {
				return false
			}
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return false
		}
		i = skipSpace(data, i+1)
		vend, serr := skipValue(data, i, 0)
		if serr != nil {
			return false
		}
		if f >= 0 {
			if seen&(1<<f) != 0 || !set(f, data[i:vend]) {
				return false
			}
			seen |= 1 << f
		}
		i = skipSpace(data, vend)
		if i >= len(data) {
			return false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return skipSpace(data, i+1) == len(data)
		default:
			return false
		}
	}
	return false
}

func fastString(raw []byte, dst *string) bool {
	if raw[0] != '"' {
		return false
	}
	s, _ := unquote(raw) // checked by skipString; escapes cannot fail
	*dst = string(s)
	return true
}

func fastBool(raw []byte, dst *bool) bool {
	switch string(raw) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return false
	}
	return true
}

func fastInt(raw []byte, dst *int64) bool {
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

func fastFloat(raw []byte, dst *float64) bool {
	if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return false
	}
	n, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// fastMap reads an object of strings; null leaves the map nil, as
// encoding/json does for a nil map.
func fastMap(raw []byte, dst *map[string]string) bool {
	if string(raw) == "null" {
		return true
	}
	if raw[0] != '{' {
		return false
	}
	m := make(map[string]string)
	i := skipSpace(raw, 1)
	if i < len(raw) && raw[i] == '}' {
		*dst = m
		return true
	}
	for i < len(raw) && raw[i] == '"' {
		end, serr := skipString(raw, i)
		if serr != nil {
			return false
		}
		key, _ := unquote(raw[i:end]) // checked by skipString
		i = skipSpace(raw, end)
		if i >= len(raw) || raw[i] != ':' {
			return false
		}
		i = skipSpace(raw, i+1)
		vend, serr := skipValue(raw, i, 0)
		if serr != nil || raw[i] != '"' {
			return false
		}
		v, _ := unquote(raw[i:vend]) // checked by skipValue
		m[string(key)] = string(v)
		i = skipSpace(raw, vend)
		if i >= len(raw) {
			return false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			*dst = m
			return true
		default:
			return false
		}
	}
	return false
}

// fastDecode decodes data into v, a pointer to one of the five payload
// structs, by the fast path. It returns false, leaving *v unchanged, when
// the payload needs encoding/json. data must be valid UTF-8.
func fastDecode(data []byte, v any) bool {
	switch p := v.(type) {
	case *RunCompletedPayload:
		var q RunCompletedPayload
		if !fastRunCompleted(data, &q) {
			return false
		}
		*p = q
	case *ServiceRegisteredPayload:
		var q ServiceRegisteredPayload
		if !fastService(data, &q.Name, &q.Address, &q.Tags) {
			return false
		}
		*p = q
	case *ServiceDeregisteredPayload:
		var q ServiceDeregisteredPayload
		if !fastService(data, &q.Name, &q.Address, &q.Tags) {
			return false
		}
		*p = q
	case *ThresholdViolatedPayload:
		var q ThresholdViolatedPayload
		if !fastThreshold(data, &q) {
			return false
		}
		*p = q
	case *AlertFiredPayload:
		var q AlertFiredPayload
		if !fastAlert(data, &q) {
			return false
		}
		*p = q
	default:
		return false
	}
	return true
}
