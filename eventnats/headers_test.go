package eventnats

import (
	"testing"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewMsgEventFromMsg(t *testing.T) {
	for _, e := range sampleEvents(t) {
		m, err := NewMsg("", e)
		require.NoError(t, err)
		got, err := EventFromMsg("", m)
		require.NoError(t, err)
		assert.Equal(t, e.ID, got.ID)
		assert.Equal(t, e.Type, got.Type)
		assert.Equal(t, e.Source, got.Source)
		assert.True(t, e.Timestamp.Equal(got.Timestamp))
		assert.Equal(t, e.Payload, got.Payload)
		require.NoError(t, got.Validate())
	}
}

// TestNewMsgUnknownType: a well-formed type this version does not know
// travels without ce-subject.
func TestNewMsgUnknownType(t *testing.T) {
	e := events.Event{ID: "x", Type: "deploy.started", Source: "deploy", Timestamp: t0, Payload: []byte(`{"Name":"checkout"}`)}
	m, err := NewMsg("", e)
	require.NoError(t, err)
	assert.Equal(t, "algoryn.events.deploy.started", m.Subject)
	assert.Equal(t, "io.algoryn.deploy.started", m.Header.Get(HeaderType))
	_, has := m.Header[HeaderSubject]
	assert.False(t, has)
	got, err := EventFromMsg("", m)
	require.NoError(t, err)
	assert.Equal(t, e.Type, got.Type)
}

func TestEventFromMsgMalformed(t *testing.T) {
	good, err := NewMsg("", sampleEvents(t)[0])
	require.NoError(t, err)
	for name, mutate := range map[string]func(*nats.Msg){
		"no headers":      func(m *nats.Msg) { m.Header = nil },
		"no id":           func(m *nats.Msg) { delete(m.Header, HeaderID) },
		"spec 0.3":        func(m *nats.Msg) { m.Header.Set(HeaderSpecVersion, "0.3") },
		"xml":             func(m *nats.Msg) { m.Header.Set(HeaderContentType, "application/xml") },
		"foreign type":    func(m *nats.Msg) { m.Header.Set(HeaderType, "com.example.run.completed") },
		"subject != type": func(m *nats.Msg) { m.Subject = "algoryn.events.alert.fired" },
		"other prefix":    func(m *nats.Msg) { m.Subject = "other.run.completed" },
		"bad time":        func(m *nats.Msg) { m.Header.Set(HeaderTime, "2026-05-01 12:00") },
	} {
		m := &nats.Msg{Subject: good.Subject, Header: nats.Header{}, Data: good.Data}
		for k, v := range good.Header {
			m.Header[k] = v
		}
		mutate(m)
		_, err := EventFromMsg("", m)
		assert.ErrorIs(t, err, ErrMalformedMessage, name)
	}
}

// TestEventFromMsgContentType: a content-type header is accepted exactly
// when events.IsJSONContentType, the one content-type rule of the module,
// accepts it: JSON in any case, with parameters, and also text/json and
// "+json" types; never with a charset other than UTF-8. An absent or
// empty header, the attribute being optional, is accepted.
func TestEventFromMsgContentType(t *testing.T) {
	good, err := NewMsg("", sampleEvents(t)[0])
	require.NoError(t, err)
	for ct, want := range map[string]bool{
		"application/json":                 true,
		"Application/JSON; charset=UTF-8":  true,
		"application/json; charset=utf-8":  true,
		"application/json ":                true,
		"text/json":                        true,
		"application/vnd.x+json":           true,
		"application/json; charset=latin1": false,
		"application/jsonx":                false,
		"application/json; charset":        false,
		"text/plain":                       false,
		"application/xml":                  false,
		"+json":                            false,
	} {
		require.Equal(t, want, events.IsJSONContentType(ct), "the table follows events.IsJSONContentType: %q", ct)
		m := &nats.Msg{Subject: good.Subject, Header: nats.Header{}, Data: good.Data}
		for k, v := range good.Header {
			m.Header[k] = v
		}
		m.Header.Set(HeaderContentType, ct)
		_, err := EventFromMsg("", m)
		if want {
			assert.NoError(t, err, ct)
		} else {
			assert.ErrorIs(t, err, ErrMalformedMessage, ct)
		}
	}
	for _, absent := range []func(nats.Header){
		func(h nats.Header) { h.Del(HeaderContentType) },
		func(h nats.Header) { h.Set(HeaderContentType, "") },
	} {
		m := &nats.Msg{Subject: good.Subject, Header: nats.Header{}, Data: good.Data}
		for k, v := range good.Header {
			m.Header[k] = v
		}
		absent(m.Header)
		_, err := EventFromMsg("", m)
		assert.NoError(t, err, "no content-type")
	}
}

// TestNewMsgSubject: ce-subject is events.Event.Subject, so it is left
// out of the message of an invalid event, which NewMsg does not refuse.
func TestNewMsgSubject(t *testing.T) {
	for _, e := range sampleEvents(t) {
		require.NotEmpty(t, e.Subject())
		m, err := NewMsg("", e)
		require.NoError(t, err)
		assert.Equal(t, e.Subject(), m.Header.Get(HeaderSubject), e.Type)

		e.Source = "" // valid payload, invalid envelope
		require.Error(t, e.Validate())
		m, err = NewMsg("", e)
		require.NoError(t, err)
		_, has := m.Header[HeaderSubject]
		assert.False(t, has, "ce-subject of an invalid event")
	}
}
