package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/cmd/triage/internal/config"
	"github.com/triagedesk/triage/triage/client"
)

// configEnv returns an environment with no TRIAGE_* variables of the
// caller, its own XDG folders under dir, and extra appended.
func configEnv(dir string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TRIAGE_") || strings.HasPrefix(kv, "XDG_") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_STATE_HOME="+filepath.Join(dir, "state"),
		"NO_COLOR=1",
	)
	return append(env, extra...)
}

// writeConfig writes body to the default configuration file under dir
// and returns its path.
func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	path := filepath.Join(dir, "config", "triage", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// shownSetting is one row of `triage config show --json`.
type shownSetting struct {
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Source string `json:"source"`
}

func showSettings(t *testing.T, env []string, args ...string) map[string]shownSetting {
	t.Helper()
	res := runTriage(t, env, "", append([]string{"config", "show", "--json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("config show: exit %d\n%s", res.code, res.stderr)
	}
	var rows []shownSetting
	if err := json.Unmarshal([]byte(res.stdout), &rows); err != nil {
		t.Fatalf("config show --json: %v\n%s", err, res.stdout)
	}
	byKey := map[string]shownSetting{}
	for _, row := range rows {
		byKey[row.Key] = row
	}
	return byKey
}

func TestConfigShowPrecedence(t *testing.T) {
	dir := shortTempDir(t)
	path := writeConfig(t, dir, "# comment line\nlog:\n  level: warn\n")

	cases := []struct {
		name       string
		env        []string
		args       []string
		wantValue  string
		wantSource string
	}{
		{"default", nil, nil, "info", "default"},
		{"file", []string{"TRIAGE_CONFIG=" + path}, nil, "warn", path + ":3"},
		{"env over file", []string{"TRIAGE_CONFIG=" + path, "TRIAGE_LOG_LEVEL=error"}, nil, "error", "env TRIAGE_LOG_LEVEL"},
		{"flag over env", []string{"TRIAGE_CONFIG=" + path, "TRIAGE_LOG_LEVEL=error"}, []string{"--log-level", "debug"}, "debug", "flag --log-level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := configEnv(dir, tc.env...)
			if tc.name == "default" {
				// The default file exists, so point at an empty one.
				env = configEnv(dir, "TRIAGE_CONFIG=/dev/null")
			}
			got := showSettings(t, env, tc.args...)["log.level"]
			if got.Value != tc.wantValue {
				t.Errorf("log.level = %v, want %s", got.Value, tc.wantValue)
			}
			if got.Source != tc.wantSource {
				t.Errorf("log.level source = %q, want %q", got.Source, tc.wantSource)
			}
		})
	}
}

func TestConfigShowSources(t *testing.T) {
	dir := shortTempDir(t)
	writeConfig(t, dir, strings.Join([]string{
		"retention: 90d",
		"redact: false",
		"database: data/desk.db",
		"metrics:",
		"  health_max_pending: 8",
		"first_start:",
		"  escalation:",
		"    consecutive_turns: 3",
		"",
	}, "\n"))
	path := filepath.Join(dir, "config", "triage", "config.yaml")
	env := configEnv(dir, "TRIAGE_WEBHOOK_LISTEN=127.0.0.1:8088")
	res := runTriage(t, env, "", "config", "show", "--leads", "alice,bob")
	if res.code != 0 {
		t.Fatalf("config show: exit %d\n%s", res.code, res.stderr)
	}
	want := map[string][2]string{
		"retention":                  {"90d", path + ":1"},
		"redact":                     {"false", path + ":2"},
		"database":                   {filepath.Join(dir, "config", "triage", "data", "desk.db"), path + ":3"},
		"metrics.health_max_pending": {"8", path + ":5"},
		"first_start.escalation.consecutive_turns": {"3", path + ":8"},
		"webhook.listen": {"127.0.0.1:8088", "env TRIAGE_WEBHOOK_LISTEN"},
		"leads":          {"alice,bob", "flag --leads"},
		"log.format":     {"text", "default"},
		"socket":         {filepath.Join(dir, "config", "triage", "data", "triage.sock"), "default"},
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n")[1:] {
		fields := strings.Fields(line)
		rows[fields[0]] = fields[1:]
	}
	for key, w := range want {
		got, ok := rows[key]
		if !ok {
			t.Errorf("config show lacks %s:\n%s", key, res.stdout)
			continue
		}
		if len(got) != 2 || got[0] != w[0] || got[1] != w[1] {
			// Sources such as "env NAME" hold a space.
			if strings.Join(got, " ") != w[0]+" "+w[1] {
				t.Errorf("%s: got %q, want value %q from %q", key, got, w[0], w[1])
			}
		}
	}
}

// problemLines returns the "FILE:LINE:COLUMN: ..." lines of stderr.
func problemLines(stderr, file string) []string {
	var lines []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, file+":") {
			lines = append(lines, strings.TrimPrefix(line, file+":"))
		}
	}
	return lines
}

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	dir := shortTempDir(t)
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("ops lead 0123456789abcdef0123\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	body := strings.Join([]string{
		"lead: [alice]",                  // 1
		"retention: 90 days",             // 2
		"listen: 192.0.2.7:7070",         // 3
		"token_file: tokens",             // 4
		"webhook:",                       // 5
		"  listen: 0.0.0.0:8088",         // 6
		"  allow_remote: yes please",     // 7
		"metrics:",                       // 8
		"  listen: 198.51.100.1:9464",    // 9
		"  health_max_pending: many",     // 10
		"log:",                           // 11
		"  levle: debug",                 // 12
		"  format: xml",                  // 13
		"secret_file: hook.secret",       // 14
		"first_start:",                   // 15
		"  escalation:",                  // 16
		"    frustration_threshold: 2",   // 17
		"  sla:",                         // 18
		"    high: {first_response: 1y}", // 19
		"",
	}, "\n")
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runTriage(t, configEnv(dir), "", "config", "validate", path)
	if res.code != exitInvalid {
		t.Errorf("config validate: exit %d, want %d", res.code, exitInvalid)
	}
	want := []string{
		`1:1: $.lead: unknown key "lead": did you mean "leads"?`,
		`2:12: $.retention: invalid duration "90 days"`,
		`3:9: $.listen: address "192.0.2.7:7070" is not a loopback address`,
		`4:13: $.token_file: token file ` + tokens + ` has mode 0644: make it readable by its owner only`,
		`6:11: $.webhook.listen: address 0.0.0.0:8088 is not a loopback address`,
		`7:17: $.webhook.allow_remote: must be true or false, not a string`,
		`9:11: $.metrics.listen: invalid metrics address "198.51.100.1:9464"`,
		`10:23: $.metrics.health_max_pending: must be a whole number, not a string`,
		`12:3: $.log.levle: unknown key "levle" in "log": did you mean "level"?`,
		`13:11: $.log.format: invalid log format "xml": use text or json`,
		`14:1: $.secret_file: unknown key "secret_file": did you mean "webhook.secret_file"?`,
		`17:28: $.first_start.escalation.frustration_threshold: invalid threshold 2`,
		`19:28: $.first_start.sla.high.first_response: invalid target "1y"`,
	}
	got := problemLines(res.stderr, path)
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), res.stderr)
	}
	for i, w := range want {
		if i >= len(got) {
			t.Errorf("missing problem %q", w)
			continue
		}
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d:\n got  %s\n want %s...", i+1, got[i], w)
		}
	}
}

func TestConfigValidateAcceptsGoodFile(t *testing.T) {
	dir := shortTempDir(t)
	tokens := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokens, []byte("ops lead 0123456789abcdef0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, dir, strings.Join([]string{
		"# yaml-language-server: $schema=config.schema.json",
		"leads: [alice, bob]",
		"retention: 12w",
		"listen: 127.0.0.1:7070",
		"token_file: " + tokens,
		"webhook:",
		"  listen: 0.0.0.0:8088",
		"  allow_remote: true",
		"log: {level: debug, format: json}",
		"first_start:",
		"  sla:",
		"    normal: {first_response: 2 business hours, next_response: 4h}",
		"",
	}, "\n"))
	res := runTriage(t, configEnv(dir), "", "config", "validate")
	if res.code != 0 {
		t.Errorf("config validate: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, path+": valid") {
		t.Errorf("config validate stderr %q lacks %q", res.stderr, path+": valid")
	}
}

func TestConfigValidateYAMLSyntax(t *testing.T) {
	dir := shortTempDir(t)
	path := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(path, []byte("log:\n  level: [info\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runTriage(t, configEnv(dir), "", "config", "validate", path)
	if res.code != exitInvalid {
		t.Errorf("exit %d, want %d", res.code, exitInvalid)
	}
	got := problemLines(res.stderr, path)
	if len(got) != 1 || !strings.Contains(got[0], "invalid YAML") {
		t.Errorf("problems %q, want one invalid YAML problem\n%s", got, res.stderr)
	}
}

func TestConfigInvalidEnvIsUsageError(t *testing.T) {
	dir := shortTempDir(t)
	res := runTriage(t, configEnv(dir, "TRIAGE_HEALTH_MAX_PENDING=lots"), "", "config", "show")
	if res.code != exitUsage {
		t.Errorf("exit %d, want %d", res.code, exitUsage)
	}
	if !strings.Contains(res.stderr, `invalid TRIAGE_HEALTH_MAX_PENDING "lots"`) {
		t.Errorf("stderr %q does not name the variable", res.stderr)
	}
}

func TestServeRejectsInvalidConfig(t *testing.T) {
	dir := shortTempDir(t)
	socket := filepath.Join(dir, "t.sock")
	path := writeConfig(t, dir, "socket: "+socket+"\nretension: 30d\nlog:\n  format: yaml\n")
	env := configEnv(dir)

	validate := runTriage(t, env, "", "config", "validate")
	serve := runTriage(t, env, "", "serve")
	if serve.code != exitInvalid {
		t.Errorf("serve: exit %d, want %d\n%s", serve.code, exitInvalid, serve.stderr)
	}
	want := problemLines(validate.stderr, path)
	got := problemLines(serve.stderr, path)
	if len(want) != 2 {
		t.Errorf("validate reported %d problems, want 2:\n%s", len(want), validate.stderr)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("serve reported\n%s\nvalidate reported\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := os.Stat(socket); err == nil {
		t.Errorf("serve created the socket %s despite the invalid file", socket)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "triage", "triage.db")); err == nil {
		t.Errorf("serve created the database despite the invalid file")
	}
}

func TestConfigMissingNamedFile(t *testing.T) {
	dir := shortTempDir(t)
	res := runTriage(t, configEnv(dir), "", "config", "show", "--config", filepath.Join(dir, "none.yaml"))
	if res.code != exitInvalid {
		t.Errorf("exit %d, want %d", res.code, exitInvalid)
	}
	if !strings.Contains(res.stderr, "none.yaml") {
		t.Errorf("stderr %q does not name the missing file", res.stderr)
	}
}

// serveWith runs `triage serve` with env and args until it answers on
// socket, then stops it with SIGTERM and returns its stderr.
func serveWith(t *testing.T, env []string, socket string, args ...string) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(triageBin, append([]string{"serve"}, args...)...)
	cmd.Env = env
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.New(socket).Info(ctx)
		cancel()
		if err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("serve exited before answering on %s: %v\n%s", socket, err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("serve did not answer on %s within 30s\n%s", socket, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := <-exited; err != nil {
		t.Errorf("serve exited with %v\n%s", err, stderr.String())
	}
	return stderr.String()
}

func TestServeLayersFileEnvFlags(t *testing.T) {
	dir := shortTempDir(t)
	fileSocket := filepath.Join(dir, "file.sock")
	envSocket := filepath.Join(dir, "env.sock")
	flagSocket := filepath.Join(dir, "flag.sock")
	writeConfig(t, dir, "database: "+filepath.Join(dir, "t.db")+"\nsocket: "+fileSocket+"\nlog:\n  format: json\n")

	t.Run("file", func(t *testing.T) {
		stderr := serveWith(t, configEnv(dir), fileSocket)
		if !strings.HasPrefix(stderr, "{") {
			t.Errorf("log is not JSON as the file sets:\n%s", stderr)
		}
	})
	t.Run("env over file", func(t *testing.T) {
		env := configEnv(dir, "TRIAGE_SOCKET="+envSocket, "TRIAGE_LOG_FORMAT=text")
		stderr := serveWith(t, env, envSocket)
		if !strings.Contains(stderr, "level=INFO") {
			t.Errorf("log is not text as TRIAGE_LOG_FORMAT sets:\n%s", stderr)
		}
	})
	t.Run("flag over env", func(t *testing.T) {
		env := configEnv(dir, "TRIAGE_SOCKET="+envSocket, "TRIAGE_LOG_FORMAT=text")
		stderr := serveWith(t, env, flagSocket, "--socket", flagSocket, "--log-format", "json")
		if !strings.HasPrefix(stderr, "{") {
			t.Errorf("log is not JSON as --log-format sets:\n%s", stderr)
		}
	})
}

func TestClientReadsSocketFromConfig(t *testing.T) {
	dir := shortTempDir(t)
	socket := filepath.Join(dir, "cfg.sock")
	writeConfig(t, dir, "database: t.db\nsocket: "+socket+"\n")
	env := configEnv(dir)
	d := &desk{t: t, dir: dir, socket: socket, stderr: &bytes.Buffer{}}
	d.cmd = exec.Command(triageBin, "serve")
	d.cmd.Env = env
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	t.Cleanup(d.stop)
	waitForDaemon(t, d)

	res := runTriage(t, env, "", "queue", "--json")
	if res.code != 0 {
		t.Errorf("queue with the socket from the file: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "config", "triage", "t.db")); err != nil {
		t.Errorf("database not beside the configuration file: %v", err)
	}
}

func TestConfigSchemaListsEveryKey(t *testing.T) {
	dir := shortTempDir(t)
	res := runTriage(t, configEnv(dir), "", "config", "schema")
	if res.code != 0 {
		t.Fatalf("config schema: exit %d\n%s", res.code, res.stderr)
	}
	var schema struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if schema.AdditionalProperties == nil || *schema.AdditionalProperties {
		t.Errorf("schema allows unknown top-level keys")
	}
	for _, key := range []string{"database", "socket", "socket_group", "leads", "listen", "token_file", "redact", "retention", "webhook", "metrics", "log", "first_start"} {
		if _, ok := schema.Properties[key]; !ok {
			t.Errorf("schema lacks %q", key)
		}
	}
}

func TestServeSeedsFirstStartDocuments(t *testing.T) {
	dir := shortTempDir(t)
	socket := filepath.Join(dir, "t.sock")
	writeConfig(t, dir, strings.Join([]string{
		"database: t.db",
		"socket: " + socket,
		"first_start:",
		"  escalation: {frustration_threshold: 0.65, consecutive_turns: 3}",
		"  sla:",
		"    high: {first_response: 45m, next_response: 3 business hours}",
		"",
	}, "\n"))
	env := configEnv(dir)
	d := &desk{t: t, dir: dir, socket: socket, stderr: &bytes.Buffer{}}
	d.cmd = exec.Command(triageBin, "serve")
	d.cmd.Env = env
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	t.Cleanup(d.stop)
	waitForDaemon(t, d)

	policy := runTriage(t, env, "", "scripts", "show", "default", "--kind", "escalation-policy")
	if policy.code != 0 {
		t.Fatalf("scripts show default: exit %d\n%s", policy.code, policy.stderr)
	}
	for _, want := range []string{"when: frustration >= 0.65\n    for_turns: 3\n", "at or above 0.65 on 3 consecutive customer turns"} {
		if !strings.Contains(policy.stdout, want) {
			t.Errorf("stored policy lacks %q:\n%s", want, policy.stdout)
		}
	}
	sla := runTriage(t, env, "", "scripts", "show", "standard", "--kind", "sla")
	if sla.code != 0 {
		t.Fatalf("scripts show standard: exit %d\n%s", sla.code, sla.stderr)
	}
	if !strings.Contains(sla.stdout, "high: {first_response: 45m, next_response: 3 business hours}") {
		t.Errorf("stored SLA lacks the configured high targets:\n%s", sla.stdout)
	}
}

func TestConfigDocsListEveryKey(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range config.Fields() {
		if field.Env == "" {
			continue
		}
		row := fmt.Sprintf("| `%s`", field.Key)
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/operations.md lacks a row for %s", field.Key)
		}
		if !strings.Contains(string(doc), "`"+field.Env+"`") {
			t.Errorf("docs/operations.md lacks %s", field.Env)
		}
		if !strings.Contains(string(doc), "`--"+field.Flag+"`") {
			t.Errorf("docs/operations.md lacks --%s", field.Flag)
		}
	}
}
