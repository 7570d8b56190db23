package records

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestHasTopLevelKey(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"specversion":"1.0"}`, true},
		{` { "id" : "x" , "specversion" : "1.0" }`, true},
		{`{"spec\u0076ersion":"1.0"}`, true},
		{`{"data":{"specversion":"1.0"}}`, false},
		{`{"ID":"specversion"}`, false},
		{`{"a":[{"specversion":1}],"b":"\"specversion\""}`, false},
		{`{"SpecVersion":"1.0"}`, false},
		{`{"id":"x","specversion":`, true}, // met before the input ends
		{`{"id":tru,"specversion":"1.0"}`, true},
		{`["specversion"]`, false},
		{`specversion`, false},
		{``, false},
	}
	for _, tt := range tests {
		if got := HasTopLevelKey([]byte(tt.in), "specversion"); got != tt.want {
			t.Errorf("HasTopLevelKey(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzHasTopLevelKey checks HasTopLevelKey against encoding/json on every
// input encoding/json reads as an object.
func FuzzHasTopLevelKey(f *testing.F) {
	for _, s := range []string{`{"specversion":"1.0"}`, `{"a":{"specversion":1}}`, `{"spec\u0076ersion":1}`, `{"a":"b\\","specversion":[1,{"x":"]"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := HasTopLevelKey(data, "specversion")
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil || m == nil {
			return
		}
		// encoding/json matches the last of duplicate keys exactly in the
		// map: a key is there if any member has it.
		_, want := m["specversion"]
		if got != want && !bytes.Contains(data, []byte(`\u`)) {
			t.Fatalf("HasTopLevelKey(%q) = %v, encoding/json says %v", data, got, want)
		}
		if got != want {
			t.Fatalf("HasTopLevelKey(%q) = %v, encoding/json says %v (escaped)", data, got, want)
		}
	})
}
