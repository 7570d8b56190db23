package events_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/algoryn/events"
)

// validatable is what every payload of the package implements.
type validatable interface {
	events.Payload
	Validate() error
}

// payloadCases are invalid payloads, one or more mistakes each, with the
// field errors Validate must report, in order. The same table seeds the
// fuzz targets.
var payloadCases = []struct {
	name    string
	payload validatable
	fields  []string
}{
	{"run: empty", events.RunCompletedPayload{}, []string{"RunID/required", "Service/required"}},
	{"run: negative duration", withRun(func(p *events.RunCompletedPayload) { p.Duration = -time.Second }), []string{"Duration/out of range"}},
	{"run: negative counts", withRun(func(p *events.RunCompletedPayload) { p.Summary.Total, p.Summary.Failed = -1, -2 }), []string{"Summary.Total/out of range", "Summary.Failed/out of range"}},
	{"run: failed over total", withRun(func(p *events.RunCompletedPayload) { p.Summary.Failed = p.Summary.Total + 1 }), []string{"Summary.Failed/out of range"}},
	{"run: error rate 1.7", withRun(func(p *events.RunCompletedPayload) { p.Summary.ErrorRate = 1.7 }), []string{"Summary.ErrorRate/out of range"}},
	{"run: error rate negative", withRun(func(p *events.RunCompletedPayload) { p.Summary.ErrorRate = -0.1 }), []string{"Summary.ErrorRate/out of range"}},
	{"run: NaN and Inf", withRun(func(p *events.RunCompletedPayload) {
		p.Summary.RPS, p.Summary.ErrorRate, p.Summary.P99Ms = math.NaN(), math.Inf(1), math.Inf(-1)
	}), []string{"Summary.RPS/out of range", "Summary.ErrorRate/out of range", "Summary.P99Ms/out of range"}},
	{"run: negative rps and p99", withRun(func(p *events.RunCompletedPayload) { p.Summary.RPS, p.Summary.P99Ms = -1, -2 }), []string{"Summary.RPS/out of range", "Summary.P99Ms/out of range"}},
	{"run: invalid UTF-8", withRun(func(p *events.RunCompletedPayload) { p.Service = "che\xffckout" }), []string{"Service/invalid"}},
	{"registered: empty", events.ServiceRegisteredPayload{}, []string{"Name/required", "Address/required"}},
	{"registered: no port", events.ServiceRegisteredPayload{Name: "a", Address: "10.0.0.7"}, []string{"Address/invalid"}},
	{"registered: port 0", events.ServiceRegisteredPayload{Name: "a", Address: "10.0.0.7:0"}, []string{"Address/invalid"}},
	{"registered: port 65536", events.ServiceRegisteredPayload{Name: "a", Address: "10.0.0.7:65536"}, []string{"Address/invalid"}},
	{"registered: named port", events.ServiceRegisteredPayload{Name: "a", Address: "host:http"}, []string{"Address/invalid"}},
	{"registered: no host", events.ServiceRegisteredPayload{Name: "a", Address: ":8080"}, []string{"Address/invalid"}},
	{"registered: empty tag key", events.ServiceRegisteredPayload{Name: "a", Address: "h:1", Tags: map[string]string{"": "x", "ok": "\xff"}}, []string{"Tags/invalid", "Tags[ok]/invalid"}},
	{"deregistered: empty", events.ServiceDeregisteredPayload{}, []string{"Name/required", "Address/required"}},
	{"deregistered: bad address", events.ServiceDeregisteredPayload{Name: "a", Address: "[::1]:99999"}, []string{"Address/invalid"}},
	{"violated: empty", events.ThresholdViolatedPayload{}, []string{"Service/required", "Description/required"}},
	{"violated: NaN", events.ThresholdViolatedPayload{Service: "s", Description: "d", Actual: math.NaN(), Limit: math.Inf(-1)}, []string{"Actual/out of range", "Limit/out of range"}},
	{"alert: empty", events.AlertFiredPayload{}, []string{"AlertID/required", "RuleID/required", "Severity/required", "Service/required", "FiredAt/required"}},
	{"alert: unknown severity", withAlert(func(p *events.AlertFiredPayload) { p.Severity = "fatal" }), []string{"Severity/not supported"}},
	{"alert: year 10000", withAlert(func(p *events.AlertFiredPayload) { p.FiredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), []string{"FiredAt/out of range"}},
	{"alert: empty label key", withAlert(func(p *events.AlertFiredPayload) { p.Labels = map[string]string{"": "x"} }), []string{"Labels/invalid"}},
}

func withRun(f func(*events.RunCompletedPayload)) events.RunCompletedPayload {
	p := runCompleted
	f(&p)
	return p
}

func withAlert(f func(*events.AlertFiredPayload)) events.AlertFiredPayload {
	p := alertFired
	p.Labels = nil
	f(&p)
	return p
}

func TestPayloadValidate(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures {
		require.NoError(t, f.payload.(validatable).Validate(), f.name)
	}
	for _, tt := range payloadCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.payload.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, events.ErrInvalidPayload)
			assert.NotErrorIs(t, err, events.ErrInvalidEvent)
			assert.Equal(t, tt.fields, fieldsOf(t, err))
			var ve *events.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.payload.EventType(), ve.Type)
			for _, f := range ve.Fields {
				assert.NotEmpty(t, f.Detail, f.Field)
			}

			// Stable: the same input gives the same error, every time.
			assert.Equal(t, err.Error(), tt.payload.Validate().Error())
		})
	}
}

func TestPayloadValidateBoundaries(t *testing.T) {
	t.Parallel()
	ok := []validatable{
		withRun(func(p *events.RunCompletedPayload) { p.Summary = events.RunSummary{} }),
		withRun(func(p *events.RunCompletedPayload) { p.Summary.ErrorRate = 1; p.Summary.Failed = p.Summary.Total }),
		withRun(func(p *events.RunCompletedPayload) { p.Duration = 0 }),
		events.ServiceRegisteredPayload{Name: "a", Address: "[::1]:65535"},
		events.ServiceRegisteredPayload{Name: "a", Address: "backend.internal:1"},
		events.ThresholdViolatedPayload{Service: "s", Description: "d", Actual: -5, Limit: -10},
		withAlert(func(p *events.AlertFiredPayload) { p.Severity = events.SeverityInfo }),
		withAlert(func(p *events.AlertFiredPayload) { p.Severity = events.SeverityWarning }),
	}
	for _, p := range ok {
		assert.NoError(t, p.Validate(), "%+v", p)
	}
}

func TestFieldErrorMessage(t *testing.T) {
	t.Parallel()
	err := withRun(func(p *events.RunCompletedPayload) { p.Summary.ErrorRate = 1.7 }).Validate()
	var fe *events.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Summary.ErrorRate", fe.Field)
	assert.Equal(t, events.FieldErrorOutOfRange, fe.Kind)
	assert.Equal(t, 1.7, fe.BadValue)
	// The one place a message is pinned: the issue's own example.
	assert.Equal(t, "Summary.ErrorRate: must be within [0,1], got 1.7", fe.Error())
}

func TestEventValidate(t *testing.T) {
	t.Parallel()
	valid := mustEvent(0)
	tests := []struct {
		name      string
		edit      func(*events.Event)
		fields    []string
		isPayload bool
	}{
		{"zero event", func(e *events.Event) { *e = events.Event{} }, []string{"ID/required", "Type/required", "Source/required", "Timestamp/required", "Payload/required"}, true},
		{"type with space", func(e *events.Event) { e.Type = "run completed" }, []string{"Type/invalid"}, false},
		{"type with wildcard", func(e *events.Event) { e.Type = "run.*" }, []string{"Type/invalid"}, false},
		{"type with >", func(e *events.Event) { e.Type = "run.>" }, []string{"Type/invalid"}, false},
		{"type upper case", func(e *events.Event) { e.Type = "Run.Completed" }, []string{"Type/invalid"}, false},
		{"type empty word", func(e *events.Event) { e.Type = "run..completed" }, []string{"Type/invalid"}, false},
		{"type trailing dot", func(e *events.Event) { e.Type = "run." }, []string{"Type/invalid"}, false},
		{"type leading dot", func(e *events.Event) { e.Type = ".run" }, []string{"Type/invalid"}, false},
		{"ID with line break", func(e *events.Event) { e.ID = "dup\n" }, []string{"ID/invalid"}, false},
		{"ID with spaces around", func(e *events.Event) { e.ID = " dup " }, []string{"ID/invalid"}, false},
		{"ID with C1 control", func(e *events.Event) { e.ID = "a\u0085b" }, []string{"ID/invalid"}, false},
		{"source with a tab", func(e *events.Event) { e.Source = "pul\tse" }, []string{"Source/invalid"}, false},
		{"source not a URI-reference", func(e *events.Event) { e.Source = "100% done" }, []string{"Source/invalid"}, false},
		{"source with bad host", func(e *events.Event) { e.Source = "http://[bad" }, []string{"Source/invalid"}, false},
		{"source with backslash", func(e *events.Event) { e.Source = `pulse\x` }, []string{"Source/invalid"}, false},
		{"payload array", func(e *events.Event) { e.Payload = []byte(`[1]`) }, []string{"Payload/invalid"}, true},
		{"payload not JSON", func(e *events.Event) { e.Payload = []byte(`{"a":`) }, []string{"Payload/invalid"}, true},
		{"payload invalid UTF-8", func(e *events.Event) { e.Payload = []byte("{\"a\":\"\xff\"}") }, []string{"Payload/invalid"}, true},
		{"payload too large", func(e *events.Event) { e.Payload = make([]byte, events.MaxPayloadBytes+1) }, []string{"Payload/too large"}, true},
		{"payload fields", func(e *events.Event) { e.Payload = []byte(`{"RunID":"r","Summary":{"ErrorRate":2}}`) }, []string{"Payload.Service/required", "Payload.Summary.ErrorRate/out of range"}, true},
		{"envelope and payload at once", func(e *events.Event) { e.ID, e.Payload = "", []byte(`{"RunID":"r"}`) }, []string{"ID/required", "Payload.Service/required"}, true},
		{"payload wrong JSON type", func(e *events.Event) { e.Payload = []byte(`{"RunID":5}`) }, []string{"Payload.RunID/invalid"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := valid
			tt.edit(&e)
			err := e.Validate()
			require.Error(t, err)
			assert.Equal(t, tt.fields, fieldsOf(t, err))
			assert.Equal(t, tt.isPayload, errors.Is(err, events.ErrInvalidPayload))
		})
	}
}

func TestEventValidateAcceptsIdentifiers(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"pulse", "my-tool", "https://pulse.internal/runs", "urn:algoryn:pulse", "/pulse/eu-1", "P%C3%BClse"} {
		e := mustEvent(0)
		e.Source = src
		e.ID = "id with inner spaces"
		assert.NoError(t, e.Validate(), src)
	}
}

// sourceCases are Sources accepted and refused as URI-references (RFC 3986);
// the schema test checks its pattern against the same table.
var sourceCases = []struct {
	source string
	ok     bool
}{
	{"pulse", true},
	{"my-tool", true},
	{"my_tool.v2~1", true},
	{"https://pulse.internal:8443/runs?id=42#summary", true},
	{"urn:algoryn:pulse", true},
	{"/pulse/eu-1", true},
	{"./pulse:1", true},
	{"//relay.internal", true},
	{"http://[::1]:8080/x", true},
	{"http://[2001:db8::7]/", true},
	{"http://[v7.fe80::a+en1]/", true},
	{"mailto:oncall@algoryn.dev", true},
	{"P%C3%BClse", true},
	{"?q", true},
	{"#frag", true},
	{"a@b", true},
	{"my tool", false},     // a space
	{`pulse\x`, false},     // a backslash
	{"Pülse", false},       // not ASCII: percent-encode it
	{"100% done", false},   // '%' not starting an escape, a space
	{"100%zz", false},      // '%' not followed by two hex digits
	{`a"b`, false},         // a quote
	{"<pulse>", false},     // angle brackets
	{"a{b}", false},        // braces
	{"a|b", false},         // a bar
	{"a^b", false},         // a caret
	{"a`b", false},         // a backquote
	{"http://[bad", false}, // unclosed IP literal
	{"http://[::1:8080]x", false},
	{"http://[1:2:3:4:5:6:7:8:9]/", false},
	{"a[1]", false},            // brackets outside a host
	{"1pulse:x", false},        // a scheme starts with a letter, and a relative path's first segment has no ':'
	{":pulse", false},          // empty scheme
	{"a#b#c", false},           // two fragments
	{"http://a:b@c:d/", false}, // a port is digits
}

func TestEventValidateSourceURIReference(t *testing.T) {
	t.Parallel()
	for _, tt := range sourceCases {
		e := mustEvent(0)
		e.Source = tt.source
		err := e.Validate()
		if tt.ok {
			assert.NoError(t, err, "%q", tt.source)
			continue
		}
		if assert.Error(t, err, "%q", tt.source) {
			assert.Equal(t, []string{"Source/invalid"}, fieldsOf(t, err), "%q", tt.source)
		}
	}
}

func TestEventValidateUnknownType(t *testing.T) {
	t.Parallel()
	e := mustEvent(0)
	e.Type = "deploy.rolled_back.v2"
	e.Payload = []byte(`{"Anything":["goes",1,null]}`)
	require.NoError(t, e.Validate())
}

func TestValidationErrorMatching(t *testing.T) {
	t.Parallel()
	e := events.Event{Type: events.EventTypeRunCompleted, Payload: []byte(`{"RunID":"r","Service":"s"}`)}
	err := e.Validate()
	assert.ErrorIs(t, err, events.ErrInvalidEvent)
	assert.NotErrorIs(t, err, events.ErrInvalidPayload)
	assert.NotErrorIs(t, err, events.ErrUnknownType)
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "events: invalid event (run.completed): "), msg)
	for _, field := range []string{"ID", "Source", "Timestamp"} {
		assert.Contains(t, msg, field+": required")
	}
}
