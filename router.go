package events

import (
	"context"
	"slices"
	"sync"
)

// Handler consumes events. Transports (HTTP, NATS) deliver each event they
// receive to a Handler; a [Router] is one.
type Handler interface {
	// HandleEvent processes e. A non-nil error tells the transport the
	// event was not handled, so it may be retried or dead-lettered.
	HandleEvent(ctx context.Context, e Event) error
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, e Event) error

// HandleEvent calls f(ctx, e).
func (f HandlerFunc) HandleEvent(ctx context.Context, e Event) error { return f(ctx, e) }

// Publisher sends events to other tools. Transports implement it; code that
// emits events should depend on this interface, not on a transport.
//
// Publish must send e exactly as given, with its ID unchanged on every
// retry, so that receivers can deduplicate.
type Publisher interface {
	// Publish sends e, returning once the transport has accepted it or
	// failed to.
	Publish(ctx context.Context, e Event) error
}

// PublisherFunc adapts a function to a [Publisher].
type PublisherFunc func(ctx context.Context, e Event) error

// Publish calls f(ctx, e).
func (f PublisherFunc) Publish(ctx context.Context, e Event) error { return f(ctx, e) }

// Router is a [Handler] that sends each event to the function registered
// for its type with [Handle], after checking the envelope and decoding and
// validating the payload. Events of a type with no handler go to the
// fallback set with [Router.Fallback], or are refused with an error
// matching [ErrUnknownType].
//
// A Router is safe for concurrent use, including registering while
// events are handled. The zero value is an empty Router ready to use.
type Router struct {
	mu       sync.RWMutex
	routes   map[EventType]Handler
	fallback Handler
}

// NewRouter returns an empty [Router].
func NewRouter() *Router { return &Router{} }

// Handle registers fn for the events whose type is P's. The Router checks
// each such event with [Event.Validate]'s envelope rules and decodes its
// payload with [Decode] before calling fn; an event that fails either is
// refused with that error (matching [ErrInvalidEvent] or
// [ErrInvalidPayload]) and fn is not called.
//
// Like [net/http.ServeMux.Handle], it panics if r or fn is nil or a handler
// for that type is already registered: both are programming errors, found
// at start-up.
func Handle[P Payload](r *Router, fn func(ctx context.Context, e Event, p P) error) {
	t, err := payloadType[P]()
	if err != nil {
		panic(err)
	}
	if r == nil || fn == nil {
		panic("events: Handle: nil Router or handler function for " + string(t))
	}
	r.register(t, HandlerFunc(func(ctx context.Context, e Event) error {
		p, err := Decode[P](e)
		if err != nil {
			return err
		}
		return fn(ctx, e, p)
	}))
}

func (r *Router) register(t EventType, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.routes[t]; dup {
		panic("events: Handle: a handler for " + string(t) + " is already registered")
	}
	if r.routes == nil {
		r.routes = make(map[EventType]Handler)
	}
	r.routes[t] = h
}

// Fallback sets the handler for events whose type has no handler, such as
// types added by a newer producer. It receives events that passed
// [Event.Validate]. Without a fallback such events are refused with an
// error matching [ErrUnknownType]. A nil h removes the fallback.
func (r *Router) Fallback(h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fallback = h
}

// Types lists the event types that have a handler registered with
// [Handle], sorted, so that a transport can subscribe to exactly those
// (eventnats does when its consumer is given no types). It is empty for a
// Router with no handlers. A Router with a [Router.Fallback] accepts every
// other type too: see [Router.HasFallback].
func (r *Router) Types() []EventType {
	r.mu.RLock()
	defer r.mu.RUnlock()
	types := make([]EventType, 0, len(r.routes))
	for t := range r.routes {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// HasFallback reports whether a fallback handler is set, in which case the
// Router accepts events of every type, not only those in [Router.Types].
func (r *Router) HasFallback() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.fallback != nil
}

// HandleEvent checks e and passes it to the handler for its type, the
// fallback, or neither (returning an error matching [ErrUnknownType]). It
// returns the handler's error unchanged.
func (r *Router) HandleEvent(ctx context.Context, e Event) error {
	r.mu.RLock()
	h, ok := r.routes[e.Type]
	fallback := r.fallback
	r.mu.RUnlock()
	if ok {
		var fe fieldErrors
		e.validateEnvelope(&fe)
		if err := fe.err(e.Type, true); err != nil {
			return err
		}
		return h.HandleEvent(ctx, e)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if fallback == nil {
		return &unknownTypeError{detail: "no handler for " + quote(string(e.Type))}
	}
	return fallback.HandleEvent(ctx, e)
}
