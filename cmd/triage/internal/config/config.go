// Package config reads the daemon's YAML configuration file and layers it
// with environment variables and command-line flags. The precedence, from
// lowest to highest, is: built-in defaults, the file, TRIAGE_* environment
// variables, flags. Every effective value remembers where it came from, so
// that `triage config show` can tell.
package config

import (
	"reflect"
	"strings"
)

// File is the configuration file's content. The json tags name the keys of
// the YAML file. The env and flag tags name the environment variable and
// the flag of `triage serve` that override a key. A flag tag ending in
// ",negate" is a boolean flag that sets the key to false.
type File struct {
	Database    string   `json:"database,omitempty" env:"TRIAGE_DB" flag:"db" jsonschema_description:"Database file. Default: $XDG_DATA_HOME/triage/triage.db."`
	Socket      string   `json:"socket,omitempty" env:"TRIAGE_SOCKET" flag:"socket" jsonschema_description:"Unix socket of the local API. Default: $XDG_RUNTIME_DIR/triage/triage.sock, or triage.sock beside the database when XDG_RUNTIME_DIR is unset."`
	SocketGroup string   `json:"socket_group,omitempty" env:"TRIAGE_SOCKET_GROUP" flag:"socket-group" jsonschema_description:"Group whose members may use the socket (socket mode 0660 and folder 0750). Empty: the owner only."`
	Leads       []string `json:"leads,omitempty" env:"TRIAGE_LEADS" flag:"leads" jsonschema_description:"Logins with the lead role on the socket: they may edit scripts and policies, roll back and purge. The daemon's own user always is one."`
	Listen      string   `json:"listen,omitempty" env:"TRIAGE_LISTEN" flag:"listen" jsonschema_description:"Also serve the API on this loopback TCP address, such as 127.0.0.1:7070. Needs token_file."`
	TokenFile   string   `json:"token_file,omitempty" env:"TRIAGE_TOKEN_FILE" flag:"token-file" jsonschema_description:"Bearer tokens for listen, one NAME ROLE TOKEN a line. The file must have mode 0600."`
	Redact      bool     `json:"redact" env:"TRIAGE_REDACT" flag:"no-redact,negate" jsonschema:"default=true" jsonschema_description:"Redact personal data (e-mails, phone and card numbers, IP and street addresses, customer identities) before it is stored."`
	Retention   Duration `json:"retention,omitempty" env:"TRIAGE_RETENTION" flag:"retention" jsonschema_description:"Purge history and ended tickets older than this, once a day, such as 90d or 12w. Empty or 0 keeps everything."`
	Webhook     Webhook  `json:"webhook,omitzero" jsonschema_description:"The Chatwoot webhook receiver."`
	Metrics     Metrics  `json:"metrics,omitzero" jsonschema_description:"The health and metrics listener."`
	Log         Log      `json:"log,omitzero" jsonschema_description:"The daemon's log on stderr."`
	// FirstStart holds the parameters of the documents the daemon stores
	// when the database has none yet. Later edits go through
	// `triage scripts edit`.
	FirstStart FirstStart `json:"first_start,omitzero" jsonschema_description:"Parameters of the escalation policy and SLA stored on the first start of a new database. Ignored once the documents exist: edit them with triage scripts edit."`
}

// Webhook configures the Chatwoot webhook receiver.
type Webhook struct {
	Listen      string `json:"listen,omitempty" env:"TRIAGE_WEBHOOK_LISTEN" flag:"webhook-listen" jsonschema_description:"Receive Chatwoot webhooks on this TCP address, such as 127.0.0.1:8088. Empty: no receiver."`
	SecretFile  string `json:"secret_file,omitempty" env:"TRIAGE_WEBHOOK_SECRET_FILE" flag:"webhook-secret-file" jsonschema_description:"File holding the Chatwoot webhook secret. Deliveries must then carry a valid X-Chatwoot-Signature."`
	AllowRemote bool   `json:"allow_remote,omitempty" env:"TRIAGE_WEBHOOK_ALLOW_REMOTE" flag:"webhook-allow-remote" jsonschema_description:"Let webhook.listen use a non-loopback address."`
}

// Metrics configures the /healthz and /metrics listener.
type Metrics struct {
	Listen           string `json:"listen,omitempty" env:"TRIAGE_METRICS_LISTEN" flag:"metrics-listen" jsonschema_description:"Serve /healthz and /metrics on this loopback TCP address, such as 127.0.0.1:9464 (no authentication). Empty: no listener."`
	HealthMaxPending int    `json:"health_max_pending,omitempty" env:"TRIAGE_HEALTH_MAX_PENDING" flag:"health-max-pending" jsonschema:"minimum=-1,default=64" jsonschema_description:"Ingest requests in flight above which /healthz reports ingest as not keeping up. -1: any request in flight."`
}

// Log configures the daemon's log.
type Log struct {
	Level  string `json:"level,omitempty" env:"TRIAGE_LOG_LEVEL" flag:"log-level" jsonschema:"enum=debug,enum=info,enum=warn,enum=error,default=info" jsonschema_description:"Log level. Message text is logged only at debug."`
	Format string `json:"format,omitempty" env:"TRIAGE_LOG_FORMAT" flag:"log-format" jsonschema:"enum=text,enum=json,default=text" jsonschema_description:"Log format."`
}

// FirstStart holds the parameters of the documents seeded into a new
// database.
type FirstStart struct {
	Escalation Escalation `json:"escalation,omitzero" jsonschema_description:"The sustained-frustration rule of the default escalation policy."`
	SLA        SLATargets `json:"sla,omitzero" jsonschema_description:"Response targets of the default SLA, per priority."`
}

// Escalation holds the parameters of the default policy's
// sustained-frustration rule.
type Escalation struct {
	FrustrationThreshold float64 `json:"frustration_threshold,omitempty" jsonschema:"exclusiveMinimum=0,maximum=1,default=0.8" jsonschema_description:"Frustration score in (0, 1] at or above which a customer turn counts."`
	ConsecutiveTurns     int     `json:"consecutive_turns,omitempty" jsonschema:"minimum=1,maximum=100,default=2" jsonschema_description:"Consecutive customer turns at or above the threshold that escalate the ticket."`
}

// SLATargets are the default SLA's response targets per priority.
type SLATargets struct {
	Urgent ResponseTargets `json:"urgent,omitzero"`
	High   ResponseTargets `json:"high,omitzero"`
	Normal ResponseTargets `json:"normal,omitzero"`
	Low    ResponseTargets `json:"low,omitzero"`
}

// ResponseTargets are the response targets of one priority.
type ResponseTargets struct {
	FirstResponse Target `json:"first_response,omitempty" jsonschema_description:"Allowed wait for the first agent reply."`
	NextResponse  Target `json:"next_response,omitempty" jsonschema_description:"Allowed wait for the next agent reply after a customer message."`
}

// Defaults returns the built-in settings. Database and Socket are left
// empty because their defaults depend on the environment; Settings.Resolve
// fills them.
func Defaults() File {
	return File{
		Redact:  true,
		Metrics: Metrics{HealthMaxPending: 64},
		Log:     Log{Level: "info", Format: "text"},
		FirstStart: FirstStart{
			Escalation: Escalation{FrustrationThreshold: 0.8, ConsecutiveTurns: 2},
			SLA: SLATargets{
				Urgent: ResponseTargets{FirstResponse: "15m", NextResponse: "30m"},
				High:   ResponseTargets{FirstResponse: "1h", NextResponse: "2h"},
				Normal: ResponseTargets{FirstResponse: "4 business hours", NextResponse: "8 business hours"},
				Low:    ResponseTargets{FirstResponse: "8 business hours", NextResponse: "16 business hours"},
			},
		},
	}
}

// Field describes one setting: a leaf of File.
type Field struct {
	// Key is the dotted path of the setting in the file, such as
	// "webhook.listen".
	Key string
	// Env is the environment variable that overrides it, or "".
	Env string
	// Flag is the name of the `triage serve` flag that overrides it, or "".
	Flag string
	// Negate marks a boolean flag that sets the setting to false.
	Negate      bool
	Description string

	index []int
	typ   reflect.Type
}

// fields lists every setting in the order of File.
var fields = collectFields(reflect.TypeFor[File](), "", nil)

// Fields returns every setting in the order of File.
func Fields() []Field {
	return append([]Field(nil), fields...)
}

// fieldByKey returns the setting with the dotted key, or nil.
func fieldByKey(key string) *Field {
	for i := range fields {
		if fields[i].Key == key {
			return &fields[i]
		}
	}
	return nil
}

func collectFields(t reflect.Type, prefix string, index []int) []Field {
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		name := jsonName(sf)
		if name == "" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		if isSection(sf.Type) {
			out = append(out, collectFields(sf.Type, key, idx)...)
			continue
		}
		flag, negate := strings.CutSuffix(sf.Tag.Get("flag"), ",negate")
		out = append(out, Field{
			Key:         key,
			Env:         sf.Tag.Get("env"),
			Flag:        flag,
			Negate:      negate,
			Description: sf.Tag.Get("jsonschema_description"),
			index:       idx,
			typ:         sf.Type,
		})
	}
	return out
}

// jsonName returns the key a struct field has in the file.
func jsonName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// isSection reports whether a field type is a nested mapping of settings.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct
}

// value returns the field's value inside f.
func (fd *Field) value(f *File) reflect.Value {
	return reflect.ValueOf(f).Elem().FieldByIndex(fd.index)
}

// Value returns the setting's value in f.
func (fd *Field) Value(f *File) any {
	return fd.value(f).Interface()
}
