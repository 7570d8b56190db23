// Package jsonwire is the one JSON reader and writer of the events
// module: a single-pass validating [Reader], the string escaper and
// unescaper, and the number formats, each agreeing byte for byte with
// encoding/json, the standard library's time and strconv (the
// differential tests and fuzz targets here, and those of the events
// package on the generated payload codecs, hold them to it).
//
// It is internal: the events package and its transports use it, so that
// the envelope, the payloads and CloudEvents are read and written by the
// same code. It is not part of the contract.
package jsonwire
