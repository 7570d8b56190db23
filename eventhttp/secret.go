package eventhttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"
)

// Secrets in their text form, as the Standard Webhooks specification
// serializes a symmetric signing key: "whsec_" and the key in standard
// base64 (with padding), 24 to 64 bytes once decoded.
const (
	secretPrefix   = "whsec_"
	minSecretBytes = 24
	maxSecretBytes = 64
)

// signingKey is one HMAC-SHA256 key. The key is held only by a closure,
// which fmt prints as an address, with any verb at any depth: printing a
// Publisher or a handler never shows it (fmt does not call methods, such
// as a redacting String, on unexported fields, and it follows pointers).
type signingKey struct {
	newMAC func() hash.Hash
	size   int // bytes
}

// String returns a text without the key.
func (k *signingKey) String() string { return "eventhttp.signingKey(redacted)" }

// parseSecret decodes one secret in its text form. Its errors say what is
// wrong and never show the secret: not its text, not a part of it.
// Surrounding white space, such as the newline of a secret read from a
// file, is ignored.
func parseSecret(s string) (*signingKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidSecret)
	}
	enc, ok := strings.CutPrefix(s, secretPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: want the %s prefix", ErrInvalidSecret, secretPrefix)
	}
	if strings.ContainsAny(enc, "\r\n") { // which the decoder would skip
		return nil, fmt.Errorf("%w: a line break after %s", ErrInvalidSecret, secretPrefix)
	}
	b, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		// A base64.CorruptInputError is only an offset.
		return nil, fmt.Errorf("%w: not standard base64 after %s: %w", ErrInvalidSecret, secretPrefix, err)
	}
	if len(b) < minSecretBytes || len(b) > maxSecretBytes {
		return nil, fmt.Errorf("%w: %d bytes, want %d to %d", ErrInvalidSecret, len(b), minSecretBytes, maxSecretBytes)
	}
	return &signingKey{newMAC: func() hash.Hash { return hmac.New(sha256.New, b) }, size: len(b)}, nil
}

// parseSecrets parses every secret of an option; what names the option in
// errors, e.g. "WithSigningSecrets".
func parseSecrets(what string, secrets []string) ([]*signingKey, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("eventhttp: %s: %w: no secret given", what, ErrInvalidSecret)
	}
	keys := make([]*signingKey, 0, len(secrets))
	for i, s := range secrets {
		k, err := parseSecret(s)
		if err != nil {
			return nil, fmt.Errorf("eventhttp: %s: secret %d of %d: %w", what, i+1, len(secrets), err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}
