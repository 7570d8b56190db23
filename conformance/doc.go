// Package conformance tests github.com/algoryn/events against real peers:
// the CloudEvents Go SDK (format, HTTP binding in both modes) and a JSON
// Schema validator (santhosh-tekuri/jsonschema). It is a separate module
// so that these heavy dependencies never reach users of the events
// module; nothing imports it. Run its tests from this directory:
//
//	go test -race ./...
//	go test -run '^$' -bench . -benchmem -count 5
package conformance
