// Package uriref holds the grammar of a URI-reference (RFC 3986) as one
// regular expression, shared by the events package, which matches
// Event.Source against it, and the schema generator, which writes it as
// the envelope schema's Source "pattern".
package uriref

import (
	"regexp"
	"sync"
)

// Pattern is the grammar of a URI-reference in RFC 3986
// (appendix A), ASCII only, as one anchored regular expression. It is the
// one statement of the rule: Event.Validate matches Source against it
// and the envelope's JSON Schema carries it as Source's "pattern" (a test
// holds the two equal). It uses only syntax that RE2 and ECMA-262 share.
var Pattern = func() string {
	const (
		unreserved = `A-Za-z0-9\-._~`
		subDelims  = `!$&'()*+,;=`
		pct        = `%[0-9A-Fa-f]{2}`
	)
	pchar := `(?:[` + unreserved + subDelims + `:@]|` + pct + `)`
	segment := pchar + `*`
	segmentNZ := pchar + `+`
	segmentNZNC := `(?:[` + unreserved + subDelims + `@]|` + pct + `)+` // no ':' (path-noscheme)

	h16 := `[0-9A-Fa-f]{1,4}`
	dec := `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`
	ipv4 := dec + `\.` + dec + `\.` + dec + `\.` + dec
	ls32 := `(?:` + h16 + `:` + h16 + `|` + ipv4 + `)`
	// upTo(n) is "[ *n( h16 ":" ) h16 ]" of the grammar.
	upTo := func(n int) string {
		s := `(?:` + h16
		if n > 0 {
			s = `(?:(?:` + h16 + `:){0,` + string(rune('0'+n)) + `}` + h16
		}
		return s + `)?`
	}
	ipv6 := `(?:` +
		`(?:` + h16 + `:){6}` + ls32 +
		`|::(?:` + h16 + `:){5}` + ls32 +
		`|` + upTo(0) + `::(?:` + h16 + `:){4}` + ls32 +
		`|` + upTo(1) + `::(?:` + h16 + `:){3}` + ls32 +
		`|` + upTo(2) + `::(?:` + h16 + `:){2}` + ls32 +
		`|` + upTo(3) + `::` + h16 + `:` + ls32 +
		`|` + upTo(4) + `::` + ls32 +
		`|` + upTo(5) + `::` + h16 +
		`|` + upTo(6) + `::` +
		`)`
	ipvFuture := `v[0-9A-Fa-f]+\.[` + unreserved + subDelims + `:]+`
	ipLiteral := `\[(?:` + ipv6 + `|` + ipvFuture + `)\]`
	regName := `(?:[` + unreserved + subDelims + `]|` + pct + `)*` // IPv4address is a reg-name too
	userinfo := `(?:[` + unreserved + subDelims + `:]|` + pct + `)*`
	authority := `(?:` + userinfo + `@)?(?:` + ipLiteral + `|` + regName + `)(?::[0-9]*)?`

	pathAbempty := `(?:/` + segment + `)*`
	pathAbsolute := `/(?:` + segmentNZ + `(?:/` + segment + `)*)?`
	pathRootless := segmentNZ + `(?:/` + segment + `)*`
	pathNoscheme := segmentNZNC + `(?:/` + segment + `)*`
	queryOrFragment := `(?:` + pchar + `|[/?])*`
	tail := `(?:\?` + queryOrFragment + `)?(?:#` + queryOrFragment + `)?`

	// Each part may be empty (path-empty).
	hierPart := `(?://` + authority + pathAbempty + `|` + pathAbsolute + `|` + pathRootless + `)?`
	relativePart := `(?://` + authority + pathAbempty + `|` + pathAbsolute + `|` + pathNoscheme + `)?`
	uri := `[A-Za-z][A-Za-z0-9+\-.]*:` + hierPart + tail
	relativeRef := relativePart + tail
	return `^(?:` + uri + `|` + relativeRef + `)$`
}()

// compiled is Pattern, compiled on first use.
var compiled = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(Pattern)
})

// Match reports whether s is a URI-reference per RFC 3986: ASCII
// only, no space, '%' only in a valid escape, brackets only around an IP
// literal host, a ':' in a first relative path segment only after a
// scheme, and so on.
func Match(s string) bool {
	return compiled().MatchString(s)
}
