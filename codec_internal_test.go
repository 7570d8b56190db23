package events

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/algoryn/events/internal/jsonwire"
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
	// As the encoders write them, for the decoders' fast path.
	`{"RunID":"r","Service":"s","Passed":false,"Duration":90000000000,"Summary":{"Total":120000,"Failed":240,"RPS":1333.33,"ErrorRate":0.002,"P99Ms":212.5}}`,
	`{"Service":"s","Source":"relay","Description":"p99 > 200ms","Actual":-0,"Limit":1e21}`,
	`{"Name":"n","Address":"h:1","Tags":{"a":"1","b":""}}`, `{"Name":"n","Address":"","Tags":null}`, `{"Name":"n","Address":"","Tags":{}}`,
	`{"AlertID":"a","RuleID":"r","RuleName":"","Severity":"warning","Service":"s","Summary":"","FiredAt":"2026-05-01T10:00:00.5Z","Labels":{"k":"v"},"CorrelationEventID":""}`,
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
	want := json.Valid(data) && utf8.Valid(data) // strings must be UTF-8 here
	got := jsonwire.Kind(data) != "invalid JSON"
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

// checkDecoders decodes data as the payload of every type of the
// generated table, with the generated decoder and with encoding/json.
func checkDecoders(t *testing.T, data []byte) {
	if !utf8.Valid(data) || jsonwire.Kind(data) != "object" {
		return // refused before decoding; covered elsewhere
	}
	for _, k := range payloadTable {
		typ := reflect.TypeOf(k.zero)
		want := reflect.New(typ)
		got := reflect.New(typ)
		errWant := json.Unmarshal(data, want.Interface())
		errGot := decodeOnly(k.typ, data, got.Interface().(ownPayloadPtr))
		inUTC(want.Elem()) // on purpose: times are read into UTC
		if (errWant == nil) != (errGot == nil) {
			t.Fatalf("%s from %q: encoding/json error %v, ours %v", typ, data, errWant, errGot)
		}
		if errWant == nil && !reflect.DeepEqual(want.Interface(), got.Interface()) {
			t.Fatalf("%s from %q:\nencoding/json %+v\nours          %+v", typ, data, want.Elem(), got.Elem())
		}
		// The fast path alone, when it takes the input, must read what
		// encoding/json reads (the full decoder then refuses anything
		// but white space after it).
		fast := reflect.New(typ)
		var d payloadDecoder
		end, ok := fast.Interface().(ownPayloadPtr).decodeCanonical(&d, data, 0)
		if ok && len(bytes.TrimLeft(data[end:], " \t\r\n")) == 0 {
			if errWant != nil {
				t.Fatalf("%s from %q: the fast path takes it, encoding/json refuses it: %v", typ, data, errWant)
			}
			if !reflect.DeepEqual(want.Interface(), fast.Interface()) {
				t.Fatalf("%s from %q:\nencoding/json %+v\nfast path     %+v", typ, data, want.Elem(), fast.Elem())
			}
		}
	}
}

// decodeOnly decodes data, the payload of an event of type t, into p with
// the generated decoder, without validating it.
func decodeOnly(t EventType, data []byte, p ownPayloadPtr) error {
	var d payloadDecoder
	if err := d.start(t, data); err != nil {
		return err
	}
	p.decodeJSON(&d)
	d.decoded()
	return d.result(t)
}

// inUTC converts every time.Time in the struct v to UTC.
func inUTC(v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		switch f := v.Field(i); f.Kind() {
		case reflect.Struct:
			if tm, ok := f.Interface().(time.Time); ok {
				f.Set(reflect.ValueOf(tm.UTC()))
			} else {
				inUTC(f)
			}
		}
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

// checkEncoders fills every payload of the generated table from the
// inputs, by reflection, and compares the generated encoder's bytes with
// encoding/json's.
func checkEncoders(t *testing.T, s1, s2 string, i1, i2 int64, f1, f2, f3 float64) {
	if !utf8.ValidString(s1) || !utf8.ValidString(s2) {
		return // Validate refuses these before encoding
	}
	for _, f := range []float64{f1, f2, f3} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return // Validate refuses these before encoding
		}
	}
	src := &fuzzValues{strs: []string{s1, s2}, ints: []int64{i1, i2}, floats: []float64{f1, f2, f3}}
	for _, k := range payloadTable {
		v := reflect.New(reflect.TypeOf(k.zero)).Elem()
		src.fill(v)
		p := v.Interface().(ownPayload)
		plain := reflect.New(v.Type()).Elem()
		plain.Set(v)
		inUTC(plain) // on purpose: times are written in UTC
		want, errWant := json.Marshal(plain.Interface())
		if errWant != nil {
			t.Fatalf("%T: encoding/json error %v", p, errWant)
		}
		if got := p.appendJSON(nil); string(want) != string(got) {
			t.Fatalf("%T:\nencoding/json %s\nours          %s", p, want, got)
		}
	}
}

// fuzzValues fills struct fields with its values in turn.
type fuzzValues struct {
	strs   []string
	ints   []int64
	floats []float64
	n      int
}

func (s *fuzzValues) fill(v reflect.Value) {
	s.n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(s.strs[s.n%len(s.strs)])
	case reflect.Bool:
		v.SetBool(s.ints[s.n%len(s.ints)]%2 == 0)
	case reflect.Int64:
		v.SetInt(s.ints[s.n%len(s.ints)])
	case reflect.Float64:
		v.SetFloat(s.floats[s.n%len(s.floats)])
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for _, k := range s.strs {
			m.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(s.strs[(s.n+len(k))%len(s.strs)]))
		}
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			i1, i2 := s.ints[0], s.ints[len(s.ints)-1]
			// Years 0000-9999 only: Validate refuses the others.
			tm := time.Unix(i1%253402300799, i2%1e9).In(time.FixedZone("x", int(i2%86400)))
			if y := tm.UTC().Year(); y < 0 || y > 9999 {
				tm = time.Unix(0, 0)
			}
			v.Set(reflect.ValueOf(tm))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			s.fill(v.Field(i))
		}
	default:
		panic("fuzzValues: no filler for " + v.Type().String())
	}
}
