package events_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/algoryn/events"
)

// FuzzEventUnmarshalJSON feeds arbitrary bytes to Event.UnmarshalJSON,
// seeded from the golden files' events and the bad-input table. It must
// never panic; it must refuse what encoding/json calls invalid; and an
// event it accepts that passes Validate must survive a marshal round trip.
func FuzzEventUnmarshalJSON(f *testing.F) {
	for i := range fixtures {
		data, err := json.Marshal(mustEvent(i))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(goodEvent))
	for _, tt := range badEvents {
		if len(tt.input) < 4096 {
			f.Add([]byte(tt.input))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e events.Event
		err := e.UnmarshalJSON(data)
		if err != nil {
			if !errors.Is(err, events.ErrInvalidEvent) {
				t.Fatalf("error does not match ErrInvalidEvent: %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if e.Validate() != nil {
			return
		}
		out, err := e.MarshalJSON()
		if err != nil {
			t.Fatalf("valid event %+v does not marshal: %v", e, err)
		}
		var back events.Event
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("own output %q does not read back: %v", out, err)
		}
		if back.ID != e.ID || back.Type != e.Type || back.Source != e.Source || !back.Timestamp.Equal(e.Timestamp) || string(back.Payload) != string(e.Payload) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", e, back)
		}
	})
}

// FuzzDecodePayload feeds arbitrary payload bytes under each known type,
// seeded from the fixtures and the invalid-payload table. It must never
// panic, every error must match ErrInvalidPayload, and a payload it
// accepts must be valid and survive New and Decode unchanged.
func FuzzDecodePayload(f *testing.F) {
	for i := range fixtures {
		f.Add(uint8(i), mustEvent(i).Payload)
	}
	for _, tt := range payloadCases {
		data, err := json.Marshal(tt.payload)
		if err != nil {
			continue // NaN and friends cannot be written; other seeds cover them
		}
		for i, typ := range events.Types() {
			if typ == tt.payload.EventType() {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Add(uint8(0), []byte(`{"RunID":1,"Summary":{"Total":"x"}}`))
	f.Add(uint8(4), []byte(`{"FiredAt":"noon","Labels":[]}`))
	types := events.Types()
	f.Fuzz(func(t *testing.T, typ uint8, payload []byte) {
		e := mustEvent(0)
		e.Type, e.Payload = types[int(typ)%len(types)], payload
		p, err := events.DecodePayload(e)
		if err != nil {
			if !errors.Is(err, events.ErrInvalidPayload) {
				t.Fatalf("error does not match ErrInvalidPayload: %v", err)
			}
			return
		}
		if err := p.(interface{ Validate() error }).Validate(); err != nil {
			t.Fatalf("DecodePayload returned an invalid payload: %v", err)
		}
		again, err := newAny(events.SourcePulse, p, events.WithID("x"), events.WithTimestamp(fixedTime))
		if err != nil {
			t.Fatalf("decoded payload %+v cannot be re-sent: %v", p, err)
		}
		back, err := events.DecodePayload(again)
		if err != nil {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		if !equalPayload(p, back) {
			t.Fatalf("round trip changed the payload:\n%+v\n%+v", p, back)
		}
	})
}

// equalPayload compares payloads, times by instant.
func equalPayload(a, b events.Payload) bool {
	if x, ok := a.(events.AlertFiredPayload); ok {
		y := b.(events.AlertFiredPayload)
		if !x.FiredAt.Equal(y.FiredAt) {
			return false
		}
		x.FiredAt = y.FiredAt
		a, b = x, y
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
