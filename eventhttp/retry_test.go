package eventhttp

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	base, max := 100*time.Millisecond, time.Second
	for n := 1; n <= 70; n++ {
		want := max
		if n <= 4 {
			want = base << (n - 1)
		}
		for i := 0; i < 20; i++ {
			if d := backoff(base, max, n); d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, want/2, want)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":            0,
		"3":           3 * time.Second,
		" 120 ":       2 * time.Minute,
		"0":           0,
		"-5":          0,
		"soon":        0,
		"99999999999": 24 * time.Hour,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"Fri, 31 Dec 9999 23:59:59 GMT":                   24 * time.Hour,
	}
	for in, want := range tests {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestRetryableStatus(t *testing.T) {
	for code, want := range map[int]bool{429: true, 500: true, 503: true, 599: true, 400: false, 404: false, 501: false, 505: false, 408: false, 301: false, 200: false} {
		if retryableStatus(code) != want {
			t.Errorf("retryableStatus(%d) = %v", code, !want)
		}
	}
}

func TestSleep(t *testing.T) {
	if err := sleep(context.Background(), time.Microsecond); err != nil {
		t.Error(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}
