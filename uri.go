package events

import "github.com/algoryn/events/internal/uriref"

// isURIReference reports whether s is a URI-reference per RFC 3986: ASCII
// only, no space, '%' only in a valid escape, brackets only around an IP
// literal host, a ':' in a first relative path segment only after a
// scheme, and so on. The envelope schema's Source "pattern" is the same
// regular expression (see internal/uriref).
func isURIReference(s string) bool { return uriref.Match(s) }
