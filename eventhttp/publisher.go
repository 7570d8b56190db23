package eventhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/algoryn/events"
)

// Defaults of a [Publisher].
const (
	// DefaultTimeout bounds each attempt, from sending the request to
	// reading the response.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxAttempts is how many times an event is sent at most,
	// including the first.
	DefaultMaxAttempts = 5
	// DefaultBaseBackoff is the wait before the first retry, doubled for
	// each further one.
	DefaultBaseBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff caps the exponential backoff.
	DefaultMaxBackoff = 10 * time.Second
	// DefaultMaxRetryAfter is the longest Retry-After wait honoured; a
	// server asking for more makes Publish give up at once.
	DefaultMaxRetryAfter = time.Minute
)

// Publisher is an [events.Publisher] that POSTs each event to one URL as a
// CloudEvent. It is safe for concurrent use.
//
// Each attempt has its own timeout. Transient failures, which the table
// in the package documentation marks as retried (network errors,
// timed-out attempts, 429 and most 5xx), are retried up to a maximum
// number of attempts, after an exponential backoff with jitter (half the
// backoff plus a random part of the other half); a Retry-After header
// (seconds or an HTTP date) on a 429 or 5xx response, such as the 503 of
// a busy [NewHandler], makes the wait what it asks plus a random part of
// half the backoff, so that publishers sent away together do not come
// back together, up to a limit (see [WithMaxRetryAfter]); asked to wait
// longer, or past the context's deadline, Publish gives up at once with
// the response's [*StatusError]. Any other status, such as a refusal of
// the event, ends Publish at the first answer. Every attempt carries the
// same event, with the same ID, so receivers can deduplicate. Publish
// stops as soon as its context is done.
type Publisher struct {
	url         string
	client      *http.Client
	mode        Mode
	timeout     time.Duration
	maxAttempts int
	baseBackoff time.Duration
	maxBackoff  time.Duration
	maxWait     time.Duration // longest Retry-After honoured
	keys        []*signingKey // sign with each; behind pointers, so printing shows no key
	obs         events.Observer
	path        string // of url: the destination an Observer is told
	optErr      error  // of an option, returned by NewPublisher

	// sleep waits for d or until ctx is done; tests replace it.
	sleep func(ctx context.Context, d time.Duration) error
	// now is the clock of the signatures' timestamps; tests replace it.
	now func() time.Time
}

// Option configures a [Publisher].
type Option func(*Publisher)

// WithTimeout sets the timeout of each attempt (default
// [DefaultTimeout]). A value ≤ 0 keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(p *Publisher) {
		if d > 0 {
			p.timeout = d
		}
	}
}

// WithMaxAttempts sets how many times an event is sent at most, including
// the first attempt (default [DefaultMaxAttempts]); 1 disables retries. A
// value < 1 keeps the default.
func WithMaxAttempts(n int) Option {
	return func(p *Publisher) {
		if n >= 1 {
			p.maxAttempts = n
		}
	}
}

// WithBackoff sets the wait before the first retry and the cap of the
// exponential backoff (defaults [DefaultBaseBackoff] and
// [DefaultMaxBackoff]). Values ≤ 0 keep the defaults; max is raised to
// base if it is smaller.
func WithBackoff(base, max time.Duration) Option {
	return func(p *Publisher) {
		if base > 0 {
			p.baseBackoff = base
		}
		if max > 0 {
			p.maxBackoff = max
		}
		if p.maxBackoff < p.baseBackoff {
			p.maxBackoff = p.baseBackoff
		}
	}
}

// WithMaxRetryAfter sets the longest wait a Retry-After header may ask
// for (default [DefaultMaxRetryAfter]); a response asking for more ends
// Publish with its [*StatusError] instead of waiting. Values ≤ 0 keep the
// default.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(p *Publisher) {
		if d > 0 {
			p.maxWait = d
		}
	}
}

// WithHTTPClient sets the client that sends the requests (default: a new
// http.Client using http.DefaultTransport, without a client-wide timeout,
// as the per-attempt timeout applies, and not following redirects, since
// a client turns a redirected POST into a GET; a 3xx is then an error
// that is not retried). A nil client keeps the default.
func WithHTTPClient(c *http.Client) Option {
	return func(p *Publisher) {
		if c != nil {
			p.client = c
		}
	}
}

// WithSigningSecrets makes the Publisher sign every request as the
// Standard Webhooks specification says, with each of secrets (so a
// receiver that knows any one of them accepts it, which lets a secret be
// rotated): a webhook-id header, the event's ID; webhook-timestamp, the
// time of the attempt in seconds, renewed at every retry; and
// webhook-signature, "v1,<base64 HMAC-SHA256>" per secret over the ID,
// the timestamp and the body. In binary mode a webhook-ce-signature
// header signs the ce- attributes the same way (see the package
// documentation). Each secret is "whsec_" followed by 24 to 64 bytes in
// standard base64; [NewPublisher] returns an error matching
// [ErrInvalidSecret] if one is not, which does not show it.
func WithSigningSecrets(secrets ...string) Option {
	return func(p *Publisher) {
		keys, err := parseSecrets("WithSigningSecrets", secrets)
		if err != nil {
			p.optErr = err
			return
		}
		p.keys = append(p.keys, keys...)
	}
}

// WithMode sets the content mode (default [Binary]).
func WithMode(m Mode) Option {
	return func(p *Publisher) { p.mode = m }
}

// NewPublisher returns a Publisher that sends to target, an absolute http
// or https URL.
func NewPublisher(target string, opts ...Option) (*Publisher, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("eventhttp: publisher URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("eventhttp: publisher URL %q: want an absolute http or https URL", target)
	}
	p := &Publisher{
		url:         target,
		path:        u.EscapedPath(),
		client:      &http.Client{CheckRedirect: noRedirects},
		mode:        Binary,
		timeout:     DefaultTimeout,
		maxAttempts: DefaultMaxAttempts,
		baseBackoff: DefaultBaseBackoff,
		maxBackoff:  DefaultMaxBackoff,
		maxWait:     DefaultMaxRetryAfter,
		sleep:       sleep,
		now:         time.Now,
	}
	for _, opt := range opts {
		opt(p)
	}
	if p.optErr != nil {
		return nil, p.optErr
	}
	if p.mode != Binary && p.mode != Structured {
		return nil, fmt.Errorf("eventhttp: unknown mode %v", p.mode)
	}
	return p, nil
}

// noRedirects makes the default client return a 3xx response as it is.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// StatusError is a response with a status other than 2xx. Publish returns
// it (wrapped) when it gives up. The refusal of an event that retrying
// cannot fix, a 4xx response whose [Problem] has one of the types of the
// table in the package documentation, matches the error it names with
// [errors.Is]: [events.ErrInvalidEvent], [events.ErrInvalidPayload] (and
// then [events.ErrInvalidEvent] too, as the payload is part of the
// event), [events.ErrUnknownType], [events.ErrTypeMismatch] or
// [events.ErrRejected].
type StatusError struct {
	// StatusCode is the HTTP status, e.g. 400.
	StatusCode int
	// Problem is the RFC 9457 body of the response, if it had one.
	Problem *Problem
	// Body is the start of any other response body.
	Body string
}

// Error returns e.g. "eventhttp: 400 Bad Request: events: invalid event ...".
func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString("eventhttp: ")
	b.WriteString(fmt.Sprint(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	switch {
	case e.Problem != nil && e.Problem.Detail != "":
		b.WriteString(": " + e.Problem.Detail)
	case e.Body != "":
		b.WriteString(": " + e.Body)
	}
	return b.String()
}

// Is reports whether target is the error that the problem type of a 4xx
// response names, as described on [StatusError].
func (e *StatusError) Is(target error) bool {
	if e.Problem == nil || e.StatusCode < 400 || e.StatusCode > 499 {
		return false
	}
	r, ok := refusalByType(e.Problem.Type)
	if !ok {
		return false
	}
	return target == r.sentinel || (r.sentinel == events.ErrInvalidPayload && target == events.ErrInvalidEvent)
}

// Publish sends e, retrying as described on [Publisher], and returns nil
// once a 2xx response arrives. An invalid event is refused before
// anything is sent, with an error matching [events.ErrInvalidEvent]. When
// it gives up, the error wraps the last failure (a [*StatusError], a
// network error, or the context's error). An event the receiver refused
// for good gives a [*StatusError] matching the error its problem type
// names, such as [events.ErrUnknownType]; errors.As with a *StatusError
// tells it from a refusal before sending.
func (p *Publisher) Publish(ctx context.Context, e events.Event) error {
	header, body, err := encode(e, p.mode)
	if err != nil {
		return err
	}
	if p.keys != nil {
		header[headerWebhookID] = []string{encodeWebhookID(e.ID)}
	}
	if p.obs != nil {
		return p.publishObserved(ctx, e, header, body)
	}
	return p.send(ctx, e, header, body, nil)
}

// send makes the attempts of Publish. retrying, when not nil, is told of
// each failed attempt that will be made again, and of the wait.
func (p *Publisher) send(ctx context.Context, e events.Event, header http.Header, body []byte, retrying func(attempt int, wait time.Duration, err error)) error {
	for attempt := 1; ; attempt++ {
		retryAfter, err := p.attempt(ctx, header, body)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("eventhttp: publish %s: attempt %d: %w", e.ID, attempt, ctx.Err())
		}
		var se *StatusError
		if errors.As(err, &se) && !retryableStatus(se.StatusCode) {
			return fmt.Errorf("eventhttp: publish %s: %w", e.ID, err)
		}
		if attempt >= p.maxAttempts {
			return fmt.Errorf("eventhttp: publish %s: giving up after %d attempts: %w", e.ID, attempt, err)
		}
		if retryAfter > p.maxWait {
			return fmt.Errorf("eventhttp: publish %s: server asks to retry after %v, more than %v: %w", e.ID, retryAfter, p.maxWait, err)
		}
		wait := retryWait(backoff(p.baseBackoff, p.maxBackoff, attempt), retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return fmt.Errorf("eventhttp: publish %s: the next attempt would start after the context's deadline: %w", e.ID, err)
		}
		if retrying != nil {
			retrying(attempt, wait, err)
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("eventhttp: publish %s: stopped after %d attempts (last: %w): %w", e.ID, attempt, err, serr)
		}
	}
}

// attempt sends the event once. It returns the wait a Retry-After header
// asks for, if any.
func (p *Publisher) attempt(ctx context.Context, header http.Header, body []byte) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("eventhttp: %w", err)
	}
	req.Header = header.Clone()
	if p.keys != nil {
		if err := sign(req.Header, p.keys, p.now(), p.mode, body); err != nil {
			return 0, err
		}
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	const keep = 64 << 10
	data, _ := io.ReadAll(io.LimitReader(resp.Body, keep))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 256<<10)) // so the connection can be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	se := &StatusError{StatusCode: resp.StatusCode}
	if mediaType(resp.Header.Get("Content-Type")) == ContentTypeProblem {
		var prob Problem
		if json.Unmarshal(data, &prob) == nil {
			se.Problem = &prob
		}
	}
	if se.Problem == nil {
		se.Body = strings.TrimSpace(string(data[:min(len(data), 512)]))
	}
	var wait time.Duration
	if retryableStatus(resp.StatusCode) {
		wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return wait, se
}
