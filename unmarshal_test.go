package events_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

const goodEvent = `{"ID":"id-1","Type":"run.completed","Source":"pulse","Timestamp":"2026-05-01T12:00:00.123456789Z","Payload":{"RunID":"r","Service":"s"}}`

// badEvents are malformed event documents, each with the field and offset
// the error must name. The same table seeds FuzzEventUnmarshalJSON.
var badEvents = []struct {
	name   string
	input  string
	field  string
	offset int64
}{
	{"empty", ``, "", 0},
	{"white space only", "  \n", "", 3},
	{"not JSON", `hello`, "", 0},
	{"array", `[1,2]`, "", 0},
	{"string", `"event"`, "", 0},
	{"truncated", goodEvent[:40], "", 40},
	{"truncated in payload", goodEvent[:len(goodEvent)-5], "Payload", int64(len(goodEvent) - 5)},
	{"trailing garbage", goodEvent + `x`, "", int64(len(goodEvent))},
	{"two objects", goodEvent + goodEvent, "", int64(len(goodEvent))},
	{"ID number", `{"ID":5}`, "ID", 6},
	{"ID object", `{"ID":{"a":1}}`, "ID", 6},
	{"Type array", `{"Type":["run"]}`, "Type", 8},
	{"Source bool", `{"Source":true}`, "Source", 10},
	{"Timestamp number", `{"Timestamp":1714564800}`, "Timestamp", 13},
	{"Timestamp not RFC 3339", `{"Timestamp":"yesterday"}`, "Timestamp", 13},
	{"Timestamp without zone", `{"Timestamp":"2026-05-01T12:00:00"}`, "Timestamp", 13},
	{"Payload number", `{"Payload":42}`, "Payload", 11},
	{"Payload array", `{"Payload":[1]}`, "Payload", 11},
	{"Payload true", `{"Payload":true}`, "Payload", 11},
	{"Payload broken base64", `{"Payload":"not*base64"}`, "Payload", 11},
	{"Payload broken object", `{"Payload":{"a":}}`, "Payload", 16},
	{"invalid UTF-8 in ID", "{\"ID\":\"a\xffb\"}", "ID", 8},
	{"invalid UTF-8 in payload", "{\"ID\":\"a\",\"Payload\":{\"x\":\"\xfe\"}}", "Payload", 26},
	{"invalid UTF-8 in unknown key's value", "{\"ID\":\"a\",\"Extra\":\"\xff\"}", "", 19},
	{"invalid UTF-8 in key", "{\"I\xffD\":\"a\"}", "", 3},
	{"base64 of invalid UTF-8", `{"Payload":"/w=="}`, "Payload", 11},
	{"base64 of an array", `{"Payload":"WzFd"}`, "Payload", 11},
	{"duplicate ID", `{"ID":"a","ID":"b"}`, "ID", 10},
	{"duplicate key other case", `{"ID":"a","id":"b"}`, "ID", 10},
	{"bad escape", `{"ID":"\q"}`, "ID", 8},
	{"control character", "{\"ID\":\"a\x01\"}", "ID", 8},
	{"missing colon", `{"ID" "a"}`, "", 6},
	{"missing comma", `{"ID":"a" "Type":"b"}`, "", 10},
	{"unquoted key", `{ID:"a"}`, "", 1},
	{"deep nesting", `{"Payload":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, "Payload", 11 + 9999},
}

func TestUnmarshalBadInput(t *testing.T) {
	t.Parallel()
	for _, tt := range badEvents {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := mustEvent(0)
			e := before
			err := e.UnmarshalJSON([]byte(tt.input))
			require.Error(t, err)
			assert.ErrorIs(t, err, events.ErrInvalidEvent)
			var se *events.SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.field, se.Field, err.Error())
			assert.Equal(t, tt.offset, se.Offset, err.Error())
			assert.NotEmpty(t, se.Detail)
			assert.Equal(t, before, e, "the receiver is unchanged on error")

			// Through encoding/json it is refused too (encoding/json
			// reports plain syntax errors itself, before calling us).
			assert.Error(t, json.Unmarshal([]byte(tt.input), &e))
		})
	}
}

func TestUnmarshalOversizedPayload(t *testing.T) {
	t.Parallel()
	big := `{"x":"` + strings.Repeat("a", events.MaxPayloadBytes) + `"}`
	for name, input := range map[string]string{
		"embedded": `{"ID":"a","Payload":` + big + `}`,
		"base64":   `{"ID":"a","Payload":"` + base64.StdEncoding.EncodeToString([]byte(big)) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			var e events.Event
			err := e.UnmarshalJSON([]byte(input))
			var se *events.SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "Payload", se.Field)
			assert.Contains(t, se.Detail, "MaxPayloadBytes")
		})
	}

	// Exactly at the limit is accepted.
	exact := `{"x":"` + strings.Repeat("a", events.MaxPayloadBytes-8) + `"}`
	require.Len(t, exact, events.MaxPayloadBytes)
	var e events.Event
	require.NoError(t, e.UnmarshalJSON([]byte(`{"Payload":`+exact+`}`)))
	assert.Len(t, e.Payload, events.MaxPayloadBytes)
}

func TestUnmarshalTolerance(t *testing.T) {
	t.Parallel()
	want := events.Event{}
	require.NoError(t, want.UnmarshalJSON([]byte(goodEvent)))

	tests := []struct{ name, input string }{
		{"unknown fields", `{"Extra":[1,{"a":null}],"ID":"id-1","Type":"run.completed","Source":"pulse","Timestamp":"2026-05-01T12:00:00.123456789Z","Payload":{"RunID":"r","Service":"s"},"Trace":"x"}`},
		{"other key order and spaces", " {\n\t\"Payload\" : {\"RunID\":\"r\",\"Service\":\"s\"} , \"Source\":\"pulse\",\"Timestamp\":\"2026-05-01T12:00:00.123456789Z\",\"Type\":\"run.completed\",\"ID\":\"id-1\"}\r\n"},
		{"keys in other case", `{"id":"id-1","type":"run.completed","SOURCE":"pulse","timestamp":"2026-05-01T12:00:00.123456789Z","payload":{"RunID":"r","Service":"s"}}`},
		{"escaped strings", `{"ID":"id\u002d1","Type":"run\u002ecompleted","Source":"\u0070ulse","Timestamp":"2026-05-01T12:00:00.123456789\u005a","Payload":{"RunID":"r","Service":"s"}}`},
		{"time with offset", `{"ID":"id-1","Type":"run.completed","Source":"pulse","Timestamp":"2026-05-01T14:00:00.123456789+02:00","Payload":{"RunID":"r","Service":"s"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got events.Event
			require.NoError(t, json.Unmarshal([]byte(tt.input), &got))
			assert.Equal(t, want.ID, got.ID)
			assert.Equal(t, want.Type, got.Type)
			assert.Equal(t, want.Source, got.Source)
			assert.Equal(t, want.Timestamp, got.Timestamp)
			assert.JSONEq(t, string(want.Payload), string(got.Payload))
		})
	}
}

func TestUnmarshalNulls(t *testing.T) {
	t.Parallel()
	var e events.Event
	require.NoError(t, json.Unmarshal([]byte(`{"ID":null,"Type":null,"Source":null,"Timestamp":null,"Payload":null}`), &e))
	assert.Equal(t, events.Event{}, e)
}

func TestUnmarshalUnknownType(t *testing.T) {
	t.Parallel()
	var e events.Event
	input := `{"ID":"a","Type":"deploy.rolled_back","Source":"deploy","Timestamp":"2026-05-01T12:00:00Z","Payload":{"New":true}}`
	require.NoError(t, json.Unmarshal([]byte(input), &e))
	require.NoError(t, e.Validate())
	_, err := events.DecodePayload(e)
	assert.ErrorIs(t, err, events.ErrUnknownType)
	_, err = events.Decode[events.RunCompletedPayload](e)
	assert.ErrorIs(t, err, events.ErrTypeMismatch)
}

func TestUnmarshalDoesNotAlias(t *testing.T) {
	t.Parallel()
	data := []byte(goodEvent)
	var e events.Event
	require.NoError(t, e.UnmarshalJSON(data))
	for i := range data {
		data[i] = 'x'
	}
	assert.Equal(t, `{"RunID":"r","Service":"s"}`, string(e.Payload))
	assert.Equal(t, "id-1", e.ID)
}
