package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/algoryn/events"
)

// prettyTime is how pretty lines write the event time.
const prettyTime = "2006-01-02T15:04:05.000Z"

// summaryRunes bounds the payload summary of a pretty line.
const summaryRunes = 120

// shortID is the part of an ID a pretty line shows: its last 8
// characters, the random part of a UUIDv7 (its first characters are the
// time, shared by events of the same minute).
func shortID(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[len(id)-8:]
}

// prettyLine is one event as tail shows it: time, type, source, subject,
// short ID and a one-line summary of the payload.
func prettyLine(e events.Event) string {
	subject := e.Subject()
	if subject == "" {
		subject = "-"
	}
	return fmt.Sprintf("%s  %-20s  %-6s  %-10s  %s  %s", e.Timestamp.UTC().Format(prettyTime), e.Type, e.Source, subject, shortID(e.ID), payloadSummary(e))
}

// payloadSummary writes the payload's set fields as Field=value, with
// durations and times in their usual notation, leaving out the subject
// (shown already). An unknown type's payload is shown as its JSON.
func payloadSummary(e events.Event) string {
	p, err := events.DecodePayload(e)
	if err != nil {
		return truncate(string(e.Payload))
	}
	var parts []string
	flatten(reflect.ValueOf(p), "", e.Subject(), &parts)
	return truncate(strings.Join(parts, " "))
}

// flatten appends the non-zero fields of the struct v as Field=value.
func flatten(v reflect.Value, prefix, subject string, parts *[]string) {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() || fv.IsZero() {
			continue
		}
		name := prefix + f.Name
		switch {
		case f.Type == durationType:
			*parts = append(*parts, name+"="+time.Duration(fv.Int()).String())
		case f.Type == timeType:
			*parts = append(*parts, name+"="+fv.Interface().(time.Time).UTC().Format(prettyTime))
		case f.Type.Kind() == reflect.Struct:
			flatten(fv, name+".", subject, parts)
		case f.Type.Kind() == reflect.String:
			s := fv.String()
			if prefix == "" && s == subject {
				continue
			}
			*parts = append(*parts, name+"="+maybeQuote(s))
		case f.Type.Kind() == reflect.Float64:
			*parts = append(*parts, name+"="+strconv.FormatFloat(fv.Float(), 'g', -1, 64))
		default:
			*parts = append(*parts, fmt.Sprintf("%s=%v", name, fv.Interface()))
		}
	}
}

// maybeQuote quotes s when it has spaces or quotes, so fields stay apart.
func maybeQuote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"=") {
		return strconv.Quote(s)
	}
	return s
}

// truncate bounds s to summaryRunes runes, marking a cut with "…".
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= summaryRunes {
		return s
	}
	r := []rune(s)
	return string(r[:summaryRunes-1]) + "…"
}
