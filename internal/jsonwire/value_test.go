package jsonwire

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// kindCases are inputs with their Kind. Every one is checked against
// encoding/json (see checkKind), and they seed FuzzReader.
var kindCases = []struct {
	name, data, want string
}{
	{"object", `{"a":1}`, "object"},
	{"empty object", `{}`, "object"},
	{"array", `[1,"two",null]`, "array"},
	{"empty array", `[]`, "array"},
	{"string", `"s"`, "string"},
	{"number", `-1.5e+3`, "number"},
	{"zero", `0`, "number"},
	{"true", `true`, "boolean"},
	{"false", `false`, "boolean"},
	{"null", `null`, "null"},
	{"white space around", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n ", "object"},
	{"nested", `{"a":{"b":[{"c":[]}]}}`, "object"},
	{"arrays nested 40 deep", strings.Repeat("[", 40) + strings.Repeat("]", 40), "array"},
	{"objects nested 40 deep", strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "object"},
	{"empty", ``, "invalid JSON"},
	{"white space only", ` `, "invalid JSON"},
	{"two values", `1 2`, "invalid JSON"},
	{"trailing garbage", `{}x`, "invalid JSON"},
	{"trailing NUL", "{}\x00", "invalid JSON"},
	{"NUL before the value", "\x00{}", "invalid JSON"},
	{"truncated", `{"a":`, "invalid JSON"},
	{"invalid UTF-8 in a string", "\"\xff\"", "invalid JSON"},
	{"invalid UTF-8 in a key", "{\"\xff\":1}", "invalid JSON"},
	{"valid UTF-8 in a string", "\"é\"", "string"},
	{"single quotes", `'a'`, "invalid JSON"},
	{"leading zero", `01`, "invalid JSON"},
	{"NaN", `NaN`, "invalid JSON"},
	{"byte order mark", "\ufeff{}", "invalid JSON"},
}

func TestKind(t *testing.T) {
	for _, tt := range kindCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := Kind([]byte(tt.data)); got != tt.want {
				t.Errorf("Kind(%q) = %q, want %q", tt.data, got, tt.want)
			}
			checkKind(t, []byte(tt.data))
		})
	}
}

// checkKind checks Kind(data) against encoding/json: it is not "invalid
// JSON" exactly when json.Valid(data) and data is valid UTF-8, and then
// it names the type encoding/json decodes data to.
func checkKind(t *testing.T, data []byte) {
	kind := Kind(data)
	valid := json.Valid(data) && utf8.Valid(data)
	if (kind != "invalid JSON") != valid {
		t.Fatalf("Kind(%q) = %q, but json.Valid = %v, utf8.Valid = %v", data, kind, json.Valid(data), utf8.Valid(data))
	}
	if !valid {
		return
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil && kind != "number" { // numbers may overflow float64
		t.Fatalf("json.Unmarshal(%q): %v", data, err)
	} else if err != nil {
		return
	}
	var want string
	switch v.(type) {
	case map[string]any:
		want = "object"
	case []any:
		want = "array"
	case string:
		want = "string"
	case float64:
		want = "number"
	case bool:
		want = "boolean"
	case nil:
		want = "null"
	}
	if kind != want {
		t.Fatalf("Kind(%q) = %q, encoding/json decodes a %T", data, kind, v)
	}
}

func TestKindOf(t *testing.T) {
	for _, tt := range []struct {
		c    byte
		want string
	}{
		{'{', "object"},
		{'[', "array"},
		{'"', "string"},
		{'t', "boolean"},
		{'f', "boolean"},
		{'n', "null"},
		{'-', "number"},
		{'0', "number"},
		{'9', "number"},
	} {
		t.Run(string(tt.c), func(t *testing.T) {
			if got := KindOf(tt.c); got != tt.want {
				t.Errorf("KindOf(%q) = %q, want %q", tt.c, got, tt.want)
			}
		})
	}
}

// appendFloatCases are float64s with how AppendFloat (and json.Marshal)
// write them. They seed FuzzAppendFloat.
var appendFloatCases = []struct {
	name string
	x    float64
	want string
}{
	{"zero", 0, "0"},
	{"negative zero", math.Copysign(0, -1), "-0"},
	{"integer", 42, "42"},
	{"negative", -1.5, "-1.5"},
	{"1e20 in full", 1e20, "100000000000000000000"},
	{"1e21 with exponent", 1e21, "1e+21"},
	{"just below 1e21", 999999999999999900000, "999999999999999900000"},
	{"1e-6 in full", 1e-6, "0.000001"},
	{"1e-7 with exponent, no padding", 1e-7, "1e-7"},
	{"two-digit negative exponent", 1.5e-10, "1.5e-10"},
	{"smallest subnormal", 5e-324, "5e-324"},
	{"largest", math.MaxFloat64, "1.7976931348623157e+308"},
	{"smallest normal", 0x1p-1022, "2.2250738585072014e-308"},
	{"negative tiny", -1.5e-300, "-1.5e-300"},
	{"fraction", 123456789.125, "123456789.125"},
	{"shortest round trip", 0.1, "0.1"},
	{"2^53", 1 << 53, "9007199254740992"},
	{"one third", 1.0 / 3, "0.3333333333333333"},
}

func TestAppendFloat(t *testing.T) {
	for _, tt := range appendFloatCases {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendFloat(nil, tt.x)); got != tt.want {
				t.Errorf("AppendFloat(nil, %v) = %s, want %s", tt.x, got, tt.want)
			}
			checkAppendFloat(t, tt.x)
		})
	}
}

// TestAppendFloatShortDecimals checks the short path, which writes the
// digits two at a time around the point, on decimals of every count of
// digits and decimals it takes (and some it gives to strconv), with
// zeros in every place, against encoding/json.
func TestAppendFloatShortDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for digits := 1; digits <= 16; digits++ {
		for k := 0; k <= 17; k++ {
			for range 40 {
				m := rng.Uint64N(uint64(math.Pow10(digits)))
				if rng.IntN(4) == 0 { // zeros inside and at the end
					m -= m % uint64(math.Pow10(rng.IntN(digits)))
				}
				x := float64(m) / math.Pow10(k)
				checkAppendFloat(t, x)
				checkAppendFloat(t, -x)
			}
		}
	}
}

func FuzzAppendFloat(f *testing.F) {
	for _, tt := range appendFloatCases {
		f.Add(tt.x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) { // AppendFloat wants finite f
			return
		}
		checkAppendFloat(t, x)
	})
}

// checkAppendFloat checks AppendFloat(…, x) against json.Marshal(x), and
// that it reads back as x.
func checkAppendFloat(t *testing.T, x float64) {
	want, err := json.Marshal(x)
	if err != nil {
		t.Fatalf("json.Marshal(%v): %v", x, err)
	}
	got := AppendFloat(nil, x)
	if string(got) != string(want) {
		t.Fatalf("AppendFloat(nil, %v) = %s, encoding/json %s", x, got, want)
	}
	// After other bytes, including ones that look like an exponent.
	prefix := "[1e-0,"
	if got := AppendFloat([]byte(prefix)[:len(prefix):len(prefix)], x); string(got) != prefix+string(want) {
		t.Fatalf("AppendFloat(%q, %v) = %s, want the prefix then %s", prefix, x, got, want)
	}
	if Kind(got) != "number" {
		t.Fatalf("Kind(%s) = %q", got, Kind(got))
	}
	back, err := strconv.ParseFloat(string(got), 64)
	if err != nil || math.Float64bits(back) != math.Float64bits(x) {
		t.Fatalf("AppendFloat(nil, %v) = %s reads back as %v, %v", x, got, back, err)
	}
}

// parseIntCases are JSON number texts with ParseInt's verdict, which is
// encoding/json's when it decodes them into an int64. They seed
// FuzzParseInt.
var parseIntCases = []struct {
	num  string
	want int64
	ok   bool
}{
	{"0", 0, true},
	{"-0", 0, true},
	{"7", 7, true},
	{"-7", -7, true},
	{"1234567890", 1234567890, true},
	{"9223372036854775807", math.MaxInt64, true},
	{"-9223372036854775808", math.MinInt64, true},
	{"9223372036854775808", 0, false},
	{"-9223372036854775809", 0, false},
	{"9999999999999999999", 0, false},
	{"-9999999999999999999", 0, false},
	{"10000000000000000000", 0, false},
	{"18446744073709551616", 0, false},
	{"123456789012345678901234567890", 0, false},
	{"1.0", 0, false},
	{"-0.0", 0, false},
	{"1.5", 0, false},
	{"1e2", 0, false},
	{"1E2", 0, false},
	{"1e+0", 0, false},
	{"-1e-0", 0, false},
}

func TestParseInt(t *testing.T) {
	for _, tt := range parseIntCases {
		t.Run(tt.num, func(t *testing.T) {
			got, ok := ParseInt([]byte(tt.num))
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseInt(%s) = %d, %v, want %d, %v", tt.num, got, ok, tt.want, tt.ok)
			}
			checkParseInt(t, tt.num)
		})
	}
}

func FuzzParseInt(f *testing.F) {
	for _, tt := range parseIntCases {
		f.Add(tt.num)
	}
	f.Fuzz(func(t *testing.T, num string) {
		// ParseInt takes a number the Reader has checked.
		r := NewReader([]byte(num))
		if c := r.Peek(); c != '-' && !isDigit(c) {
			return
		}
		if b, ok := r.Number(); !ok || !r.End() || string(b) != num {
			return
		}
		checkParseInt(t, num)
	})
}

// checkParseInt checks ParseInt(num) against decoding num into an int64
// with encoding/json, and, for integral texts, against strconv.ParseInt.
func checkParseInt(t *testing.T, num string) {
	got, ok := ParseInt([]byte(num))
	var want int64
	err := json.Unmarshal([]byte(num), &want)
	if ok != (err == nil) || (ok && got != want) {
		t.Fatalf("ParseInt(%s) = %d, %v; encoding/json into int64: %d, %v", num, got, ok, want, err)
	}
	if !ok && got != 0 {
		t.Fatalf("ParseInt(%s) = %d, false; want 0 on failure", num, got)
	}
	if strings.ContainsAny(num, ".eE") {
		if ok {
			t.Fatalf("ParseInt(%s) accepts a fraction or exponent", num)
		}
		return
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if ok != (err == nil) || (ok && got != n) {
		t.Fatalf("ParseInt(%s) = %d, %v; strconv.ParseInt: %d, %v", num, got, ok, n, err)
	}
}

// TestAppendFloatManyValues holds AppendFloat (its fast path for short
// decimals in particular) to encoding/json over values of every kind:
// short decimals, their neighbouring float64s, and random bit patterns.
func TestAppendFloatManyValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		m := float64(rng.Uint64N(1_000_000_000_000_000))
		m = math.Trunc(m / pow10[rng.IntN(15)])
		d := m / pow10[rng.IntN(16)]
		for _, x := range []float64{d, -d, math.Nextafter(d, 0), math.Nextafter(d, math.Inf(1)),
			math.Float64frombits(rng.Uint64())} {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				checkAppendFloat(t, x)
			}
		}
	}
}
