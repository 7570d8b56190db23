// Package eventotel follows Algoryn events across the tools with
// OpenTelemetry: trace context that travels with each event, spans and
// metrics named by the OpenTelemetry messaging and CloudEvents semantic
// conventions, and log records that carry the trace.
//
// It depends on the OpenTelemetry API only; the application chooses the
// SDK and exporters and passes their providers in [Config] (or sets the
// global ones). One [Observer] plugs into every transport through the
// hooks of the events package ([events.Observer]):
//
//	obs, err := eventotel.New(eventotel.Config{TracerProvider: tp, MeterProvider: mp})
//	pub, err := eventhttp.NewPublisher(url, eventhttp.WithObserver(obs))
//	srv, err := eventhttp.NewHandler(router, eventhttp.AllowUnsigned(), eventhttp.WithHandlerObserver(obs))
//	pub, err := eventnats.NewPublisher(js, eventnats.PublisherConfig{Observer: obs})
//	c, err := eventnats.NewConsumer(ctx, js, eventnats.ConsumerConfig{Durable: "beacon", Observer: obs})
//
// No handler changes: a handler runs in a context that carries the
// process span, so the events it publishes with that context continue
// the trace.
//
// # Trace context
//
// Each publish injects the W3C trace context of its span ("traceparent",
// "tracestate") into the message: over HTTP in binary mode as HTTP
// headers, in structured mode as the CloudEvents distributed-tracing
// extension attributes; over NATS as message headers, which a dead
// letter keeps and a replay sends back. The consumer extracts it.
//
// # Spans
//
// A publish is a PRODUCER span named "send <destination>" (the NATS
// subject or the URL path); a handled event is a CONSUMER span named
// "process <destination>", with a link to the producer's span, as the
// messaging conventions require. By default the process span starts from
// the consumer's own context (a new trace when it has none); with
// [Config].ParentFromProducer it is also a child of the producer's span,
// so that one causal chain is one trace. Both carry messaging.system,
// messaging.operation.name and .type, messaging.destination.name,
// messaging.consumer.group.name (the durable), messaging.message.id and
// the cloudevents.event_* attributes; a failure sets the span's status
// and error.type. Retries, naks, dead letters and replays are span
// events named "retry", "nak", "dead_letter" and "replay".
//
// # Metrics
//
// See [Observer] for the instruments: counters of events published,
// received, handled, failed, retried, dead-lettered and replayed, by event
// type and consumer group; histograms of publish and handler duration;
// the consumers' pending messages as an observable gauge.
//
// # Logs
//
// [NewLogHandler] wraps a slog.Handler so that every record logged with
// a context holding a span gets its trace_id and span_id; the transports
// log with the handler's context, and [events.Event] logs as its
// envelope.
package eventotel
