package events

import "log/slog"

// LogValue makes an Event log as its envelope, so that
// slog.Info("sent", "event", e) writes the ID, type, source, time and,
// when the payload has one, the subject (the service the event is about),
// and never the payload, which may be large or hold what logs should not
// keep:
//
//	event.id=0190… event.type=threshold.violated event.source=pulse event.time=2026-05-01T12:00:00Z event.subject=checkout
func (e Event) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs,
		slog.String("id", e.ID),
		slog.String("type", string(e.Type)),
		slog.String("source", e.Source),
		slog.Time("time", e.Timestamp),
	)
	if s := e.Subject(); s != "" {
		attrs = append(attrs, slog.String("subject", s))
	}
	return slog.GroupValue(attrs...)
}

var _ slog.LogValuer = Event{}
