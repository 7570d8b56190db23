package eventhttp

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryableStatus reports whether a response status is worth another
// attempt: 429 Too Many Requests and every 5xx but 501 Not Implemented and
// 505 HTTP Version Not Supported, which say the request can never work.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return false
	}
	return code == http.StatusTooManyRequests || (code >= 500 && code <= 599)
}

// backoff returns the wait before retry number n (1 for the first retry):
// base·2ⁿ⁻¹ capped at max, of which the second half is random ("equal
// jitter"), so that many publishers failing together do not retry in
// step.
func backoff(base, max time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max || d <= 0 {
		d = max
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// retryWait returns the wait before a retry, given the backoff and what
// a Retry-After header asked (0 for nothing): the backoff, or, if the
// server asked, what it asked plus a random part of half the backoff, so
// that publishers sent away together do not come back together.
func retryWait(backoff, retryAfter time.Duration) time.Duration {
	if retryAfter <= 0 {
		return backoff
	}
	return retryAfter + rand.N(backoff/2+1)
}

// retryAfter parses a Retry-After header value: delay-seconds or an HTTP
// date. It returns 0 for an empty, malformed or past value, and at most
// 24 hours (the Publisher gives up rather than wait more than its
// WithMaxRetryAfter limit).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d, 24*time.Hour)
		}
	}
	return 0
}

// sleep waits for d, or until ctx is done, returning ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
