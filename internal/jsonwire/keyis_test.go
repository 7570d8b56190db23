package jsonwire

import "testing"

// TestKeyIs checks the fast path for expected keys: it matches only the
// exact key, consumes it with its colon, and leaves the reader as it was
// otherwise, so that Key can read what it did not take.
func TestKeyIs(t *testing.T) {
	for _, tt := range []struct {
		name, data string
		want       bool
		next       byte // what Peek sees afterwards
	}{
		{"exact", `{"RunID":1}`, true, '1'},
		{"space before colon", `{"RunID" : 1}`, false, '"'},
		{"longer key", `{"RunIDx":1}`, false, '"'},
		{"escaped key", `{"R\u0075nID":1}`, false, '"'},
		{"other case", `{"runid":1}`, false, '"'},
		{"no colon", `{"RunID" 1}`, false, '"'},
		{"cut short", `{"RunI`, false, '"'},
		{"not a key", `{1:2}`, false, '1'},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader([]byte(tt.data))
			if !r.Object() {
				t.Fatalf("Object() = false: %v", r.Err)
			}
			if got := r.KeyIs(`"RunID"`); got != tt.want {
				t.Errorf("KeyIs = %v, want %v", got, tt.want)
			}
			if got := r.Peek(); got != tt.next {
				t.Errorf("next byte %q, want %q", got, tt.next)
			}
			if r.Err != nil {
				t.Errorf("KeyIs set an error: %v", r.Err)
			}
		})
	}
}

// TestKeyIsLeavesSpacedKeysToKey checks that a key after white space is
// not taken by KeyIs, and that Key then reads it.
func TestKeyIsLeavesSpacedKeysToKey(t *testing.T) {
	r := NewReader([]byte(`{"a":1, "RunID":2}`))
	if !r.Object() || !r.KeyIs(`"a"`) || r.Skip() == nil || !r.More() {
		t.Fatalf("reading the first member: %v", r.Err)
	}
	if r.KeyIs(`"RunID"`) {
		t.Fatal("KeyIs took a key after white space")
	}
	key, _, ok := r.Key()
	if !ok || string(key) != "RunID" {
		t.Fatalf("Key() = %q, %v (%v)", key, ok, r.Err)
	}
}

// TestComma checks More's inlined fast path: it takes only a comma that
// comes next, and nothing after an error.
func TestComma(t *testing.T) {
	for _, tt := range []struct {
		data string
		want bool
		next byte
	}{
		{`,"b":2}`, true, '"'},
		{` ,"b":2}`, false, ','},
		{`}`, false, '}'},
		{``, false, 0},
	} {
		r := NewReader([]byte(tt.data))
		if got := r.Comma(); got != tt.want {
			t.Errorf("Comma() on %q = %v, want %v", tt.data, got, tt.want)
		}
		if got := r.Peek(); got != tt.next {
			t.Errorf("after Comma() on %q: next byte %q, want %q", tt.data, got, tt.next)
		}
	}
	r := NewReader([]byte(`{"a":tru,"b":1}`))
	if !r.Object() || !r.KeyIs(`"a"`) {
		t.Fatal("reading the key")
	}
	if _, ok := r.Bool(); ok || r.Err == nil {
		t.Fatal("a broken literal read without error")
	}
	if r.Comma() {
		t.Error("Comma() took a comma after an error")
	}
}
