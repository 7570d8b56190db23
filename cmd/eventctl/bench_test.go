package main

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"testing"

	"github.com/algoryn/events/cmd/eventctl/internal/gen"
	"github.com/algoryn/events/cmd/eventctl/internal/records"
)

// benchInput is 4 MB of mixed events, made once.
var benchInput = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if _, err := gen.Write(&b, 4<<20, 1, false); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkValidate is what `eventctl validate` does per byte: split the
// input into records and check each with the events package. Read it
// beside BenchmarkBaselineJSONParse, which only parses the same bytes
// with encoding/json (what jq -c . at least does); the end-to-end
// comparison with jq itself is in bench/compare-jq.sh.
func BenchmarkValidate(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rd := records.NewReader(bytes.NewReader(data), maxRecordBytes)
		invalid := 0
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(checkRecord(rec, checkOptions{}).Problems) > 0 {
				invalid++
			}
		}
		if invalid == 0 {
			b.Fatal("the mixed input has invalid events; none were found")
		}
	}
}

// BenchmarkBaselineJSONParse parses every line of the same input into
// generic JSON values with encoding/json, checking nothing.
func BenchmarkBaselineJSONParse(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(data))
		for {
			var v any
			if err := dec.Decode(&v); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
