package goapi

import (
	"fmt"
	"go/ast"
	"go/parser"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeBlocks declares what each Go block of README.md needs around it:
// the block, found by its first line, becomes the body of a function with
// these parameters that returns an error. A new block without an entry
// fails the test, so none is left unchecked.
var readmeBlocks = []struct {
	firstLine string
	params    string
}{
	{"e, err := events.New(events.SourcePulse, events.RunCompletedPayload{", "ctx context.Context, publisher events.Publisher"},
	{"r := events.NewRouter()", "ctx context.Context, e events.Event"},
	{"b, err := events.ToCloudEvent(e) // structured JSON, validated", "e events.Event"},
	{"// Receive: any events.Handler, e.g. an events.Router; only signed events get in.", "ctx context.Context, e events.Event, mux *http.ServeMux, router *events.Router"},
	{"srv := &http.Server{", "mux *http.ServeMux"},
	{"dls, err := eventnats.NewDeadLetters(js, eventnats.DeadLettersConfig{}) // zero value: default streams", "ctx context.Context, js jetstream.JetStream"},
	{"ob, err := eventoutbox.Open(\"/var/lib/deploy/outbox.db\") // SQLite, one file, no server", "ctx context.Context, tx *sql.Tx, e events.Event, natsPublisher events.Publisher"},
	{"s, ok := events.Schema(events.EventTypeRunCompleted) // ok is false for an unknown type", ""},
	{"srv, err := eventnats.StartEmbedded(eventnats.EmbeddedConfig{StoreDir: \"/var/lib/algoryn/nats\"})", "ctx context.Context"},
	{"obs, err := eventotel.New(eventotel.Config{ParentFromProducer: true}) // the global providers; or set TracerProvider, MeterProvider", "ctx context.Context, js jetstream.JetStream, router *events.Router, secret string, e events.Event"},
}

// readmeImports are the packages a README block may use, by name.
var readmeImports = map[string]string{
	"context":     "context",
	"sql":         "database/sql",
	"errors":      "errors",
	"fmt":         "fmt",
	"http":        "net/http",
	"log":         "log",
	"slog":        "log/slog",
	"os":          "os",
	"time":        "time",
	"events":      "github.com/algoryn/events",
	"eventhttp":   "github.com/algoryn/events/eventhttp",
	"eventnats":   "github.com/algoryn/events/eventnats",
	"eventoutbox": "github.com/algoryn/events/eventoutbox",
	"eventotel":   "github.com/algoryn/events/eventotel",
	"nats":        "github.com/nats-io/nats.go",
	"jetstream":   "github.com/nats-io/nats.go/jetstream",
}

// TestReadmeGoBlocksCompile type-checks every ```go block of README.md as
// the body of a function, with the compiler's rules (unused variables and
// imports included), against the packages of this checkout.
func TestReadmeGoBlocksCompile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(string(data))
	if len(blocks) == 0 {
		t.Fatal("no Go blocks found in README.md")
	}
	// One importer for all blocks: the eventnats module sees every package
	// a block may use.
	paths := make([]string, 0, len(readmeImports))
	for _, p := range readmeImports {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	im, err := NewImporter(filepath.Join(repoRoot, "eventnats"), paths...)
	if err != nil {
		t.Fatal(err)
	}
	used := make([]bool, len(readmeBlocks))
	for _, b := range blocks {
		name := fmt.Sprintf("README.md:%d", b.line)
		t.Run(name, func(t *testing.T) {
			first, _, _ := strings.Cut(strings.TrimSpace(b.text), "\n")
			i := slices.IndexFunc(readmeBlocks, func(rb struct{ firstLine, params string }) bool {
				return strings.TrimSpace(first) == rb.firstLine
			})
			if i < 0 {
				t.Fatalf("the Go block starting %q has no entry in readmeBlocks: declare what it needs around it", first)
			}
			used[i] = true
			src := wrapBlock(b.text, readmeBlocks[i].params, b.line)
			f, err := parser.ParseFile(im.FileSet(), "README.md", src, parser.SkipObjectResolution|parser.ParseComments)
			if err != nil {
				t.Fatalf("does not parse: %v\n%s", err, src)
			}
			if err := im.Check("readme", []*ast.File{f}); err != nil {
				t.Errorf("does not compile:\n%v\n--- as checked:\n%s", err, src)
			}
		})
	}
	for i, rb := range readmeBlocks {
		if !used[i] {
			t.Errorf("readmeBlocks entry %q matches no Go block of README.md", rb.firstLine)
		}
	}
}

type block struct {
	line int // of the block's first line of code
	text string
}

// goBlocks returns the ```go fenced blocks of a Markdown text.
func goBlocks(md string) []block {
	var (
		out  []block
		cur  *block
		body []string
	)
	for i, l := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.TrimSpace(l) == "```go":
			cur = &block{line: i + 2}
			body = body[:0]
		case cur != nil && strings.TrimSpace(l) == "```":
			cur.text = strings.Join(body, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
	}
	return out
}

var pkgUse = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.[A-Za-z_]`)

// wrapBlock makes a Go file of a block: the imports it uses, and the
// block as the body of func(params) error. A //line directive makes
// errors point at README.md's own lines.
func wrapBlock(text, params string, line int) string {
	var imports []string
	for _, m := range pkgUse.FindAllStringSubmatch(params+"\n"+stripComments(text), -1) {
		if p, ok := readmeImports[m[1]]; ok && !slices.Contains(imports, p) {
			imports = append(imports, p)
		}
	}
	slices.Sort(imports)
	var b strings.Builder
	b.WriteString("package readme\n\nimport (\n")
	for _, p := range imports {
		fmt.Fprintf(&b, "\t%q\n", p)
	}
	fmt.Fprintf(&b, ")\n\nfunc _(%s) error {\n//line README.md:%d\n%s\n\treturn nil\n}\n", params, line, text)
	return b.String()
}

// stripComments drops // comments, so that a package named only in a
// comment is not imported.
func stripComments(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "//"); j >= 0 && !strings.Contains(l[:j], `"`) {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}
