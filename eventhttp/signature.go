package eventhttp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of the Standard Webhooks signature scheme, in canonical
// form, and the one this package adds for binary mode.
const (
	headerWebhookID        = "Webhook-Id"
	headerWebhookTimestamp = "Webhook-Timestamp"
	headerWebhookSignature = "Webhook-Signature"
	// headerAttributesSignature signs the ce- attributes of a
	// binary-mode request, which the Standard Webhooks signature, over
	// the body only, leaves out.
	headerAttributesSignature = "Webhook-Ce-Signature"
)

// signatureVersion marks an HMAC-SHA256 signature in a signature header:
// "v1,<base64>".
const signatureVersion = "v1"

// signedAttributes are the headers of a binary-mode request that
// [ReadRequest] reads as attributes, in the order in which the
// attributes signature covers them.
var signedAttributes = [...]struct{ header, name string }{
	{"Content-Type", "content-type"},
	{headerSpecVersion, "ce-specversion"},
	{headerID, "ce-id"},
	{headerSource, "ce-source"},
	{headerType, "ce-type"},
	{headerSubject, "ce-subject"},
	{headerTime, "ce-time"},
}

// sum returns the HMAC-SHA256 under k of id "." ts "." content, the
// content the Standard Webhooks scheme signs.
func sum(k *signingKey, id, ts string, content []byte) [sha256.Size]byte {
	m := k.newMAC()
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(content)
	var s [sha256.Size]byte
	m.Sum(s[:0])
	return s
}

// appendSignatures appends the value of a signature header: "v1,<base64>"
// for each key, separated by spaces, as a sender signing with several
// keys during a rotation does.
func appendSignatures(dst []byte, keys []*signingKey, id, ts string, content []byte) []byte {
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ' ')
		}
		s := sum(k, id, ts, content)
		dst = append(dst, signatureVersion+","...)
		dst = base64.StdEncoding.AppendEncode(dst, s[:])
	}
	return dst
}

// appendAttributes appends the content that the attributes signature
// covers: for each of signedAttributes the request carries, its name,
// ':', its first value as sent and '\n'. A value with a line break, which
// could fake another line, is refused; HTTP does not carry one anyway.
func appendAttributes(dst []byte, h http.Header) ([]byte, error) {
	for _, a := range signedAttributes {
		vs := h[a.header]
		if len(vs) == 0 {
			continue
		}
		if strings.ContainsAny(vs[0], "\r\n") {
			return nil, fmt.Errorf("%w: header %s has a line break", ErrBadSignature, a.name)
		}
		dst = append(dst, a.name...)
		dst = append(dst, ':')
		dst = append(dst, vs[0]...)
		dst = append(dst, '\n')
	}
	return dst, nil
}

// sign sets the timestamp and signature headers of a request whose
// webhook-id header is set, for the time now: the Standard Webhooks
// signature over body, and in binary mode (when the header has ce-
// attributes) the attributes signature too.
func sign(h http.Header, keys []*signingKey, now time.Time, mode Mode, body []byte) error {
	id := h.Get(headerWebhookID)
	ts := strconv.FormatInt(now.Unix(), 10)
	h.Set(headerWebhookTimestamp, ts)
	h.Set(headerWebhookSignature, string(appendSignatures(make([]byte, 0, 48*len(keys)), keys, id, ts, body)))
	if mode != Binary {
		h.Del(headerAttributesSignature)
		return nil
	}
	attrs, err := appendAttributes(make([]byte, 0, 256), h)
	if err != nil {
		return err
	}
	h.Set(headerAttributesSignature, string(appendSignatures(make([]byte, 0, 48*len(keys)), keys, id, ts, attrs)))
	return nil
}

// signedRequest is what the signature headers of a request say, checked
// for form and time before its body is read.
type signedRequest struct {
	id         string // webhook-id as sent, the signed form
	ts         string // webhook-timestamp as sent
	unix       int64  // webhook-timestamp, in seconds since the epoch
	signatures string // webhook-signature
}

// checkSignatureHeaders checks that h has the three Standard Webhooks
// headers, that the ID has no '.' (the separator of the signed content)
// and that the timestamp is within tolerance of now.
func checkSignatureHeaders(h http.Header, now time.Time, tolerance time.Duration) (signedRequest, error) {
	sr := signedRequest{
		id:         h.Get(headerWebhookID),
		ts:         h.Get(headerWebhookTimestamp),
		signatures: h.Get(headerWebhookSignature),
	}
	for _, v := range [...]struct{ name, value string }{
		{"webhook-id", sr.id}, {"webhook-timestamp", sr.ts}, {"webhook-signature", sr.signatures},
	} {
		if v.value == "" {
			return sr, fmt.Errorf("%w: no %s header", ErrBadSignature, v.name)
		}
	}
	if strings.IndexByte(sr.id, '.') >= 0 {
		return sr, fmt.Errorf("%w: webhook-id has a '.', the separator of the signed content", ErrBadSignature)
	}
	unix, ok := parseTimestamp(sr.ts)
	if !ok {
		return sr, fmt.Errorf("%w: webhook-timestamp %.32q is not whole seconds since the epoch", ErrBadSignature, sr.ts)
	}
	sr.unix = unix
	t := time.Unix(unix, 0)
	if d := now.Sub(t); d > tolerance {
		return sr, fmt.Errorf("%w: webhook-timestamp %d is %v in the past, more than the tolerance of %v", ErrBadSignature, unix, d.Truncate(time.Second), tolerance)
	}
	if d := t.Sub(now); d > tolerance {
		return sr, fmt.Errorf("%w: webhook-timestamp %d is %v in the future, more than the tolerance of %v", ErrBadSignature, unix, d.Truncate(time.Second), tolerance)
	}
	return sr, nil
}

// parseTimestamp parses a webhook-timestamp: decimal digits only, at most
// 18 of them (so no overflow).
func parseTimestamp(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// matches reports whether a signature header value, v, has a v1
// signature of id "." ts "." content under one of keys. Each comparison
// takes constant time; entries of other versions (such as v1a) or that
// are not 32 bytes of standard base64 are skipped.
func matches(keys []*signingKey, id, ts string, content []byte, v string) bool {
	var want [4][sha256.Size]byte // the sums of the first keys, on the stack
	sums := want[:0]
	for _, k := range keys {
		sums = append(sums, sum(k, id, ts, content))
	}
	found := false
	forEachSignature(v, func(got []byte) bool {
		for i := range sums {
			if hmac.Equal(got, sums[i][:]) {
				found = true
				return false
			}
		}
		return true
	})
	return found
}

// forEachSignature calls f with each v1 signature of a signature header
// value, decoded, until f returns false. Entries are separated by spaces;
// an entry is "<version>,<base64>".
func forEachSignature(v string, f func(sig []byte) bool) {
	var buf [sha256.Size + 2]byte
	for v != "" {
		var entry string
		entry, v, _ = strings.Cut(v, " ")
		version, enc, ok := strings.Cut(entry, ",")
		if !ok || version != signatureVersion || len(enc) != base64.StdEncoding.EncodedLen(sha256.Size) {
			continue
		}
		n, err := base64.StdEncoding.Decode(buf[:], []byte(enc))
		if err != nil || n != sha256.Size {
			continue
		}
		if !f(buf[:n]) {
			return
		}
	}
}

// verify checks the signatures of a request whose signature headers, sr,
// were checked: the Standard Webhooks signature over its body, and in
// binary mode the attributes signature over its ce- attributes, which
// otherwise nothing would vouch for.
func verify(keys []*signingKey, sr *signedRequest, h http.Header, mode Mode, body []byte) error {
	if !matches(keys, sr.id, sr.ts, body, sr.signatures) {
		return fmt.Errorf("%w: no v1 signature in webhook-signature matches the request under the receiver's keys", ErrBadSignature)
	}
	if mode != Binary {
		return nil
	}
	v := h.Get(headerAttributesSignature)
	if v == "" {
		return fmt.Errorf("%w: a binary-mode request whose ce- attributes are not signed (no webhook-ce-signature header); send it in structured mode, whose signed body holds them", ErrBadSignature)
	}
	attrs, err := appendAttributes(make([]byte, 0, 256), h)
	if err != nil {
		return err
	}
	if !matches(keys, sr.id, sr.ts, attrs, v) {
		return fmt.Errorf("%w: no v1 signature in webhook-ce-signature matches the ce- attributes under the receiver's keys", ErrBadSignature)
	}
	return nil
}
