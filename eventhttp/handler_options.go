package eventhttp

import (
	"errors"
	"fmt"
	"time"

	"github.com/algoryn/events"
)

// Defaults of a handler made by [NewHandler].
const (
	// DefaultTolerance is how far a request's webhook-timestamp may be
	// from the receiver's clock, either way.
	DefaultTolerance = 5 * time.Minute
	// DefaultMaxInFlight is how many requests a handler works on at once,
	// from reading the body to the events.Handler's answer; with
	// [MaxBodyBytes] bodies, it bounds what the handler holds to 128 MiB.
	DefaultMaxInFlight = 64
	// DefaultRetryAfter is the Retry-After of a 503 Service Unavailable
	// answer.
	DefaultRetryAfter = time.Second
)

// HandlerOption configures a handler made by [NewHandler].
type HandlerOption func(*handlerConfig)

// handlerConfig is what the options set. Secrets are kept as parsed keys
// behind pointers, and their errors never show them.
type handlerConfig struct {
	secrets      []string // as given; parsed by NewHandler, then dropped
	secretsGiven bool
	unsigned     bool
	tolerance    time.Duration
	replayMemory int // 0: no replay protection
	maxInFlight  int
	retryAfter   time.Duration
	obs          events.Observer // nil: none
}

// RequireSignature makes the handler accept only requests signed as the
// Standard Webhooks specification says, with one of secrets: each "whsec_"
// followed by 24 to 64 bytes in standard base64. Several secrets are
// accepted at once, so a secret can be rotated without downtime (see the
// package documentation). [NewHandler] returns an error matching
// [ErrInvalidSecret] if one is malformed; the error does not show it.
func RequireSignature(secrets ...string) HandlerOption {
	return func(c *handlerConfig) {
		c.secrets = append(c.secrets, secrets...)
		c.secretsGiven = true
	}
}

// AllowUnsigned makes the handler accept requests without a signature,
// from anyone who can reach it: for a listener on loopback, or behind a
// proxy that authenticates the senders. [NewHandler] requires it or
// [RequireSignature], so that an unsigned endpoint is always a choice.
func AllowUnsigned() HandlerOption {
	return func(c *handlerConfig) { c.unsigned = true }
}

// WithTolerance sets how far a signed request's webhook-timestamp may be
// from the receiver's clock, in the past or the future (default
// [DefaultTolerance]); it is also how long [WithReplayProtection]
// remembers an ID. A value ≤ 0 keeps the default; it is rounded up to
// whole seconds.
func WithTolerance(d time.Duration) HandlerOption {
	return func(c *handlerConfig) {
		if d > 0 {
			c.tolerance = (d + time.Second - 1).Truncate(time.Second)
		}
	}
}

// WithReplayProtection makes the handler remember, for the tolerance
// window, the ID of each signed request it accepted, at most maxIDs of
// them (≤ 0: [DefaultReplayMemory]). A second delivery of an ID already
// handled, a replayed request or a sender's retry after a lost answer,
// gets 204 without reaching the events.Handler again; one that arrives
// while the first is being handled gets 503 with Retry-After. An ID whose
// handling failed is forgotten, so its retry is handled. When the memory
// is full, the ID accepted first is forgotten, and from then on every
// request signed no later than it gets 503 with Retry-After, as it could
// be a replay that the memory no longer recognizes; an honest sender's
// retry is signed anew and gets through. It requires [RequireSignature].
func WithReplayProtection(maxIDs int) HandlerOption {
	return func(c *handlerConfig) {
		if maxIDs <= 0 {
			maxIDs = DefaultReplayMemory
		}
		c.replayMemory = maxIDs
	}
}

// WithMaxInFlight sets how many requests the handler works on at once
// (default [DefaultMaxInFlight]): a request beyond it gets 503 Service
// Unavailable with a Retry-After header before its body is read, and a
// [Publisher] waits that long before sending again. A value < 1 keeps the
// default.
func WithMaxInFlight(n int) HandlerOption {
	return func(c *handlerConfig) {
		if n >= 1 {
			c.maxInFlight = n
		}
	}
}

// WithRetryAfter sets the Retry-After of the handler's 503 answers
// (default [DefaultRetryAfter]), rounded up to whole seconds, as the
// header has no finer unit. A value ≤ 0 keeps the default.
func WithRetryAfter(d time.Duration) HandlerOption {
	return func(c *handlerConfig) {
		if d > 0 {
			c.retryAfter = (d + time.Second - 1).Truncate(time.Second)
		}
	}
}

// check returns the error of a configuration NewHandler cannot build.
func (c *handlerConfig) check() error {
	switch {
	case c.secretsGiven && c.unsigned:
		return errors.New("eventhttp: NewHandler: both RequireSignature and AllowUnsigned given; choose one")
	case !c.secretsGiven && !c.unsigned:
		return fmt.Errorf("eventhttp: NewHandler: %w", errNoAuthChoice)
	case c.replayMemory > 0 && !c.secretsGiven:
		return errors.New("eventhttp: NewHandler: WithReplayProtection requires RequireSignature: only a signed request has a timestamp to bound the memory")
	}
	return nil
}

var errNoAuthChoice = errors.New("neither RequireSignature nor AllowUnsigned given: say whether requests must be signed")
