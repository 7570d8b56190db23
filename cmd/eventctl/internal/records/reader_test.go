package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// got is a record as the tests compare it.
type got struct {
	Line int
	Data string
	Err  error
}

func readAll(t testing.TB, r io.Reader, limit int) []got {
	t.Helper()
	rd := NewReader(r, limit)
	var out []got
	for i := 0; ; i++ {
		rec, err := rd.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if i > 1e6 {
			t.Fatal("Next does not end")
		}
		out = append(out, got{rec.Line, string(rec.Data), rec.Err})
	}
}

// readerCases are the inputs of TestReader; they also seed FuzzReader.
var readerCases = []struct {
	name  string
	input string
	limit int
	want  []got
}{
	{"empty", "", 100, nil},
	{"blank lines", "\n \n\t\r\n", 100, nil},
	{"ndjson", "{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}", 100, []got{{1, `{"a":1}`, nil}, {2, `{"b":2}`, nil}, {4, `{"c":3}`, nil}}},
	{"crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", 100, []got{{1, `{"a":1}`, nil}, {2, `{"b":2}`, nil}}},
	{"ndjson truncated line", "{\"a\":1}\n{\"b\":\n{\"c\":3}\n", 100, []got{{1, `{"a":1}`, nil}, {2, `{"b":`, nil}, {3, `{"c":3}`, nil}}},
	{"ndjson non-json line after truncated", "{\"a\":1}\n{\"b\":[\nhello\n{\"c\":3}\n", 100,
		[]got{{1, `{"a":1}`, nil}, {2, `{"b":[`, nil}, {3, `hello`, nil}, {4, `{"c":3}`, nil}}},
	{"pretty", "{\n  \"a\": {\n    \"b\": \"}\"\n  }\n}\n{\n  \"c\": 1\n}\n", 100, []got{{1, "{\n  \"a\": {\n    \"b\": \"}\"\n  }\n}", nil}, {6, "{\n  \"c\": 1\n}", nil}}},
	{"pretty truncated then next", "{\n  \"a\": [\n{\"c\":1}\n", 100, []got{{1, "{\n  \"a\": [", nil}, {3, `{"c":1}`, nil}}},
	{"array", "[\n  {\"a\":1},\n  {\"b\":\n    2},\n  3, \"x,]\"\n]\n", 100, []got{{2, `{"a":1}`, nil}, {3, "{\"b\":\n    2}", nil}, {5, `3`, nil}, {5, `"x,]"`, nil}}},
	{"array unterminated", "[{\"a\":1},\n{\"b\":2}", 100, []got{{1, `{"a":1}`, nil}, {2, `{"b":2}`, nil}, {1, "", ErrUnterminatedArray}}},
	{"empty array", "[]", 100, nil},
	{"escaped quote", `{"a":"\"}"}` + "\n" + `{"b":1}`, 100, []got{{1, `{"a":"\"}"}`, nil}, {2, `{"b":1}`, nil}}},
	{"garbage", "not json\n{\"a\":1}\n", 100, []got{{1, "not json", nil}, {2, `{"a":1}`, nil}}},
	{"too large", "{\"a\":\"xxxxxxxxxxxxxxxxxxxx\"}\n{\"b\":1}\n", 10, []got{{1, "", ErrTooLarge}, {2, `{"b":1}`, nil}}},
	{"raw newline in string", "{\"a\":\"x\n{\"b\":1}\n", 100, []got{{1, `{"a":"x`, nil}, {2, `{"b":1}`, nil}}},
	// json.MarshalIndent with indent "": nested objects begin lines too.
	{"pretty without indent", "{\n\"a\": [\n{\n\"b\": 1\n},\n{\n\"c\": 2\n}\n],\n\"d\":\n{\"e\": 3}\n}\n{\"f\":4}\n", 100,
		[]got{{1, "{\n\"a\": [\n{\n\"b\": 1\n},\n{\n\"c\": 2\n}\n],\n\"d\":\n{\"e\": 3}\n}", nil}, {13, `{"f":4}`, nil}}},
	{"pretty without indent, truncated", "{\n\"a\": [\n{\n\"b\": 1\n{\"c\":3}\n", 100,
		[]got{{1, "{\n\"a\": [", nil}, {3, "{\n\"b\": 1", nil}, {5, `{"c":3}`, nil}}},
	{"truncated where a value may start", "{\"a\":\n{\"b\":1}\n{\"c\":2}\n", 100,
		[]got{{1, `{"a":`, nil}, {2, `{"b":1}`, nil}, {3, `{"c":2}`, nil}}},
	{"truncated where a key must come", "{\n\"a\": 1,\n{\"b\":1}\n", 100, []got{{1, "{\n\"a\": 1,", nil}, {3, `{"b":1}`, nil}}},
	{"truncated, then more than the limit", "{\"a\":\n{\"b\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n{\"c\":2}\n", 30,
		[]got{{1, `{"a":`, nil}, {2, "", ErrTooLarge}, {3, `{"c":2}`, nil}}},
	{"byte order mark", "\xef\xbb\xbf{\n  \"a\": 1\n}\n{\"b\":2}\n", 100, []got{{1, "{\n  \"a\": 1\n}", nil}, {4, `{"b":2}`, nil}}},
	{"byte order mark, ndjson", "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}\n", 100, []got{{1, `{"a":1}`, nil}, {2, `{"b":2}`, nil}}},
	{"byte order mark only", "\xef\xbb\xbf", 100, nil},
	{"byte order mark cut short", "\xef\xbb", 100, []got{{1, "\xef\xbb", nil}}},
}

func TestReader(t *testing.T) {
	for _, tt := range readerCases {
		t.Run(tt.name, func(t *testing.T) {
			for name, r := range map[string]io.Reader{
				"whole":    strings.NewReader(tt.input),
				"one byte": iotest.OneByteReader(strings.NewReader(tt.input)),
			} {
				out := readAll(t, r, tt.limit)
				if len(out) != len(tt.want) {
					t.Fatalf("%s: got %d records %+v, want %d %+v", name, len(out), out, len(tt.want), tt.want)
				}
				for i := range out {
					if out[i].Line != tt.want[i].Line || out[i].Data != tt.want[i].Data || !errors.Is(out[i].Err, tt.want[i].Err) {
						t.Errorf("%s: record %d = %+v, want %+v", name, i, out[i], tt.want[i])
					}
				}
			}
		})
	}
}

// TestReaderLongInput reads many records through a small buffer, so the
// buffer is refilled and compacted many times.
func TestReaderLongInput(t *testing.T) {
	var b bytes.Buffer
	const n = 20000
	for i := range n {
		b.WriteString(`{"i":` + strings.Repeat("1", i%50+1) + "}\n")
	}
	out := readAll(t, &b, 64)
	if len(out) != n {
		t.Fatalf("got %d records, want %d", len(out), n)
	}
	for i, r := range out {
		if r.Line != i+1 || r.Data != `{"i":`+strings.Repeat("1", i%50+1)+"}" {
			t.Fatalf("record %d = %+v", i, r)
		}
	}
}

func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	rd := NewReader(io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\""), iotest.ErrReader(boom)), 100)
	if rec, err := rd.Next(); err != nil || string(rec.Data) != `{"a":1}` {
		t.Fatalf("first record: %q, %v", rec.Data, err)
	}
	if _, err := rd.Next(); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the reader's error", err)
	}
}

// FuzzReader checks that any input is split without panics into records
// that are pieces of the input, in order, on lines that never go back,
// and that NDJSON of objects comes back line by line.
func FuzzReader(f *testing.F) {
	for _, c := range readerCases {
		f.Add([]byte(c.input), uint8(min(c.limit, 255)))
	}
	f.Add([]byte(`{"a":[{"b":{"c":[1,{"d":"}"}]}},{}],"e":{"f":null}}`), uint8(255))
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		offset := uint16(limit)
		rd := NewReader(bytes.NewReader(data), int(limit)+1)
		line, lines := 1, bytes.Count(data, []byte("\n"))+1
		for i := 0; ; i++ {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if i > len(data)+1 {
				t.Fatal("more records than bytes")
			}
			if rec.Err == nil && (len(rec.Data) == 0 || !bytes.Contains(data, rec.Data)) {
				t.Fatalf("record %q is not a piece of the input", rec.Data)
			}
			if rec.Err == nil && len(rec.Data) > int(limit)+1 {
				t.Fatalf("record of %d bytes over the limit %d", len(rec.Data), int(limit)+1)
			}
			if rec.Line < 1 || rec.Line > lines || (rec.Line < line && !errors.Is(rec.Err, ErrUnterminatedArray)) {
				t.Fatalf("record on line %d after line %d (of %d)", rec.Line, line, lines)
			}
			line = max(line, rec.Line)
		}
		checkWholeValue(t, data, offset)
	})
}

// checkWholeValue checks, when data is a JSON object, that it comes back
// as one record however it is indented, also after a byte order mark,
// and that a truncated copy of it, cut at the end of a line, never hides
// the record after it.
func checkWholeValue(t *testing.T, data []byte, cut uint16) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' || !json.Valid(data) {
		return
	}
	const limit = 1 << 20
	for _, indent := range []string{"", " ", "\t"} {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, data, "", indent); err != nil {
			t.Fatal(err)
		}
		for _, input := range [][]byte{pretty.Bytes(), append([]byte("\xef\xbb\xbf"), pretty.Bytes()...)} {
			out := readAll(t, bytes.NewReader(input), limit)
			if len(out) != 1 || out[0].Data != pretty.String() {
				t.Fatalf("%q read as %d records %+v, want one", input, len(out), out)
			}
		}
		lines := bytes.SplitAfter(pretty.Bytes(), []byte("\n"))
		if len(lines) < 2 {
			continue
		}
		truncated := bytes.Join(lines[:int(cut)%(len(lines)-1)+1], nil)
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		input := append(append(bytes.Clone(truncated), compact.Bytes()...), '\n')
		out := readAll(t, bytes.NewReader(input), limit)
		if len(out) < 2 || out[len(out)-1].Data != compact.String() {
			t.Fatalf("%q read as %+v: the last record is not the whole object after the truncated one", input, out)
		}
	}
}
