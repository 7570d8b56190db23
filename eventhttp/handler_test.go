package eventhttp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/algoryn/events"
)

func TestHandlerReceivesBothModes(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(Handler(rec))
	defer srv.Close()
	var want []events.Event
	for _, e := range []events.Event{testEvent(t), awkwardEvent(t)} {
		for _, mode := range []Mode{Binary, Structured} {
			req, err := NewRequest(context.Background(), srv.URL, e, mode)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("%v: status %d", mode, resp.StatusCode)
			}
			want = append(want, e)
		}
	}
	if got := rec.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("received\n%+v\nwant\n%+v", got, want)
	}
}

func serve(h http.Handler, req *http.Request) *http.Response {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Result()
}

func readProblem(t *testing.T, resp *http.Response) Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != ContentTypeProblem {
		t.Fatalf("Content-Type %q, want %s", ct, ContentTypeProblem)
	}
	var p Problem
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %s: %v", body, err)
	}
	if p.Status != resp.StatusCode {
		t.Errorf("problem %+v for status %d", p, resp.StatusCode)
	}
	if p.Type == "about:blank" {
		if p.Title != http.StatusText(resp.StatusCode) {
			t.Errorf("problem %+v: want the status text as title", p)
		}
	} else if r, ok := refusalByType(p.Type); !ok || r.status != p.Status || r.title != p.Title {
		t.Errorf("problem %+v: not a refusal of the table", p)
	}
	return p
}

func TestHandlerRefusals(t *testing.T) {
	rec := &recorder{}
	h := Handler(rec)
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(h, newTestRequest(tt.headers, tt.body))
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			p := readProblem(t, resp)
			_, err := ReadRequest(newTestRequest(tt.headers, tt.body))
			wantType := "about:blank"
			switch {
			case tt.status != http.StatusBadRequest:
			case errors.Is(err, events.ErrInvalidPayload):
				wantType = problemTypeBase + "invalid-payload"
			case errors.Is(err, events.ErrInvalidEvent):
				wantType = problemTypeBase + "invalid-event"
			}
			if p.Type != wantType {
				t.Errorf("problem type %q, want %q for %v", p.Type, wantType, err)
			}
			if tt.field == "" {
				return
			}
			var fields []string
			for _, f := range p.Errors {
				fields = append(fields, f.Field)
				if f.Kind == "" || f.Detail == "" {
					t.Errorf("incomplete %+v", f)
				}
			}
			if !strings.Contains(strings.Join(fields, ","), tt.field) {
				t.Errorf("errors %+v do not name %q", p.Errors, tt.field)
			}
		})
	}
	if n := len(rec.got()); n != 0 {
		t.Errorf("handler called %d times for bad requests", n)
	}
}

func TestHandlerListsEveryField(t *testing.T) {
	resp := serve(Handler(&recorder{}), newTestRequest(map[string]string{"Ce-Id": "", "Ce-Time": "", "Ce-Source": ""}, "[]"))
	p := readProblem(t, resp)
	var fields []string
	for _, f := range p.Errors {
		fields = append(fields, f.Field)
	}
	if want := []string{"id", "source", "time", "data"}; !reflect.DeepEqual(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
}

func TestHandlerMethods(t *testing.T) {
	h := Handler(&recorder{})
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodHead} {
		resp := serve(h, httptest.NewRequest(m, "/", nil))
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "OPTIONS, POST" {
			t.Errorf("%s: %d, Allow %q", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
	// The webhook validation handshake.
	req := httptest.NewRequest(http.MethodOptions, "/", nil)
	req.Header.Set("WebHook-Request-Origin", "eventemitter.example.com")
	resp := serve(h, req)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("WebHook-Allowed-Origin") != "eventemitter.example.com" ||
		resp.Header.Get("WebHook-Allowed-Rate") != "*" || resp.Header.Get("Allow") != "OPTIONS, POST" {
		t.Errorf("handshake: %d %v", resp.StatusCode, resp.Header)
	}
	resp = serve(h, httptest.NewRequest(http.MethodOptions, "/", nil))
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Allow") != "OPTIONS, POST" || resp.Header.Get("WebHook-Allowed-Origin") != "" {
		t.Errorf("plain OPTIONS: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestHandlerError(t *testing.T) {
	rec := &recorder{err: errors.New("database password is hunter2")}
	resp := serve(Handler(rec), newTestRequest(nil, validPayload))
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", resp.StatusCode)
	}
	p := readProblem(t, resp)
	if strings.Contains(p.Detail, "hunter2") || !strings.Contains(p.Detail, "id-1") {
		t.Errorf("detail %q", p.Detail)
	}
}

func TestHandlerWithRouter(t *testing.T) {
	r := events.NewRouter()
	var got events.ThresholdViolatedPayload
	events.Handle(r, func(_ context.Context, _ events.Event, p events.ThresholdViolatedPayload) error {
		got = p
		return nil
	})
	resp := serve(Handler(r), newTestRequest(nil, validPayload))
	if resp.StatusCode != http.StatusNoContent || got.Service != "checkout" {
		t.Errorf("status %d, payload %+v", resp.StatusCode, got)
	}
}

func TestHandlerNilPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	Handler(nil)
}

// A client that promises more body than it sends and hangs up: the
// handler is not called and nothing panics.
func TestHandlerTruncatedBodyOverTCP(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(Handler(rec))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	req := "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\nContent-Length: 500\r\n\r\n" + validStructured[:40]
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response to a truncated body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", resp.StatusCode)
	}
	conn.Close()
	if n := len(rec.got()); n != 0 {
		t.Errorf("handler called %d times for a truncated body", n)
	}
}
