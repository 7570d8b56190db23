package events

import "embed"

// SchemaBaseURI is the base of the "$id" of every JSON Schema of this
// package: the envelope is SchemaBaseURI + "event.json", the payload of
// run.completed SchemaBaseURI + "run.completed.json", and so on. The
// envelope schema refers to the payload schemas by these relative names.
const SchemaBaseURI = "https://algoryn.dev/schemas/events/v1/"

//go:embed schemas/*.json
var schemaFiles embed.FS

// Schema returns the JSON Schema (draft 2020-12) of the payload of events
// of type t, and whether there is one: there is for every type in
// [Types]. Its "$id" is [SchemaBaseURI] + t + ".json".
//
// The schema states the types, required fields, numeric bounds, enums and
// formats that the payload's Validate method enforces; a test keeps the
// two in step. Rules that JSON Schema cannot express, such as
// Summary.Failed ≤ Summary.Total, are listed in the schema's
// "description"; Validate remains the full check. Unknown properties are
// allowed, as readers ignore them. The result is a fresh copy.
func Schema(t EventType) ([]byte, bool) {
	if !t.Known() {
		return nil, false
	}
	b, err := schemaFiles.ReadFile("schemas/" + string(t) + ".json")
	return b, err == nil // every known type has a file; a test checks it
}

// EnvelopeSchema returns the JSON Schema (draft 2020-12) of an [Event] as
// [Event.MarshalJSON] writes it, with "$id" [SchemaBaseURI] +
// "event.json". For each type in [Types] it requires the Payload to match
// that type's schema, referred to by "$ref" with the relative name
// "<type>.json", so a validator must be given the payload schemas (from
// [Schema]) as well. The result is a fresh copy.
func EnvelopeSchema() []byte {
	b, _ := schemaFiles.ReadFile("schemas/event.json")
	return b
}
