package events_test

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

// update rewrites the golden files from the current code. Use it only on
// purpose, for an intended wire change, with a CHANGELOG.md line.
var update = flag.Bool("update", false, "rewrite testdata/golden files")

// checkGolden compares got with testdata/golden/name byte for byte; with
// -update it first rewrites the file.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update && !strings.HasPrefix(name, "v0.2.0-") { // a record of the past is never rewritten
		t.Logf("rewriting %s", path)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test -update on purpose")
	require.Equal(t, string(want), string(got), "wire bytes changed for %s", path)
}

// TestGoldenWire pins the canonical bytes of one event per type.
func TestGoldenWire(t *testing.T) {
	for i, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			got, err := json.Marshal(mustEvent(i))
			require.NoError(t, err)
			checkGolden(t, f.name+".json", append(got, '\n'))
		})
	}
}

// v020Event is how v0.2.0 wrote an event: plain encoding/json on the
// untagged struct, so the payload went out as base64.
type v020Event struct {
	ID        string
	Type      events.EventType
	Source    string
	Timestamp json.RawMessage
	Payload   []byte
}

// TestGoldenV020 pins the v0.2.0 base64 form and proves it still reads
// as the same event as the canonical form.
func TestGoldenV020(t *testing.T) {
	e := mustEvent(0)
	ts, err := e.Timestamp.MarshalJSON()
	require.NoError(t, err)
	old, err := json.Marshal(v020Event{e.ID, e.Type, e.Source, ts, e.Payload})
	require.NoError(t, err)
	checkGolden(t, "v0.2.0-run.completed.json", append(old, '\n'))

	data, err := os.ReadFile(filepath.Join("testdata", "golden", "v0.2.0-run.completed.json"))
	require.NoError(t, err)
	var got events.Event
	require.NoError(t, json.Unmarshal(data, &got))
	require.Equal(t, e, got)

	// The payload bytes are what v0.2.0 producers wrote: they decode
	// from base64 to exactly the canonical payload.
	var raw struct{ Payload string }
	require.NoError(t, json.Unmarshal(data, &raw))
	dec, err := base64.StdEncoding.DecodeString(raw.Payload)
	require.NoError(t, err)
	require.Equal(t, string(e.Payload), string(dec))
}

// TestGoldenRead reads every golden file back into the event it was made
// from, so the files are proven readable as well as writable.
func TestGoldenRead(t *testing.T) {
	for i, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "golden", f.name+".json"))
			require.NoError(t, err)
			var got events.Event
			require.NoError(t, json.Unmarshal(data, &got))
			require.Equal(t, mustEvent(i), got)
			p, err := events.DecodePayload(got)
			require.NoError(t, err)
			require.Equal(t, f.payload, p)
		})
	}
}
