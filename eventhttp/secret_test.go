package eventhttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// specSecret is the secret of the Standard Webhooks test vectors.
const specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// testSecret returns a valid secret of n bytes, each b.
func testSecret(b byte, n int) string {
	return secretPrefix + base64.StdEncoding.EncodeToString([]byte(strings.Repeat(string(rune(b)), n)))
}

var secretCases = []struct {
	name, secret string
	ok           bool
}{
	{"spec vector", specSecret, true},
	{"32 bytes", testSecret('k', 32), true},
	{"24 bytes", testSecret('k', 24), true},
	{"64 bytes", testSecret('k', 64), true},
	{"trailing newline, as read from a file", specSecret + "\n", true},
	{"empty", "", false},
	{"blank", "  \n", false},
	{"no prefix", strings.TrimPrefix(specSecret, secretPrefix), false},
	{"other prefix", "whsk_" + strings.TrimPrefix(specSecret, secretPrefix), false},
	{"prefix only", secretPrefix, false},
	{"bad base64", secretPrefix + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!", false},
	{"unpadded", strings.TrimRight(testSecret('k', 32), "="), false},
	{"URL alphabet", secretPrefix + "-_-_" + strings.TrimPrefix(specSecret, secretPrefix)[4:], false},
	{"23 bytes", testSecret('k', 23), false},
	{"65 bytes", testSecret('k', 65), false},
}

func TestParseSecret(t *testing.T) {
	for _, tt := range secretCases {
		t.Run(tt.name, func(t *testing.T) {
			k, err := parseSecret(tt.secret)
			if tt.ok {
				if err != nil || k == nil || k.size < minSecretBytes {
					t.Fatalf("parseSecret: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidSecret) {
				t.Fatalf("parseSecret: %v, want ErrInvalidSecret", err)
			}
			assertNoSecretIn(t, err.Error(), tt.secret)
		})
	}
}

func TestParseSecrets(t *testing.T) {
	if _, err := parseSecrets("X", nil); !errors.Is(err, ErrInvalidSecret) {
		t.Errorf("no secret: %v, want ErrInvalidSecret", err)
	}
	bad := strings.TrimPrefix(specSecret, secretPrefix)
	_, err := parseSecrets("X", []string{specSecret, bad})
	if !errors.Is(err, ErrInvalidSecret) || !strings.Contains(err.Error(), "secret 2 of 2") {
		t.Errorf("second bad: %v, want ErrInvalidSecret naming secret 2 of 2", err)
	}
	assertNoSecretIn(t, err.Error(), bad)
	keys, err := parseSecrets("X", []string{specSecret, testSecret('k', 32)})
	if err != nil || len(keys) != 2 {
		t.Errorf("two good: %d keys, %v", len(keys), err)
	}
}

// assertNoSecretIn fails if text shows secret, or any 8 characters of
// its base64 part.
func assertNoSecretIn(t *testing.T, text, secret string) {
	t.Helper()
	enc := strings.TrimPrefix(strings.TrimSpace(secret), secretPrefix)
	for i := 0; i+8 <= len(enc); i++ {
		if strings.Contains(text, enc[i:i+8]) {
			t.Fatalf("%q shows part of the secret (%q)", text, enc[i:i+8])
		}
	}
}

func FuzzParseSecret(f *testing.F) {
	for _, tt := range secretCases {
		f.Add(tt.secret)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := parseSecret(s)
		if err != nil {
			if k != nil || !errors.Is(err, ErrInvalidSecret) {
				t.Fatalf("parseSecret(%q) = %v, %v", s, k, err)
			}
			if enc := strings.TrimPrefix(strings.TrimSpace(s), secretPrefix); len(enc) >= 12 && strings.Contains(err.Error(), enc) {
				t.Fatalf("the error %q shows the secret", err)
			}
			return
		}
		if k.size < minSecretBytes || k.size > maxSecretBytes {
			t.Fatalf("parseSecret(%q): %d bytes", s, k.size)
		}
		// One spelling per key: the key, encoded again, is the secret.
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), secretPrefix))
		if got := secretPrefix + base64.StdEncoding.EncodeToString(b); got != strings.TrimSpace(s) {
			t.Fatalf("parseSecret(%q) accepts a key that encodes as %q", s, got)
		}
		want := hmac.New(sha256.New, b)
		want.Write([]byte("x"))
		got := k.newMAC()
		got.Write([]byte("x"))
		if !hmac.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Fatalf("parseSecret(%q): the key is not the decoded secret", s)
		}
		var inside any = struct{ k *signingKey }{k}
		if text := fmt.Sprintf("%v %+v %#v %s %x", k, []*signingKey{k}, inside, inside, inside); strings.Contains(text, string(b)) || strings.Contains(text, fmt.Sprint(b)) {
			t.Fatalf("printing shows the key: %s", text)
		}
	})
}
