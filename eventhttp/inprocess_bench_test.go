package eventhttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/algoryn/events"
)

// inProcess is an http.RoundTripper that serves each request with h in
// the same goroutine: a publish and its handling with no network between,
// so that what the transport itself costs is what is measured.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// BenchmarkPublishInProcess is one event published and handled, the
// handler an events.Router decoding the payload, in binary mode, without
// an Observer: the path every user has. It uses no API newer than the
// Observer hooks, so that the same file measures the commit before them:
//
//	git worktree add /tmp/before <commit> && cp inprocess_bench_test.go /tmp/before/eventhttp/
//	go test -c -o /tmp/before.test /tmp/before/eventhttp   # and -o /tmp/after.test .
//	for i in $(seq 8); do for v in before after; do /tmp/$v.test -test.run '^$' -test.bench 'PublishInProcess' -test.benchtime 20000x -test.benchmem | sed "s/InProcess/InProcess\/$v/"; done; done > inproc.txt
//	benchstat -col /path inproc.txt
func BenchmarkPublishInProcess(b *testing.B) {
	for _, mode := range []Mode{Binary, Structured} {
		b.Run(mode.String(), func(b *testing.B) {
			r := events.NewRouter()
			events.Handle(r, func(context.Context, events.Event, events.ThresholdViolatedPayload) error { return nil })
			p, err := NewPublisher("http://pager.test/pager", WithMode(mode), WithHTTPClient(&http.Client{Transport: inProcess{Handler(r)}}))
			if err != nil {
				b.Fatal(err)
			}
			e := testEvent(b)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.Publish(ctx, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
