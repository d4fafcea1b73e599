package config

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// Schema returns the JSON Schema of the configuration file, reflected
// from File. Every key is optional and unknown keys are not allowed, as in
// the daemon's own reading of the file. The schema declares draft-07
// because the YAML language server reads drafts up to 7; the reflector
// emits only keywords that draft-07 has, since it inlines every type
// instead of using $defs.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		// Nothing is required: a missing key keeps its default.
		RequiredFromJSONSchemaTags: true,
		DoNotReference:             true,
		ExpandedStruct:             true,
	}
	s := r.Reflect(&File{})
	s.Version = "http://json-schema.org/draft-07/schema#"
	s.Title = "triage configuration file"
	s.Description = "Settings of triage serve. Environment variables (TRIAGE_*) and flags override them."
	return json.MarshalIndent(s, "", "  ")
}

// JSONSchema describes a Duration in the schema.
func (Duration) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:     "string",
		Pattern:  `^(0|([0-9]+(\.[0-9]+)?(w|d|h|m|s|ms|us|µs|ns))*)$`,
		Examples: []any{"90d", "12w", "36h"},
	}
}

// JSONSchema describes a Target in the schema.
func (Target) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{
		Type:        "string",
		Description: "A duration up to 30 days, such as 15m, 1h30m or 2d, or working time such as \"4 business hours\".",
		Examples:    []any{"15m", "2h", "4 business hours"},
	}
}
