package eventhttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/algoryn/events"
)

// sentinels are the errors a refusal can match on either side.
var sentinels = []error{events.ErrInvalidEvent, events.ErrInvalidPayload, events.ErrUnknownType, events.ErrTypeMismatch, events.ErrRejected, ErrBadSignature}

// wire records what a server answered, as the client received it.
type wire struct {
	mu      sync.Mutex
	answers []answer
}

type answer struct {
	status      int
	contentType string
	body        []byte
}

// capture is a ResponseWriter that keeps the status and body it is given.
type capture struct {
	http.ResponseWriter
	a answer
}

func (c *capture) WriteHeader(code int) {
	if c.a.status == 0 {
		c.a.status = code
		c.a.contentType = c.Header().Get("Content-Type")
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	if c.a.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	c.a.body = append(c.a.body, b...)
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func (wr *wire) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &capture{ResponseWriter: w}
		h.ServeHTTP(c, r)
		wr.mu.Lock()
		wr.answers = append(wr.answers, c.a)
		wr.mu.Unlock()
	})
}

func (wr *wire) last() answer {
	wr.mu.Lock()
	defer wr.mu.Unlock()
	if len(wr.answers) == 0 {
		return answer{}
	}
	return wr.answers[len(wr.answers)-1]
}

// alterTransport changes each request before it is sent, as a broken
// sender or a proxy would, and counts the attempts.
type alterTransport struct {
	alter    func(*http.Request)
	attempts atomic.Int32
}

func (t *alterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.attempts.Add(1)
	if t.alter != nil {
		req = req.Clone(req.Context())
		t.alter(req)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func setBody(body string) func(*http.Request) {
	return func(r *http.Request) {
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
		r.GetBody = nil
	}
}

// answerWith is a server or proxy in front of Handler that answers every
// request itself.
func answerWith(f fault) func(http.Handler) http.Handler {
	return func(http.Handler) http.Handler { return http.HandlerFunc(f) }
}

// TestRefusalTable checks every row of the table in the package
// documentation through a real server and a Publisher: what the handler
// returns (or what is wrong with the request), the status and problem
// type on the wire, what the Publisher's error matches, and how many
// times the event was sent and handled.
func TestRefusalTable(t *testing.T) {
	const maxAttempts = 3
	mismatch := func(ctx context.Context, e events.Event) error {
		_, err := events.Decode[events.RunCompletedPayload](e) // the event is a threshold.violated
		return err
	}
	invalidPayload := events.RunCompletedPayload{Service: "checkout"}.Validate()
	if !errors.Is(invalidPayload, events.ErrInvalidPayload) {
		t.Fatalf("the fixture %v is not an invalid payload", invalidPayload)
	}
	tests := []struct {
		name    string
		h       func(context.Context, events.Event) error // the receiver's events.Handler
		front   func(http.Handler) http.Handler           // in front of Handler
		alter   func(*http.Request)                       // what the request is changed to on the wire
		timeout time.Duration                             // of each attempt
		hOpts   []HandlerOption                           // NewHandler's; nil: Handler
		pOpts   []Option                                  // the Publisher's

		status   int    // on the wire; 0 for none
		typ      string // problem type on the wire; "" for no problem body
		matches  []error
		calls    int // of h
		attempts int
	}{
		{name: "accepted", h: nil, status: 204, calls: 1, attempts: 1},

		{name: "invalid event from ReadRequest", alter: func(r *http.Request) { r.Header.Del("Ce-Time") },
			status: 400, typ: problemTypeBase + "invalid-event", matches: []error{events.ErrInvalidEvent}, calls: 0, attempts: 1},
		{name: "invalid payload from ReadRequest", alter: setBody(`{"Service":"checkout"}`),
			status: 400, typ: problemTypeBase + "invalid-payload", matches: []error{events.ErrInvalidPayload, events.ErrInvalidEvent}, calls: 0, attempts: 1},
		{name: "h returns an invalid event", h: func(context.Context, events.Event) error {
			return fmt.Errorf("tenant secret-42: %w", events.ErrInvalidEvent)
		}, status: 400, typ: problemTypeBase + "invalid-event", matches: []error{events.ErrInvalidEvent}, calls: 1, attempts: 1},
		{name: "h returns an invalid payload", h: func(context.Context, events.Event) error {
			return fmt.Errorf("secret check: %w", invalidPayload)
		}, status: 400, typ: problemTypeBase + "invalid-payload", matches: []error{events.ErrInvalidPayload, events.ErrInvalidEvent}, calls: 1, attempts: 1},
		{name: "unreadable body", front: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Body = io.NopCloser(&errReader{strings.NewReader("{")})
				h.ServeHTTP(w, r)
			})
		}, status: 400, typ: "about:blank", calls: 0, attempts: 1},
		{name: "body over the limit", front: func(h http.Handler) http.Handler { return http.MaxBytesHandler(h, 10) },
			status: 413, typ: "about:blank", calls: 0, attempts: 1},
		{name: "not a JSON CloudEvent", alter: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") },
			status: 415, typ: "about:blank", calls: 0, attempts: 1},

		{name: "unknown type", h: events.NewRouter().HandleEvent,
			status: 422, typ: problemTypeBase + "unknown-type", matches: []error{events.ErrUnknownType}, calls: 1, attempts: 1},
		{name: "type mismatch", h: mismatch,
			status: 422, typ: problemTypeBase + "type-mismatch", matches: []error{events.ErrTypeMismatch}, calls: 1, attempts: 1},
		{name: "Permanent", h: func(context.Context, events.Event) error {
			return events.Permanent(errors.New("account secret-42 closed"))
		}, status: 422, typ: problemTypeBase + "rejected", matches: []error{events.ErrRejected}, calls: 1, attempts: 1},
		{name: "wraps events.ErrRejected", h: func(context.Context, events.Event) error {
			return fmt.Errorf("%w: quota of secret-42", events.ErrRejected)
		}, status: 422, typ: problemTypeBase + "rejected", matches: []error{events.ErrRejected}, calls: 1, attempts: 1},
		{name: "Permanent of a Router refusal", h: func(ctx context.Context, e events.Event) error {
			return events.Permanent(events.NewRouter().HandleEvent(ctx, e))
		}, status: 422, typ: problemTypeBase + "unknown-type", matches: []error{events.ErrUnknownType}, calls: 1, attempts: 1},

		{name: "method not allowed", alter: func(r *http.Request) { r.Method = http.MethodPut },
			status: 405, typ: "about:blank", calls: 0, attempts: 1},
		{name: "unsigned, to a handler requiring signatures", hOpts: []HandlerOption{RequireSignature(secretA)},
			status: 401, typ: problemTypeBase + "bad-signature", matches: []error{ErrBadSignature}, calls: 0, attempts: 1},
		{name: "signed with another secret", hOpts: []HandlerOption{RequireSignature(secretA)}, pOpts: []Option{WithSigningSecrets(secretB)},
			status: 401, typ: problemTypeBase + "bad-signature", matches: []error{ErrBadSignature}, calls: 0, attempts: 1},
		{name: "signed", hOpts: []HandlerOption{RequireSignature(secretA)}, pOpts: []Option{WithSigningSecrets(secretA)},
			status: 204, calls: 1, attempts: 1},
		{name: "too many in flight", hOpts: []HandlerOption{AllowUnsigned()}, front: func(h http.Handler) http.Handler {
			s := h.(*handler)
			for range cap(s.slots) {
				s.slots <- struct{}{}
			}
			return h
		}, status: 503, typ: "about:blank", calls: 0, attempts: maxAttempts},
		{name: "h fails", h: func(context.Context, events.Event) error { return errors.New("database secret-42 down") },
			status: 500, typ: "about:blank", calls: maxAttempts, attempts: maxAttempts},
		{name: "429 from a proxy", front: answerWith(status(429)), status: 429, calls: 0, attempts: maxAttempts},
		{name: "502 from a proxy", front: answerWith(status(502)), status: 502, calls: 0, attempts: maxAttempts},
		{name: "503 from a proxy", front: answerWith(status(503)), status: 503, calls: 0, attempts: maxAttempts},
		{name: "501", front: answerWith(status(501)), status: 501, calls: 0, attempts: 1},
		{name: "505", front: answerWith(status(505)), status: 505, calls: 0, attempts: 1},
		{name: "404 from a proxy", front: answerWith(status(404)), status: 404, calls: 0, attempts: 1},
		{name: "redirect", front: answerWith(status(307)), status: 307, calls: 0, attempts: 1},
		{name: "network error", front: answerWith(dropConnection), calls: 0, attempts: maxAttempts},
		{name: "attempt timed out", front: answerWith(slow), timeout: 300 * time.Millisecond, calls: 0, attempts: maxAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			h := events.HandlerFunc(func(ctx context.Context, e events.Event) error {
				calls.Add(1)
				if tt.h == nil {
					return nil
				}
				return tt.h(ctx, e)
			})
			var srvHandler http.Handler = Handler(h)
			if tt.hOpts != nil {
				srvHandler = mustHandler(t, h, tt.hOpts...)
			}
			if tt.front != nil {
				srvHandler = tt.front(srvHandler)
			}
			wr := &wire{}
			srv := httptest.NewServer(wr.record(srvHandler))
			defer srv.Close()
			tr := &alterTransport{alter: tt.alter}
			p, _ := newTestPublisher(t, srv.URL, append([]Option{WithMaxAttempts(maxAttempts), WithTimeout(tt.timeout),
				WithHTTPClient(&http.Client{Transport: tr, CheckRedirect: noRedirects})}, tt.pOpts...)...)

			err := p.Publish(context.Background(), testEvent(t))

			a := wr.last()
			if a.status != tt.status {
				t.Errorf("status on the wire %d, want %d", a.status, tt.status)
			}
			if strings.Contains(string(a.body), "secret") {
				t.Errorf("the body %s shows the handler's error", a.body)
			}
			var se *StatusError
			switch {
			case tt.status == http.StatusNoContent:
				if err != nil {
					t.Fatalf("Publish: %v", err)
				}
			case tt.status == 0:
				if err == nil || errors.As(err, &se) {
					t.Errorf("Publish: %v, want a network error", err)
				}
			default:
				if !errors.As(err, &se) || se.StatusCode != tt.status {
					t.Fatalf("Publish: %v, want a *StatusError %d", err, tt.status)
				}
			}
			if tt.typ != "" {
				if a.contentType != ContentTypeProblem {
					t.Fatalf("Content-Type %q, want %s", a.contentType, ContentTypeProblem)
				}
				var prob Problem
				if err := json.Unmarshal(a.body, &prob); err != nil {
					t.Fatalf("body %s: %v", a.body, err)
				}
				if prob.Type != tt.typ || prob.Status != tt.status {
					t.Errorf("problem type %q status %d, want %q %d", prob.Type, prob.Status, tt.typ, tt.status)
				}
				if se == nil || se.Problem == nil || se.Problem.Type != tt.typ {
					t.Errorf("the Publisher's *StatusError %+v lacks the problem", se)
				}
			}
			for _, s := range sentinels {
				want := false
				for _, m := range tt.matches {
					want = want || m == s
				}
				if got := errors.Is(err, s); got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, got, want)
				}
			}
			if n := int(calls.Load()); n != tt.calls {
				t.Errorf("h called %d times, want %d", n, tt.calls)
			}
			if n := int(tr.attempts.Load()); n != tt.attempts {
				t.Errorf("%d attempts, want %d", n, tt.attempts)
			}
		})
	}
}

// TestHandlerRefusalDetail checks what a refusal's problem says: the
// events package's own text, never what the handler wrapped around it,
// and the failing fields of a ValidationError.
func TestHandlerRefusalDetail(t *testing.T) {
	invalid := events.RunCompletedPayload{Service: "checkout"}.Validate()
	unknown := events.NewRouter().HandleEvent(context.Background(), testEvent(t))
	tests := []struct {
		name   string
		err    error
		detail string
		fields []string
	}{
		{"wrapped sentinel", fmt.Errorf("user secret-42: %w", events.ErrUnknownType), "events: unknown event type", nil},
		{"sentinel wrapped after", fmt.Errorf("%w: user secret-42", events.ErrTypeMismatch), events.ErrTypeMismatch.Error(), nil},
		{"Router refusal", unknown, unknown.Error(), nil},
		{"wrapped Router refusal", fmt.Errorf("secret: %w", unknown), unknown.Error(), nil},
		{"joined", errors.Join(errors.New("secret"), fmt.Errorf("secret 2: %w", invalid)), invalid.Error(), []string{"RunID"}},
		{"Permanent of a ValidationError", events.Permanent(fmt.Errorf("secret: %w", invalid)), invalid.Error(), []string{"RunID"}},
		{"Permanent", events.Permanent(errors.New("secret")), "eventhttp: the handler rejected event id-1", nil},
		{"other", errors.New("secret"), "eventhttp: the handler failed to process event id-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{err: tt.err}
			resp := serve(Handler(rec), newTestRequest(nil, validPayload))
			p := readProblem(t, resp)
			if p.Detail != tt.detail {
				t.Errorf("detail %q, want %q", p.Detail, tt.detail)
			}
			var fields []string
			for _, f := range p.Errors {
				fields = append(fields, f.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields %v, want %v", fields, tt.fields)
			}
		})
	}
}

func TestStatusErrorIs(t *testing.T) {
	prob := func(name string) *Problem { return &Problem{Type: problemTypeBase + name} }
	tests := []struct {
		name string
		err  *StatusError
		want []error
	}{
		{"invalid event", &StatusError{StatusCode: 400, Problem: prob("invalid-event")}, []error{events.ErrInvalidEvent}},
		{"invalid payload", &StatusError{StatusCode: 400, Problem: prob("invalid-payload")}, []error{events.ErrInvalidPayload, events.ErrInvalidEvent}},
		{"unknown type", &StatusError{StatusCode: 422, Problem: prob("unknown-type")}, []error{events.ErrUnknownType}},
		{"type mismatch", &StatusError{StatusCode: 422, Problem: prob("type-mismatch")}, []error{events.ErrTypeMismatch}},
		{"rejected", &StatusError{StatusCode: 422, Problem: prob("rejected")}, []error{events.ErrRejected}},
		{"a 5xx is no refusal", &StatusError{StatusCode: 503, Problem: prob("unknown-type")}, nil},
		{"a 2xx is no refusal", &StatusError{StatusCode: 299, Problem: prob("unknown-type")}, nil},
		{"unknown problem", &StatusError{StatusCode: 422, Problem: prob("gone")}, nil},
		{"other URI", &StatusError{StatusCode: 422, Problem: &Problem{Type: "https://example.com/problems/unknown-type"}}, nil},
		{"about:blank", &StatusError{StatusCode: 400, Problem: &Problem{Type: "about:blank"}}, nil},
		{"no problem", &StatusError{StatusCode: 400, Body: "unknown-type"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range sentinels {
				want := false
				for _, w := range tt.want {
					want = want || w == s
				}
				if got := errors.Is(tt.err, s); got != want {
					t.Errorf("errors.Is(%v) = %v, want %v", s, got, want)
				}
			}
		})
	}
}

// TestProblemDocIsWhatIsSent checks that each example in the doc comment
// of Problem is, to the byte, output of ExampleProblem, whose output go
// test checks against real responses.
func TestProblemDocIsWhatIsSent(t *testing.T) {
	fset := token.NewFileSet()
	src, err := parser.ParseFile(fset, "problem.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var comment string
	ast.Inspect(src, func(n ast.Node) bool {
		if d, ok := n.(*ast.GenDecl); ok && d.Tok == token.TYPE && d.Specs[0].(*ast.TypeSpec).Name.Name == "Problem" {
			comment = d.Doc.Text()
		}
		return comment == ""
	})
	var blocks []string
	var cur []string
	for _, line := range strings.Split(comment+"\n", "\n") {
		switch {
		case strings.HasPrefix(line, "\t"):
			cur = append(cur, strings.TrimPrefix(line, "\t"))
		case line == "" && len(cur) > 0 && !strings.HasPrefix(cur[len(cur)-1], "{"):
			cur = append(cur, "") // a blank line within the block
		case len(cur) > 0:
			blocks = append(blocks, strings.TrimSpace(strings.Join(cur, "\n")))
			cur = nil
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("%d examples in the doc comment of Problem, want 2:\n%s", len(blocks), comment)
	}

	ex, err := parser.ParseFile(fset, "example_test.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var output string
	for _, e := range doc.Examples(ex) {
		if e.Name == "Problem" {
			output = e.Output
		}
	}
	if output == "" {
		t.Fatal("no ExampleProblem with an Output")
	}
	for _, b := range blocks {
		if !strings.Contains(output, b+"\n") {
			t.Errorf("the doc comment of Problem shows\n%s\nwhich ExampleProblem does not print; it prints\n%s", b, output)
		}
	}
}
