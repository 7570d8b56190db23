package events

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// fastTargets returns a fresh pointer to each payload struct.
func fastTargets() []func() any {
	return []func() any{
		func() any { return new(RunCompletedPayload) },
		func() any { return new(ThresholdViolatedPayload) },
		func() any { return new(ServiceRegisteredPayload) },
		func() any { return new(ServiceDeregisteredPayload) },
		func() any { return new(AlertFiredPayload) },
	}
}

// checkFastDecode holds the fast path to encoding/json: when it decodes,
// encoding/json decodes to the same value.
func checkFastDecode(t *testing.T, data []byte, target int) (fast bool) {
	t.Helper()
	if !utf8.Valid(data) || jsonKind(data) != "object" {
		return false
	}
	mk := fastTargets()[target%len(fastTargets())]
	a, b := mk(), mk()
	if !fastDecode(data, a) {
		if !reflect.DeepEqual(a, mk()) {
			t.Fatalf("fastDecode changed its target when giving up on %s", data)
		}
		return false
	}
	if err := json.Unmarshal(data, b); err != nil {
		t.Fatalf("fast path accepted %s, encoding/json refuses: %v", data, err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("fast path and encoding/json differ on %s:\nfast %+v\njson %+v", data, a, b)
	}
	return true
}

var fastSeeds = []struct {
	target int
	in     string
	fast   bool
}{
	{0, `{"RunID":"r","Service":"s","Passed":true,"Duration":90000000000,"Summary":{"Total":12000,"Failed":36,"RPS":133.3,"ErrorRate":0.003,"P99Ms":187.5}}`, true},
	{0, ` { "RunID" : "r\u00e9\n" , "Passed" : false , "Extra":[1,{"a":null}], "Summary" : { } } `, true},
	{0, `{}`, true},
	{0, `{"runid":"r"}`, false},
	{0, `{"RunID":"a","RunID":"b"}`, false},
	{0, `{"RunID":null}`, false},
	{0, `{"Passed":"yes"}`, false},
	{0, `{"Duration":1.5}`, false},
	{0, `{"Duration":1e3}`, false},
	{0, `{"Duration":99999999999999999999}`, false},
	{0, `{"Summary":null}`, false},
	{0, `{"Summary":[1]}`, false},
	{0, `{"Summary":{"total":1}}`, false},
	{0, `{"Summary":{"RPS":1e400}}`, false},
	{0, `{"Summary":{"RPS":"1"}}`, false},
	{0, `{"Run\u0049D":"r"}`, false},
	{0, `{"ſervice":"s"}`, false},
	{1, `{"Service":"s","Source":"relay","Description":"d","Actual":-1.5e300,"Limit":2}`, true},
	{1, `{"Actual":true}`, false},
	{2, `{"Name":"n","Address":"h:80","Tags":{"a":"b","a":"c","\u00e9":"x"}}`, true},
	{2, `{"Tags":null}`, true},
	{2, `{"Tags":{}}`, true},
	{2, `{"Tags":{"a":1}}`, false},
	{2, `{"Tags":{"a":null}}`, false},
	{2, `{"Tags":[]}`, false},
	{3, `{"Name":"n","Address":"h:80"}`, true},
	{3, `{"Name":null}`, false},
	{4, `{"AlertID":"a","RuleID":"r","RuleName":"n","Severity":"critical","Service":"s","Summary":"x","FiredAt":"2026-05-01T12:00:01.123456789+02:00","Labels":{"k":"v"},"CorrelationEventID":"c"}`, true},
	{4, `{"FiredAt":"yesterday"}`, false},
	{4, `{"FiredAt":null}`, false},
	{4, `{"FiredAt":5}`, false},
	{4, `{"Severity":5}`, false},
	{4, `{"Labels":{"k":"v"},"Labels":{}}`, false},
}

func TestFastDecodeAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range fastSeeds {
		if got := checkFastDecode(t, []byte(s.in), s.target); got != s.fast {
			t.Errorf("%s: fast path %v, want %v", s.in, got, s.fast)
		}
	}
	if fastDecode([]byte(`{}`), new(int)) {
		t.Error("fastDecode took a foreign type")
	}
	if _, ok := fastCheck("build.started", []byte(`{}`), &fieldErrors{}); ok {
		t.Error("fastCheck took an unknown type")
	}
}

func TestFastObjectMalformed(t *testing.T) {
	// fastObject is only given well-formed objects, but must not be
	// fooled by anything else.
	for _, in := range []string{``, `[]`, `{`, `{"a"`, `{"a":`, `{"a":1`, `{"a":1,`, `{"a" 1}`, `{"a":1 "b":2}`, `{"a":1}x`, `{"a":tru}`, `{"a":"\x"}`, `{1:2}`, `{"RunID":"x`, `{"Run`} {
		if fastObject([]byte(in), runCompletedKeys, func(int, []byte) bool { return true }) {
			t.Errorf("fastObject accepted %q", in)
		}
	}
	for _, in := range []string{`{`, `{"a"`, `{"a":`, `{"a":"b"`, `{"a":"b",`, `{"a" "b"}`, `{"a":"b" "c":"d"}`, `{"\x":"b"}`, `{1:"b"}`} {
		var m map[string]string
		if fastMap([]byte(in), &m) {
			t.Errorf("fastMap accepted %q", in)
		}
	}
}

// The fast path gives the same verdicts as Validate, so ToCloudEvent and
// FromCloudEvent agree with it.
func TestFastCheckMatchesValidate(t *testing.T) {
	for _, s := range fastSeeds {
		typ := Types()[s.target]
		e := Event{ID: "i", Type: typ, Source: "s", Timestamp: ceFixtureTime, Payload: []byte(strings.TrimSpace(s.in))}
		_, cerr := checkEvent(&e)
		verr := e.Validate()
		if (cerr == nil) != (verr == nil) {
			t.Errorf("%s %s: checkEvent %v, Validate %v", typ, s.in, cerr, verr)
		}
	}
}

func FuzzFastPayload(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(uint8(s.target), []byte(s.in))
	}
	f.Fuzz(func(t *testing.T, target uint8, data []byte) {
		checkFastDecode(t, data, int(target))
	})
}
