package events

import (
	"reflect"
	"testing"
	"time"
)

// parseSeeds are events as AppendJSON writes them, which parseCanonical
// takes, and near misses that it leaves to parseFull.
var parseSeeds = []struct {
	data string
	fast bool
}{
	{`{"ID":"01966f5e-0000-7000-8000-000000000001","Type":"run.completed","Source":"pulse","Timestamp":"2026-05-01T12:00:00.123456789Z","Payload":{"RunID":"r","Service":"s"}}`, true},
	{`{"ID":"i","Type":"alert.fired","Source":"custom/src","Timestamp":"2026-05-01T12:00:00Z","Payload":{}}`, true},
	{`{"ID":"","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00+02:00","Payload":{"a":[1,{"b":null}]}}`, true},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{"a":1}} `, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{"a":1},"Payload":{}}`, false},
	{`{"ID":"i\u0041","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{"a":1}}`, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-13-01T12:00:00Z","Payload":{"a":1}}`, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":"eyJhIjoxfQ=="}`, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{"a":1,}}`, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{"a":"` + "\xff" + `"}}`, false},
	{`{"ID":"i","Type":"x.y","Source":"s","Timestamp":null,"Payload":null}`, false},
	{`{"Type":"x.y","ID":"i","Source":"s","Timestamp":"2026-05-01T12:00:00Z","Payload":{}}`, false},
}

func TestParsePathsAgree(t *testing.T) {
	for _, tt := range parseSeeds {
		if got := checkParsePaths(t, []byte(tt.data)); got != tt.fast {
			t.Errorf("parseCanonical took %q: %v, want %v", tt.data, got, tt.fast)
		}
	}
}

// FuzzParseCanonical holds parseCanonical, the fast path of ParseEvent, to
// parseFull: whatever input it takes, parseFull must read into the same
// event without an error.
func FuzzParseCanonical(f *testing.F) {
	for _, tt := range parseSeeds {
		f.Add([]byte(tt.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkParsePaths(t, data) })
}

// checkParsePaths reads data with both paths and reports whether the fast
// one took it.
func checkParsePaths(t *testing.T, data []byte) bool {
	t.Helper()
	var fast, full Event
	if !parseCanonical(data, &fast) {
		return false
	}
	if err := parseFull(data, &full); err != nil {
		t.Fatalf("parseCanonical takes %q, parseFull refuses it: %v", data, err)
	}
	if fast.ID != full.ID || fast.Type != full.Type || fast.Source != full.Source ||
		!fast.Timestamp.Equal(full.Timestamp) || fast.Timestamp.Location() != time.UTC ||
		!reflect.DeepEqual([]byte(fast.Payload), []byte(full.Payload)) {
		t.Fatalf("the two paths read %q differently:\nfast %+v\nfull %+v", data, fast, full)
	}
	return true
}
