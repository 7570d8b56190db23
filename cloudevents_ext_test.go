package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	testTracestate  = "congo=t61rcWkgMzE"
)

func TestToCloudEventWithExtensionsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, e := range ceFixtures(t) {
		t.Run(string(e.Type), func(t *testing.T) {
			t.Parallel()
			ext := map[string]string{"traceparent": testTraceparent, "tracestate": testTracestate}
			b, err := ToCloudEventWithExtensions(e, ext)
			require.NoError(t, err)
			require.True(t, json.Valid(b), "%s", b)
			var attrs map[string]any
			require.NoError(t, json.Unmarshal(b, &attrs))
			assert.Equal(t, testTraceparent, attrs["traceparent"])
			assert.Equal(t, testTracestate, attrs["tracestate"])

			got, gotExt, err := FromCloudEventWithExtensions(b)
			require.NoError(t, err)
			assert.Equal(t, e, got)
			assert.Equal(t, ext, gotExt)

			// FromCloudEvent reads the same event and drops the extensions.
			plain, err := FromCloudEvent(b)
			require.NoError(t, err)
			assert.Equal(t, e, plain)
		})
	}
}

// Without extensions the bytes are those of ToCloudEvent, which the golden
// files pin: tracing changes nothing for an event sent without it.
func TestToCloudEventWithoutExtensionsSameBytes(t *testing.T) {
	t.Parallel()
	for _, e := range ceFixtures(t) {
		want, err := ToCloudEvent(e)
		require.NoError(t, err)
		for _, ext := range []map[string]string{nil, {}} {
			got, err := ToCloudEventWithExtensions(e, ext)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(want, got), "got %s, want %s", got, want)
		}
		_, gotExt, err := FromCloudEventWithExtensions(want)
		require.NoError(t, err)
		assert.Nil(t, gotExt)
	}
}

func TestToCloudEventWithExtensionsRefusesBadNames(t *testing.T) {
	t.Parallel()
	e := ceFixtures(t)[0]
	for _, tt := range []struct {
		name, key, value string
	}{
		{"upper case", "TraceParent", "x"},
		{"dash", "trace-parent", "x"},
		{"empty", "", "x"},
		{"too long", "abcdefghijklmnopqrstu", "x"},
		{"defined attribute", "subject", "x"},
		{"data", "data", "x"},
		{"bad UTF-8", "ok", "\xff"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ToCloudEventWithExtensions(e, map[string]string{tt.key: tt.value})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidEvent)
			var ve *ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tt.key, ve.Fields[0].Field)
		})
	}
}

func TestFromCloudEventWithExtensionsSkipsOtherTypesAndRefusesDuplicates(t *testing.T) {
	t.Parallel()
	b, err := ToCloudEvent(ceFixtures(t)[0])
	require.NoError(t, err)
	withNumber := append([]byte(`{"sampled":1,"traceparent":"`+testTraceparent+`",`), b[1:]...)
	_, ext, err := FromCloudEventWithExtensions(withNumber)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"traceparent": testTraceparent}, ext)

	dup := append([]byte(`{"traceparent":"a","traceparent":"b",`), b[1:]...)
	_, _, err = FromCloudEventWithExtensions(dup)
	var se *SyntaxError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, "traceparent", se.Field)
	assert.ErrorIs(t, err, ErrInvalidEvent)
}

func FuzzFromCloudEventWithExtensions(f *testing.F) {
	for _, e := range ceFixtures(f) {
		b, err := ToCloudEventWithExtensions(e, map[string]string{"traceparent": testTraceparent, "tracestate": testTracestate})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(ceValid))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, ext, err := FromCloudEventWithExtensions(in)
		careful := ceDecoder{ext: map[string]string{}}
		want, wantErr := careful.read(in)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(e, want) || (err == nil && len(ext)+len(careful.ext) > 0 && !reflect.DeepEqual(ext, careful.ext)) {
			t.Fatalf("quick and careful reads differ:\n%+v, %v, %v\n%+v, %v, %v", e, ext, err, want, careful.ext, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) {
				t.Fatalf("error %v does not match ErrInvalidEvent", err)
			}
			return
		}
		plain, err := FromCloudEvent(in)
		if err != nil {
			t.Fatalf("FromCloudEvent refuses what FromCloudEventWithExtensions read: %v", err)
		}
		if !eventsEqual(plain, e) {
			t.Fatalf("the two readers disagree: %+v vs %+v", plain, e)
		}
		for name := range ext {
			if extensionNameProblem(name) != "" {
				delete(ext, name) // a name ToCloudEventWithExtensions would refuse
			}
		}
		out, err := ToCloudEventWithExtensions(e, ext)
		if err != nil {
			t.Fatalf("cannot write back what was read: %v", err)
		}
		e2, ext2, err := FromCloudEventWithExtensions(out)
		if err != nil {
			t.Fatalf("cannot read back what was written: %v\n%s", err, out)
		}
		if !eventsEqual(e, e2) || len(ext) != len(ext2) {
			t.Fatalf("round trip changed the event or extensions: %v %v", ext, ext2)
		}
		for k, v := range ext {
			if ext2[k] != v {
				t.Fatalf("extension %s: got %q, want %q", k, ext2[k], v)
			}
		}
	})
}

func eventsEqual(a, b Event) bool {
	return a.ID == b.ID && a.Type == b.Type && a.Source == b.Source && a.Timestamp.Equal(b.Timestamp) && bytes.Equal(a.Payload, b.Payload)
}
