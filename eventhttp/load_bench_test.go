package eventhttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/algoryn/events"
	"github.com/algoryn/events/eventhttp"
)

// BenchmarkLoad sends b.N mixed events with 50 publishers at once, half
// in binary and half in structured mode, to one httptest server:
//
//   - bare: a net/http handler that only reads the body and
//     json.Unmarshals it, from publishers that do not sign: the baseline;
//   - signed: NewHandler with a Router, signatures required, replay
//     protection on, from publishers that sign every request.
//
// Read signed's events/s as a ratio of bare's, from the same run. Each
// reports events/s and the p50 and p99 latency of Publish.
func BenchmarkLoad(b *testing.B) {
	b.Run("handler=bare", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			var v any
			if err == nil {
				err = json.Unmarshal(body, &v)
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		defer srv.Close()
		runLoad(b, newPublishers(b, publishers, srv.URL, loadClient()))
	})
	b.Run("handler=signed", func(b *testing.B) {
		evs := mixedEvents(b, b.N)
		a := newArrivals(evs)
		srv, _ := newLoadServer(b, a)
		pubs := newPublishers(b, publishers, srv.URL, loadClient(), eventhttp.WithSigningSecrets(loadSecret))
		runLoadEvents(b, pubs, evs)
		if missing, _ := a.missingAndDuplicates(); len(missing) > 0 {
			b.Fatalf("%d events never arrived", len(missing))
		}
	})
}

func runLoad(b *testing.B, pubs []*eventhttp.Publisher) {
	runLoadEvents(b, pubs, mixedEvents(b, b.N))
}

func runLoadEvents(b *testing.B, pubs []*eventhttp.Publisher, evs []events.Event) {
	b.ReportAllocs()
	b.ResetTimer()
	lat, took := sendAll(b, pubs, evs)
	b.StopTimer()
	b.ReportMetric(float64(len(evs))/took.Seconds(), "events/s")
	b.ReportMetric(float64(percentile(lat, 50)/time.Microsecond), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 99)/time.Microsecond), "p99-µs")
}
