package eventnats

import (
	"fmt"
	"strings"

	"github.com/algoryn/events"
)

// Default subject prefixes.
const (
	// DefaultPrefix is the subject prefix of events: an event of type
	// "run.completed" is published on "algoryn.events.run.completed".
	DefaultPrefix = "algoryn.events"

	// DefaultDeadLetterPrefix is the subject prefix of dead letters. It is
	// outside [DefaultPrefix], so consumers of events never receive dead
	// letters; a dead letter of type "run.completed" is published on
	// "algoryn.dlq.run.completed".
	DefaultDeadLetterPrefix = "algoryn.dlq"
)

// Subject returns the subject on which events of type t are published
// under prefix: prefix + "." + t, e.g. "algoryn.events.run.completed".
// An empty prefix means [DefaultPrefix].
//
// It returns an error matching [ErrInvalidSubject] when prefix or t is
// not a sequence of valid subject tokens (see [ValidatePrefix]).
func Subject(prefix string, t events.EventType) (string, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if err := checkTokens("prefix", prefix); err != nil {
		return "", err
	}
	if err := checkTokens("event type", string(t)); err != nil {
		return "", err
	}
	return prefix + "." + string(t), nil
}

// ValidatePrefix reports whether prefix can be used as a subject prefix:
// one or more non-empty tokens joined by '.', with no wildcard ('*', '>')
// and no whitespace or control characters. The error matches
// [ErrInvalidSubject].
func ValidatePrefix(prefix string) error {
	return checkTokens("prefix", prefix)
}

// checkTokens checks that s is a literal subject (no wildcards). It does
// not allocate unless it fails: it runs on every publish.
func checkTokens(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidSubject, what)
	}
	tok, start := 0, 0
	for i, r := range s {
		switch {
		case r == '.':
			if i == start {
				return fmt.Errorf("%w: %s %q has an empty token at position %d", ErrInvalidSubject, what, s, tok)
			}
			tok++
			start = i + 1
		case r == '*' || r == '>' || r <= ' ' || r == 0x7f:
			return fmt.Errorf("%w: %s %q contains %q, which is not allowed in a subject token", ErrInvalidSubject, what, s, r)
		}
	}
	if start == len(s) {
		return fmt.Errorf("%w: %s %q has an empty token at position %d", ErrInvalidSubject, what, s, tok)
	}
	return nil
}

// typeFromSubject returns the part of subject after prefix + ".", or ""
// if subject is not under prefix.
func typeFromSubject(prefix, subject string) string {
	if len(subject) <= len(prefix)+1 || subject[len(prefix)] != '.' || !strings.HasPrefix(subject, prefix) {
		return ""
	}
	return subject[len(prefix)+1:]
}
