package eventhttp

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks test vector (the reference libraries' sign test).
const (
	specMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specTimestamp = 1614265330
	specPayload   = `{"test": 2432232314}`
	specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func mustKeys(t testing.TB, secrets ...string) []*signingKey {
	t.Helper()
	keys, err := parseSecrets("test", secrets)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSignSpecVector(t *testing.T) {
	got := string(appendSignatures(nil, mustKeys(t, specSecret), specMsgID, strconv.Itoa(specTimestamp), []byte(specPayload)))
	if got != specSignature {
		t.Errorf("signature %s, want %s", got, specSignature)
	}
	two := string(appendSignatures(nil, mustKeys(t, testSecret('k', 32), specSecret), specMsgID, strconv.Itoa(specTimestamp), []byte(specPayload)))
	if !strings.HasSuffix(two, " "+specSignature) || strings.Count(two, "v1,") != 2 {
		t.Errorf("two keys: %s, want two space-separated signatures, the second %s", two, specSignature)
	}
}

func TestMatches(t *testing.T) {
	keys := mustKeys(t, specSecret)
	ts := strconv.Itoa(specTimestamp)
	other := "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
	tests := []struct {
		name, header string
		want         bool
	}{
		{"valid", specSignature, true},
		{"valid among others (the reference multi-signature case)", strings.Join([]string{other, "v2" + other[2:], specSignature, other}, " "), true},
		{"invalid", other, false},
		{"partial", "v1,", false},
		{"other version", "v1a" + specSignature[2:], false},
		{"no version", specSignature[3:], false},
		{"truncated", specSignature[:len(specSignature)-2], false},
		{"lower case", strings.ToLower(specSignature), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matches(keys, specMsgID, ts, []byte(specPayload), tt.header); got != tt.want {
				t.Errorf("matches(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
	if matches(mustKeys(t, testSecret('k', 32)), specMsgID, ts, []byte(specPayload), specSignature) {
		t.Error("a signature matches under another key")
	}
	if !matches(mustKeys(t, testSecret('k', 32), specSecret), specMsgID, ts, []byte(specPayload), specSignature) {
		t.Error("a signature does not match under the second of two keys")
	}
	for _, changed := range []struct{ id, ts, body string }{
		{specMsgID + "x", ts, specPayload}, {specMsgID, ts + "1", specPayload}, {specMsgID, ts, specPayload + " "},
	} {
		if matches(keys, changed.id, changed.ts, []byte(changed.body), specSignature) {
			t.Errorf("the signature matches %+v", changed)
		}
	}
}

func TestCheckSignatureHeaders(t *testing.T) {
	now := time.Unix(specTimestamp, 0).Add(500 * time.Millisecond)
	header := func(id, ts, sig string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{headerWebhookID: id, headerWebhookTimestamp: ts, headerWebhookSignature: sig} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	at := func(d time.Duration) string { return strconv.FormatInt(time.Unix(specTimestamp, 0).Add(d).Unix(), 10) }
	tests := []struct {
		name string
		h    http.Header
		ok   bool
	}{
		{"valid", header(specMsgID, at(0), specSignature), true},
		{"at the tolerance, past", header(specMsgID, at(-DefaultTolerance+time.Second), specSignature), true},
		{"at the tolerance, future", header(specMsgID, at(DefaultTolerance), specSignature), true},
		{"no id", header("", at(0), specSignature), false},
		{"no timestamp", header(specMsgID, "", specSignature), false},
		{"no signature", header(specMsgID, at(0), ""), false},
		{"too old", header(specMsgID, at(-DefaultTolerance-time.Second), specSignature), false},
		{"too new", header(specMsgID, at(DefaultTolerance+time.Second), specSignature), false},
		{"timestamp in milliseconds", header(specMsgID, at(0)+"000", specSignature), false},
		{"signed timestamp", header(specMsgID, "+"+at(0), specSignature), false},
		{"fractional timestamp", header(specMsgID, at(0)+".5", specSignature), false},
		{"'.' in the id", header("a.b", at(0), specSignature), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := checkSignatureHeaders(tt.h, now, DefaultTolerance)
			if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadSignature)) {
				t.Errorf("checkSignatureHeaders: %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestSignBindsAttributesInBinaryMode(t *testing.T) {
	keys := mustKeys(t, specSecret)
	e := testEvent(t)
	now := time.Now()
	for _, mode := range []Mode{Binary, Structured} {
		h, body, err := encode(e, mode)
		if err != nil {
			t.Fatal(err)
		}
		h[headerWebhookID] = []string{encodeWebhookID(e.ID)}
		if err := sign(h, keys, now, mode, body); err != nil {
			t.Fatal(err)
		}
		sr, err := checkSignatureHeaders(h, now, DefaultTolerance)
		if err != nil {
			t.Fatal(err)
		}
		if err := verify(keys, &sr, h, mode, body); err != nil {
			t.Fatalf("%v: verify: %v", mode, err)
		}
		if mode == Structured {
			if h.Get(headerAttributesSignature) != "" {
				t.Error("structured mode has an attributes signature")
			}
			continue
		}
		for _, a := range signedAttributes {
			changed := h.Clone()
			changed.Set(a.header, h.Get(a.header)+"x")
			if err := verify(keys, &sr, changed, mode, body); !errors.Is(err, ErrBadSignature) {
				t.Errorf("%s changed: verify %v, want ErrBadSignature", a.name, err)
			}
		}
		added := h.Clone()
		added.Del(headerSubject)
		if err := verify(keys, &sr, added, mode, body); !errors.Is(err, ErrBadSignature) {
			t.Errorf("ce-subject dropped: verify %v, want ErrBadSignature", err)
		}
		unsignedAttrs := h.Clone()
		unsignedAttrs.Del(headerAttributesSignature)
		if err := verify(keys, &sr, unsignedAttrs, mode, body); !errors.Is(err, ErrBadSignature) {
			t.Errorf("no attributes signature: verify %v, want ErrBadSignature", err)
		}
		broken := h.Clone()
		broken.Set(headerType, "a\nce-source:b")
		if err := verify(keys, &sr, broken, mode, body); !errors.Is(err, ErrBadSignature) {
			t.Errorf("line break in a header: verify %v, want ErrBadSignature", err)
		}
	}
}

func TestEncodeWebhookID(t *testing.T) {
	for id, want := range map[string]string{
		"0196a1b2-0000-7000-8000-000000000002": "0196a1b2-0000-7000-8000-000000000002",
		"v1.2 ü%":                              "v1%2E2%20%C3%BC%25",
	} {
		got := encodeWebhookID(id)
		if got != want {
			t.Errorf("encodeWebhookID(%q) = %q, want %q", id, got, want)
		}
		if back, err := decodeHeader(got); err != nil || back != id {
			t.Errorf("decodeHeader(%q) = %q, %v, want %q", got, back, err, id)
		}
	}
}

// FuzzSignatureHeader checks the parser of signature headers: it yields
// only 32-byte signatures, and a valid signature is found among any
// other entries.
func FuzzSignatureHeader(f *testing.F) {
	for _, s := range []string{specSignature, "v1,", "v1a,xyz v1,abc", "v1," + strings.Repeat("A", 44), " ,, v1 ,v1,=", specSignature + " " + specSignature} {
		f.Add(s)
	}
	keys := mustKeys(f, specSecret)
	ts := strconv.Itoa(specTimestamp)
	f.Fuzz(func(t *testing.T, v string) {
		forEachSignature(v, func(sig []byte) bool {
			if len(sig) != sha256.Size {
				t.Fatalf("a %d-byte signature from %q", len(sig), v)
			}
			return true
		})
		if !matches(keys, specMsgID, ts, []byte(specPayload), v+" "+specSignature) {
			t.Fatalf("the valid signature is not found after %q", v)
		}
		if !strings.Contains(v, specSignature[3:]) && matches(keys, specMsgID, ts, []byte(specPayload), v) {
			t.Fatalf("%q matches without the signature", v)
		}
	})
}

// FuzzTimestamp checks parseTimestamp against strconv.
func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{"1614265330", "", "+1", "-1", "007", "999999999999999999", "9999999999999999999", "1e9", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTimestamp(s)
		want, err := strconv.ParseInt(s, 10, 64)
		digits := s != "" && strings.Trim(s, "0123456789") == "" && len(s) <= 18
		if ok != digits || (ok && (err != nil || got != want)) {
			t.Fatalf("parseTimestamp(%q) = %d, %v; strconv says %d, %v", s, got, ok, want, err)
		}
	})
}
