package events

import (
	"mime"
	"strings"
)

// IsJSONContentType reports whether ct, a Content-Type header or a
// CloudEvents "datacontenttype", names JSON, as the payload of an event
// always is: application/json, text/json, or a type with the structured
// syntax suffix "+json" such as application/cloudevents+json. Case and
// white space are ignored; parameters are allowed, but a charset, if
// given, must be UTF-8, the one encoding of JSON (RFC 8259).
//
// It is the one content-type rule of the module: [FromCloudEvent],
// eventhttp and eventnats all apply it.
func IsJSONContentType(ct string) bool {
	mt, params, hasParams := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	slash := strings.IndexByte(mt, '/')
	if !(mt == "application/json" || mt == "text/json" || (strings.HasSuffix(mt, "+json") && slash > 0 && slash < len(mt)-len("+json")-1)) {
		return false
	}
	if !hasParams {
		return true
	}
	_, ps, err := mime.ParseMediaType(mt + ";" + params)
	if err != nil {
		return false
	}
	cs, ok := ps["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
