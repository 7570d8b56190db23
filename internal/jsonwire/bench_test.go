package jsonwire

import (
	"encoding/json"
	"strconv"
	"testing"
)

// benchPayload is the run.completed payload of the root package's
// benchmarks, as it travels inside every event.
var benchPayload = []byte(`{"RunID":"run-42","Service":"checkout","Passed":false,"Duration":90000000000,` +
	`"Summary":{"Total":120000,"Failed":240,"RPS":1333.33,"ErrorRate":0.002,"P99Ms":212.5}}`)

var sinkBool bool

// BenchmarkSkip is the check ParseEvent makes of a payload, beside
// encoding/json's json.Valid of the same bytes.
func BenchmarkSkip(b *testing.B) {
	b.Run("baseline=json.Valid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchPayload)))
		for i := 0; i < b.N; i++ {
			sinkBool = json.Valid(benchPayload)
		}
	})
	b.Run("Reader.Skip", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchPayload)))
		for i := 0; i < b.N; i++ {
			r := NewReader(benchPayload)
			sinkBool = r.Skip() != nil
		}
	})
}

// benchFloats are the floats of benchPayload.
var benchFloats = []float64{1333.33, 0.002, 212.5}

var sinkBytes []byte

// BenchmarkAppendFloat writes the floats of benchPayload, beside
// strconv.AppendFloat's shortest form (which is what encoding/json
// writes for them).
func BenchmarkAppendFloat(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.Run("baseline=strconv.AppendFloat", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf = buf[:0]
			for _, f := range benchFloats {
				buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
			}
		}
		sinkBytes = buf
	})
	b.Run("AppendFloat", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			buf = buf[:0]
			for _, f := range benchFloats {
				buf = AppendFloat(buf, f)
			}
		}
		sinkBytes = buf
	})
}
