package config

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the configuration file's JSON Schema.
const SchemaID = "https://triagedesk.github.io/triage/config.schema.json"

// Schema returns the JSON Schema (draft 2020-12) of the configuration
// file, reflected from File. Every key is optional and unknown keys are
// not allowed, as in the daemon's own reading of the file.
func Schema() ([]byte, error) {
	r := &jsonschema.Reflector{
		// Nothing is required: a missing key keeps its default.
		RequiredFromJSONSchemaTags: true,
		DoNotReference:             true,
		ExpandedStruct:             true,
	}
	s := r.Reflect(&File{})
	s.ID = SchemaID
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
