package events_test

import (
	"encoding/json"
	"testing"

	"github.com/algoryn/events"
)

// Every benchmark here runs beside a baseline: plain encoding/json on the
// bare RunCompletedPayload, in the same run, so that results are read as
// ratios (see BENCHMARKS.md). Names: Benchmark<Operation>/<contender>.

var sinkEvent events.Event
var sinkBytes []byte
var sinkPayload events.RunCompletedPayload

func BenchmarkNew(b *testing.B) {
	b.Run("baseline=json.Marshal(payload)", benchMarshalBare)
	b.Run("events.New", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e, err := events.New(events.SourcePulse, runCompleted)
			if err != nil {
				b.Fatal(err)
			}
			sinkEvent = e
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	b.Run("baseline=json.Marshal(payload)", benchMarshalBare)
	e := mustEvent(0)
	b.Run("Event.AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			data, err := e.AppendJSON(nil)
			if err != nil {
				b.Fatal(err)
			}
			sinkBytes = data
		}
	})
	b.Run("json.Marshal(Event)", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			data, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			sinkBytes = data
		}
	})
}

func BenchmarkUnmarshal(b *testing.B) {
	b.Run("baseline=json.Unmarshal(payload)", benchUnmarshalBare)
	data, err := json.Marshal(mustEvent(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("ParseEvent", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e, err := events.ParseEvent(data)
			if err != nil {
				b.Fatal(err)
			}
			sinkEvent = e
		}
	})
	b.Run("json.Unmarshal(Event)", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var e events.Event
			if err := json.Unmarshal(data, &e); err != nil {
				b.Fatal(err)
			}
			sinkEvent = e
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	b.Run("baseline=json.Unmarshal(payload)", benchUnmarshalBare)
	e := mustEvent(0)
	b.Run("events.Decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			p, err := events.Decode[events.RunCompletedPayload](e)
			if err != nil {
				b.Fatal(err)
			}
			sinkPayload = p
		}
	})
}

// BenchmarkRoundTrip is a producer's New and json.Marshal, then a
// consumer's json.Unmarshal and Decode, against marshalling and
// unmarshalling the bare payload.
func BenchmarkRoundTrip(b *testing.B) {
	b.Run("baseline=bare payload", benchRoundTripBare)
	b.Run("events", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e, err := events.New(events.SourcePulse, runCompleted)
			if err != nil {
				b.Fatal(err)
			}
			data, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			var got events.Event
			if err := json.Unmarshal(data, &got); err != nil {
				b.Fatal(err)
			}
			p, err := events.Decode[events.RunCompletedPayload](got)
			if err != nil {
				b.Fatal(err)
			}
			sinkPayload = p
		}
	})
}

// BenchmarkRoundTripDirect is the round trip through the direct entry
// points: New, AppendJSON (into a new buffer), ParseEvent and Decode,
// skipping the second and third scans that encoding/json makes of every
// Marshaler's output and Unmarshaler's input. The calls are written out rather than
// passed in as functions, which would move the parsed Event to the heap.
func BenchmarkRoundTripDirect(b *testing.B) {
	b.Run("baseline=bare payload", benchRoundTripBare)
	b.Run("events", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e, err := events.New(events.SourcePulse, runCompleted)
			if err != nil {
				b.Fatal(err)
			}
			data, err := e.AppendJSON(nil)
			if err != nil {
				b.Fatal(err)
			}
			got, err := events.ParseEvent(data)
			if err != nil {
				b.Fatal(err)
			}
			p, err := events.Decode[events.RunCompletedPayload](got)
			if err != nil {
				b.Fatal(err)
			}
			sinkPayload = p
		}
	})
}

func benchRoundTripBare(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		data, err := json.Marshal(runCompleted)
		if err != nil {
			b.Fatal(err)
		}
		var p events.RunCompletedPayload
		if err := json.Unmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
		sinkPayload = p
	}
}

func benchMarshalBare(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		data, err := json.Marshal(runCompleted)
		if err != nil {
			b.Fatal(err)
		}
		sinkBytes = data
	}
}

func benchUnmarshalBare(b *testing.B) {
	data, err := json.Marshal(runCompleted)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var p events.RunCompletedPayload
		if err := json.Unmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
		sinkPayload = p
	}
}
