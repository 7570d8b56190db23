// Package conformance tests github.com/algoryn/events against real peers:
// the CloudEvents Go SDK (format, HTTP binding in both modes), a JSON
// Schema validator (santhosh-tekuri/jsonschema) and the Standard Webhooks
// reference Go library (signatures, both ways). It is a separate module
// so that these heavy dependencies never reach users of the events
// module; nothing imports it. Run its tests from this directory:
//
//	go test -race ./...
//	go test -run '^$' -bench . -benchmem -count 5
package conformance
