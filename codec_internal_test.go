package events

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

// The hand-written codecs must agree with encoding/json: the scanner with
// json.Valid, the payload decoders with json.Unmarshal, the encoders with
// json.Marshal (but for times, which are written and read in UTC on
// purpose). These tests and fuzz targets hold them to it.

var scanSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `-1E-2`, `true`, `false`, `null`,
	`{"a":[1,2,{"b":null}],"c":"\u00e9\n\"\\\/"}`, ` { "a" : 1 } `,
	`{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `01`, `1.`, `.5`, `1e`, `-`, `+1`,
	`"\x"`, `"\u12"`, `"` + "\x01" + `"`, `tru`, `nul`, `[1 2]`, `{"a":1 "b":2}`,
	`{"RunID":"r","Service":"s","Passed":true,"Duration":5,"Summary":{"Total":3,"Failed":1,"RPS":1.5,"ErrorRate":0.3,"P99Ms":9}}`,
	`{"runid":"r","SERVICE":"s","Summary":null,"Duration":null}`,
	`{"Name":"n","Address":"h:1","Tags":{"a":"1","a":"2"},"Tags":null}`,
	`{"AlertID":"a","FiredAt":"2026-05-01T12:00:00+02:00","Labels":{"k":null}}`,
	`{"ſervice":"long s folds to S","Kelvin":"K"}`,
	`{"RUNıD":"dotless i does not fold to I","Servıce":"s"}`,
	`{"RunID":"\ud83d\ude00 \ud800 \udc00x \ud800\u0041 \ud83d\ud83d\ude00 \u00e9\/\b\f\n\r\t\"\\","Service":"\u003c\u0026\u003e"}`,
	`{"Tags":{"\u0041\ud800":"\udfff"},"Name":"x\ud800"}`,
	`{"ſUMMARY":{"ToTaL":1,"P99mſ":2},"ſervice":"x"}`,
	`{"Duration":-9223372036854775808,"Summary":{"Total":9223372036854775807}}`,
	`{"Duration":-9223372036854775809}`, `{"Actual":-0,"Limit":1e308}`, `{"Actual":1e309}`,
}

func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range scanSeeds {
		checkScanner(t, []byte(s))
	}
}

func FuzzScanner(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkScanner)
}

func checkScanner(t *testing.T, data []byte) {
	want := json.Valid(data)
	got := jsonKind(data) != "invalid JSON"
	if got != want {
		t.Fatalf("scanner says valid=%v, encoding/json says %v, for %q", got, want, data)
	}
}

func TestPayloadDecodersAgreeWithEncodingJSON(t *testing.T) {
	for _, s := range scanSeeds {
		checkDecoders(t, []byte(s))
	}
}

func FuzzPayloadDecoders(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkDecoders)
}

func checkDecoders(t *testing.T, data []byte) {
	if !utf8.Valid(data) || jsonKind(data) != "object" {
		return // refused before decoding; covered elsewhere
	}
	checkDecoder[RunCompletedPayload](t, data)
	checkDecoder[ServiceRegisteredPayload](t, data)
	checkDecoder[ServiceDeregisteredPayload](t, data)
	checkDecoder[ThresholdViolatedPayload](t, data)
	checkDecoder[AlertFiredPayload](t, data)
}

func checkDecoder[P Payload](t *testing.T, data []byte) {
	var want, got P
	errWant := json.Unmarshal(data, &want)
	errGot := decodePayloadJSON(got.EventType(), data, &got)
	if a, ok := any(&want).(*AlertFiredPayload); ok {
		a.FiredAt = a.FiredAt.UTC() // on purpose: times are read into UTC
	}
	if (errWant == nil) != (errGot == nil) {
		t.Fatalf("%T from %q: encoding/json error %v, ours %v", got, data, errWant, errGot)
	}
	if errWant == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("%T from %q:\nencoding/json %+v\nours          %+v", got, data, want, got)
	}
}

func TestPayloadEncodersAgreeWithEncodingJSON(t *testing.T) {
	checkEncoders(t, "checkout", "<a&b>\u2028\"\\\x01", 12345, 3, 1333.33, 1e-7, 1e21)
	checkEncoders(t, "", "é😀", 0, 0, 0, math.Copysign(0, -1), 123456789.125)
	checkEncoders(t, "x", "y", math.MaxInt64, math.MinInt64, math.MaxFloat64, math.SmallestNonzeroFloat64, -1e-300)
}

func FuzzPayloadEncoders(f *testing.F) {
	f.Add("checkout", "<a&b>", int64(1), int64(2), 1.5, 0.25, 1e21)
	f.Add("", "\u2028", int64(-1), int64(0), 1e-7, 5e-324, math.Copysign(0, -1))
	f.Fuzz(checkEncoders)
}

func checkEncoders(t *testing.T, s1, s2 string, i1, i2 int64, f1, f2, f3 float64) {
	if !utf8.ValidString(s1) || !utf8.ValidString(s2) {
		return // Validate refuses these before encoding
	}
	for _, f := range []float64{f1, f2, f3} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return // Validate refuses these before encoding
		}
	}
	payloads := []Payload{
		RunCompletedPayload{RunID: s1, Service: s2, Passed: i1%2 == 0, Duration: time.Duration(i1),
			Summary: RunSummary{Total: i1, Failed: i2, RPS: f1, ErrorRate: f2, P99Ms: f3}},
		ServiceRegisteredPayload{Name: s1, Address: s2, Tags: map[string]string{s1: s2, s2: s1, "z": ""}},
		ServiceDeregisteredPayload{Name: s2, Address: s1},
		ThresholdViolatedPayload{Service: s1, Source: s2, Description: s1 + s2, Actual: f1, Limit: f2},
		AlertFiredPayload{AlertID: s1, RuleID: s2, RuleName: s1, Severity: Severity(s2), Service: s1, Summary: s2,
			FiredAt: time.Unix(i1%(1<<35), i2%1e9).In(time.FixedZone("x", int(i2%86400))), Labels: map[string]string{s2: s1},
			CorrelationEventID: s1},
	}
	for _, p := range payloads {
		plain := p
		if a, ok := p.(AlertFiredPayload); ok {
			a.FiredAt = a.FiredAt.UTC() // on purpose: times are written in UTC
			plain = a
		}
		want, errWant := json.Marshal(plain)
		got, known, errGot := appendPayload(nil, p)
		if !known {
			t.Fatalf("%T is not encoded by hand", p)
		}
		if (errWant == nil) != (errGot == nil) {
			t.Fatalf("%T: encoding/json error %v, ours %v", p, errWant, errGot)
		}
		if string(want) != string(got) {
			t.Fatalf("%T:\nencoding/json %s\nours          %s", p, want, got)
		}
	}
}
