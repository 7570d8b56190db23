package eventnats

import (
	"fmt"
	"strings"
	"time"

	"github.com/algoryn/events"
	"github.com/nats-io/nats.go"
)

// Header names of the CloudEvents NATS protocol binding (binary content
// mode, CloudEvents 1.0): the event's attributes travel as "ce-" headers
// and the message body is the event's payload JSON.
const (
	HeaderSpecVersion = "ce-specversion" // HeaderSpecVersion carries [SpecVersion].
	HeaderID          = "ce-id"          // HeaderID carries Event.ID.
	HeaderSource      = "ce-source"      // HeaderSource carries Event.Source.
	HeaderType        = "ce-type"        // HeaderType carries [TypePrefix] + Event.Type.
	HeaderTime        = "ce-time"        // HeaderTime carries Event.Timestamp, RFC 3339 with nanoseconds, UTC.
	HeaderSubject     = "ce-subject"     // HeaderSubject carries the payload's Subject(), the service the event is about.
	HeaderContentType = "content-type"   // HeaderContentType carries [ContentType].

	// HeaderMsgID is the JetStream deduplication header; it carries Event.ID.
	HeaderMsgID = nats.MsgIdHdr
)

// Values written in the CloudEvents headers.
const (
	// SpecVersion is the CloudEvents version written in ce-specversion.
	SpecVersion = events.CloudEventsSpecVersion
	// TypePrefix is prepended to Event.Type to make ce-type, e.g.
	// "io.algoryn.run.completed" (reverse-DNS, as CloudEvents recommends).
	TypePrefix = events.CloudEventsTypePrefix
	// ContentType is the media type of the message body.
	ContentType = events.CloudEventsContentType
)

// NewMsg returns the NATS message for e under prefix: subject
// prefix + "." + e.Type, the CloudEvents binary-mode headers, the
// Nats-Msg-Id header set to e.ID for server-side deduplication, and the
// payload JSON as body. It does not validate e; [Publisher.Publish] does.
//
// ce-subject is [events.Event.Subject], and is left out when that is "":
// for types this version of the events package does not know, and for
// invalid events.
func NewMsg(prefix string, e events.Event) (*nats.Msg, error) {
	return newMsg(prefix, e, e.Subject())
}

// newMsg builds the message; ceSubject "" leaves out ce-subject.
func newMsg(prefix string, e events.Event, ceSubject string) (*nats.Msg, error) {
	subj, err := Subject(prefix, e.Type)
	if err != nil {
		return nil, err
	}
	// One backing array for the eight values: fewer allocations per
	// message. Each value slice is capped so an Add cannot spill over.
	v := [8]string{SpecVersion, e.ID, e.Source, TypePrefix + string(e.Type),
		e.Timestamp.UTC().Format(time.RFC3339Nano), ContentType, e.ID, ceSubject}
	vals := v[:]
	h := make(nats.Header, 8)
	h[HeaderSpecVersion] = vals[0:1:1]
	h[HeaderID] = vals[1:2:2]
	h[HeaderSource] = vals[2:3:3]
	h[HeaderType] = vals[3:4:4]
	h[HeaderTime] = vals[4:5:5]
	h[HeaderContentType] = vals[5:6:6]
	h[HeaderMsgID] = vals[6:7:7]
	if ceSubject != "" {
		h[HeaderSubject] = vals[7:8:8]
	}
	return &nats.Msg{Subject: subj, Header: h, Data: e.Payload}, nil
}

// EventFromMsg reads the event carried by a message published with
// [NewMsg] under prefix. It checks the CloudEvents headers (content-type,
// if present, must be JSON as [events.IsJSONContentType] says:
// application/json as NewMsg writes it, text/json or a "+json" type, in
// any case, with parameters, but a charset, if any, must be utf-8) and
// that the subject matches the type, but does not validate the payload;
// call [events.Event.Validate] for that. Errors match
// [ErrMalformedMessage].
func EventFromMsg(prefix string, m *nats.Msg) (events.Event, error) {
	return eventFrom(prefix, m.Subject, m.Header, m.Data)
}

// eventFrom is EventFromMsg on the parts of a message.
func eventFrom(prefix, subject string, hdr nats.Header, data []byte) (events.Event, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return eventFromType(typeFromSubject(prefix, subject), subject, hdr, data)
}

// eventFromType reads the event of a message on subject whose subject
// carries the event type subjectType ("" when it carries none).
func eventFromType(subjectType, subject string, hdr nats.Header, data []byte) (events.Event, error) {
	spec := hdr.Get(HeaderSpecVersion)
	id := hdr.Get(HeaderID)
	source := hdr.Get(HeaderSource)
	ceType := hdr.Get(HeaderType)
	ceTime := hdr.Get(HeaderTime)
	if spec == "" || id == "" || source == "" || ceType == "" || ceTime == "" {
		var missing []string
		for _, k := range []string{HeaderSpecVersion, HeaderID, HeaderSource, HeaderType, HeaderTime} {
			if hdr.Get(k) == "" {
				missing = append(missing, k)
			}
		}
		return events.Event{}, fmt.Errorf("%w: missing header %s", ErrMalformedMessage, strings.Join(missing, ", "))
	}
	if spec != SpecVersion {
		return events.Event{}, fmt.Errorf("%w: %s is %q, want %q", ErrMalformedMessage, HeaderSpecVersion, spec, SpecVersion)
	}
	if ct := hdr.Get(HeaderContentType); ct != "" && !events.IsJSONContentType(ct) {
		return events.Event{}, fmt.Errorf("%w: %s is %q, want JSON such as %q (with a charset, if any, of utf-8)", ErrMalformedMessage, HeaderContentType, ct, ContentType)
	}
	t, ok := strings.CutPrefix(ceType, TypePrefix)
	if !ok {
		return events.Event{}, fmt.Errorf("%w: %s %q does not start with %q", ErrMalformedMessage, HeaderType, ceType, TypePrefix)
	}
	if subjectType != t {
		return events.Event{}, fmt.Errorf("%w: subject %q does not match %s %q", ErrMalformedMessage, subject, HeaderType, ceType)
	}
	ts, err := time.Parse(time.RFC3339Nano, ceTime)
	if err != nil {
		return events.Event{}, fmt.Errorf("%w: %s: %w", ErrMalformedMessage, HeaderTime, err)
	}
	return events.Event{ID: id, Type: events.EventType(t), Source: source, Timestamp: ts.UTC(), Payload: data}, nil
}
