package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// invoicePolicy escalates any customer who mentions an invoice, so that a
// test can tell it from the default policy by its effect.
const invoicePolicy = `kind: escalation-policy
name: default
rules:
  - name: invoice
    when: mentions("invoice")
    escalate: {queue: senior, priority: urgent}
    reason: invoices go to the senior queue
`

// brokenPolicy has two problems: an unknown field and a condition that is
// not boolean.
const brokenPolicy = `kind: escalation-policy
name: default
rules:
  - name: broken
    when: frustration + 1
    colour: red
    escalate: {queue: senior, priority: high}
`

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func decodeDocuments(t *testing.T, out string) []triage.Document {
	t.Helper()
	var docs []triage.Document
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatalf("not a JSON array of documents: %v\n%s", err, out)
	}
	return docs
}

var problemLine = regexp.MustCompile(`(?m)^(\S+):(\d+):(\d+): `)

func TestScriptsValidateWithoutDaemon(t *testing.T) {
	dir := shortTempDir(t)
	env := append(os.Environ(), "TRIAGE_SOCKET="+filepath.Join(dir, "none.sock"), "TRIAGE_DB="+filepath.Join(dir, "none.db"))
	bad := writeFile(t, dir, "bad.yaml", brokenPolicy)
	good := writeFile(t, dir, "good.yaml", scripts.DefaultScripts[0])

	res := runTriage(t, env, "", "scripts", "validate", bad)
	if res.code != exitInvalid {
		t.Fatalf("validate of an invalid file: exit %d, want %d\n%s", res.code, exitInvalid, res.stderr)
	}
	matches := problemLine.FindAllStringSubmatch(res.stderr, -1)
	if len(matches) < 2 {
		t.Fatalf("want at least two FILE:LINE:COL problems, got:\n%s", res.stderr)
	}
	for _, m := range matches {
		if m[1] != bad {
			t.Errorf("problem names file %q, want %q", m[1], bad)
		}
	}
	if !strings.Contains(res.stderr, bad+":5:") || !strings.Contains(res.stderr, bad+":6:") {
		t.Errorf("want problems on lines 5 and 6:\n%s", res.stderr)
	}

	res = runTriage(t, env, "", "scripts", "validate", good)
	if res.code != 0 {
		t.Fatalf("validate of the default script: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, `valid troubleshooting "sign-in-or-connection"`) {
		t.Errorf("validate output = %q", res.stderr)
	}
}

func TestScriptsListSeedsDefaults(t *testing.T) {
	d := startDesk(t)
	res := d.run("", "scripts", "list", "--json")
	if res.code != 0 {
		t.Fatalf("list: exit %d\n%s", res.code, res.stderr)
	}
	docs := decodeDocuments(t, res.stdout)
	kinds := map[string]string{}
	for _, doc := range docs {
		kinds[doc.Name] = doc.Kind
		if doc.Version != 1 || doc.Author != "triage" {
			t.Errorf("seeded %s/%s: version %d by %q, want version 1 by triage", doc.Kind, doc.Name, doc.Version, doc.Author)
		}
	}
	if kinds["default"] != scripts.KindEscalationPolicy {
		t.Errorf("no default escalation policy in %v", kinds)
	}
	if kinds["sign-in-or-connection"] != scripts.KindTroubleshooting {
		t.Errorf("no default troubleshooting script in %v", kinds)
	}
}

func TestScriptsApplyRollbackVersions(t *testing.T) {
	d := startDesk(t)
	good := writeFile(t, d.dir, "invoice.yaml", invoicePolicy)
	bad := writeFile(t, d.dir, "broken.yaml", brokenPolicy)

	res := d.run("", "scripts", "apply", good, "--comment", "invoices are urgent")
	if res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "saved escalation-policy default version 2") {
		t.Errorf("apply output = %q", res.stderr)
	}

	// The engine applies the new policy at once: a calm invoice question
	// now escalates.
	d.run(calmTranscript, "ingest", "--format", "text")
	queue := decodeQueue(t, d.run("", "queue", "--json").stdout)
	if len(queue) != 1 || queue[0].Conversation != "c-calm" || queue[0].Priority != triage.PriorityUrgent {
		t.Fatalf("queue after the invoice policy = %+v, want c-calm at urgent", queue)
	}

	res = d.run("", "scripts", "apply", bad)
	if res.code != exitInvalid {
		t.Fatalf("apply of an invalid policy: exit %d, want %d\n%s", res.code, exitInvalid, res.stderr)
	}
	if !strings.Contains(res.stderr, bad+":5:") {
		t.Errorf("apply problems lack %s:5: %s", bad, res.stderr)
	}

	res = d.run("", "scripts", "rollback", "default", "1")
	if res.code != 0 {
		t.Fatalf("rollback: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "as version 3") {
		t.Errorf("rollback output = %q", res.stderr)
	}

	versions := decodeDocuments(t, d.run("", "scripts", "versions", "default", "--json").stdout)
	if len(versions) != 3 {
		t.Fatalf("got %d versions, want 3 (the invalid apply stores nothing)", len(versions))
	}
	if versions[1].Comment != "invoices are urgent" || versions[1].Body != invoicePolicy {
		t.Errorf("version 2 = %+v", versions[1])
	}
	if versions[2].Body != versions[0].Body || versions[2].Comment != "rollback to version 1" {
		t.Errorf("version 3 is not version 1 again: comment %q", versions[2].Comment)
	}

	res = d.run("", "scripts", "show", "default", "--version", "2")
	if res.code != 0 || res.stdout != invoicePolicy {
		t.Errorf("show --version 2: exit %d, body %q", res.code, res.stdout)
	}
	res = d.run("", "scripts", "show", "default")
	if res.stdout != scripts.DefaultPolicyYAML {
		t.Errorf("show after rollback is not the default policy")
	}

	res = d.run("", "scripts", "rollback", "default", "9")
	if res.code != exitFailure || !strings.Contains(res.stderr, "not found") {
		t.Errorf("rollback to a missing version: exit %d, %q", res.code, res.stderr)
	}
}

func TestScriptsAmbiguousNameNeedsKind(t *testing.T) {
	d := startDesk(t)
	script := strings.Replace(scripts.DefaultScripts[0], "name: sign-in-or-connection", "name: default", 1)
	path := writeFile(t, d.dir, "default-script.yaml", script)
	if res := d.run("", "scripts", "apply", path); res.code != 0 {
		t.Fatalf("apply: exit %d\n%s", res.code, res.stderr)
	}
	res := d.run("", "scripts", "show", "default")
	if res.code != exitUsage || !strings.Contains(res.stderr, "--kind") {
		t.Errorf("show of an ambiguous name: exit %d, %q; want exit 2 naming --kind", res.code, res.stderr)
	}
	res = d.run("", "scripts", "show", "default", "--kind", "troubleshooting")
	if res.code != 0 || res.stdout != script {
		t.Errorf("show --kind troubleshooting: exit %d\n%s", res.code, res.stderr)
	}
	res = d.run("", "scripts", "show", "nosuch")
	if res.code != exitFailure || !strings.Contains(res.stderr, `no script or policy named "nosuch"`) {
		t.Errorf("show of a missing name: exit %d, %q", res.code, res.stderr)
	}
}

// fakeEditor writes a shell script for $VISUAL that replaces the edited
// file with each of versions in turn, one per run, and keeps a copy of
// what it was given on each run as seen-N. The file is its last argument.
func fakeEditor(t *testing.T, dir string, versions ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("#!/bin/sh\nset -e\ndir=" + dir + "\nn=$(cat $dir/runs 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > $dir/runs\nfor f; do :; done\ncp \"$f\" $dir/seen-$n\n")
	for i, v := range versions {
		src := writeFile(t, dir, "version-"+string(rune('1'+i)), v)
		b.WriteString("if [ $n -eq " + string(rune('1'+i)) + " ]; then cp " + src + " \"$f\"; fi\n")
	}
	path := filepath.Join(dir, "editor")
	if err := os.WriteFile(path, []byte(b.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestScriptsEditReopensUntilValid(t *testing.T) {
	d := startDesk(t)
	edits := filepath.Join(d.dir, "edits")
	if err := os.Mkdir(edits, 0o700); err != nil {
		t.Fatal(err)
	}
	editor := fakeEditor(t, edits, brokenPolicy, invoicePolicy)
	// The editor setting carries an argument, as "code --wait" would.
	env := append(d.env(), "VISUAL="+editor+" --wait", "EDITOR=false")
	res := runTriage(t, env, "", "scripts", "edit", "default", "--comment", "edited")
	if res.code != 0 {
		t.Fatalf("edit: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "saved escalation-policy default version 2") {
		t.Errorf("edit output = %q", res.stderr)
	}

	first, err := os.ReadFile(filepath.Join(edits, "seen-1"))
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != scripts.DefaultPolicyYAML {
		t.Errorf("the editor first got %q, want the current policy", first)
	}
	second, err := os.ReadFile(filepath.Join(edits, "seen-2"))
	if err != nil {
		t.Fatal(err)
	}
	header, body, found := strings.Cut(string(second), "\n#\n")
	if !found || !strings.HasPrefix(header, editHeader) {
		t.Fatalf("the reopened file lacks the problem header:\n%s", second)
	}
	if body != brokenPolicy {
		t.Errorf("the reopened file's body is not the invalid edit:\n%s", body)
	}
	// The header's line numbers count its own lines: 2 + 2 problems + 1.
	if !strings.Contains(header, "#   10:") || !strings.Contains(header, "#   11:") {
		t.Errorf("problem lines are not shifted past the header:\n%s", header)
	}
	for _, line := range strings.Split(header, "\n") {
		if !strings.HasPrefix(line, "# ") {
			t.Errorf("header line %q is not a comment", line)
		}
	}

	docs := decodeDocuments(t, d.run("", "scripts", "versions", "default", "--json").stdout)
	if len(docs) != 2 || docs[1].Body != invoicePolicy || docs[1].Comment != "edited" {
		t.Fatalf("versions after edit = %+v", docs)
	}
}

func TestScriptsEditWithoutChangeCancels(t *testing.T) {
	d := startDesk(t)
	env := append(d.env(), "VISUAL=", "EDITOR=true")
	res := runTriage(t, env, "", "scripts", "edit", "sign-in-or-connection")
	if res.code != 0 {
		t.Fatalf("edit: exit %d\n%s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "edit cancelled, no change") {
		t.Errorf("edit output = %q", res.stderr)
	}
	docs := decodeDocuments(t, d.run("", "scripts", "versions", "sign-in-or-connection", "--json").stdout)
	if len(docs) != 1 {
		t.Errorf("got %d versions, want 1", len(docs))
	}
}

func TestScriptsEditQuitAfterProblemFails(t *testing.T) {
	d := startDesk(t)
	edits := filepath.Join(d.dir, "edits")
	if err := os.Mkdir(edits, 0o700); err != nil {
		t.Fatal(err)
	}
	// The second run leaves the reopened file as it is.
	editor := fakeEditor(t, edits, brokenPolicy)
	res := runTriage(t, append(d.env(), "VISUAL="+editor), "", "scripts", "edit", "default")
	if res.code != exitInvalid {
		t.Fatalf("edit: exit %d, want %d\n%s", res.code, exitInvalid, res.stderr)
	}
	if !strings.Contains(res.stderr, "edit abandoned") || !strings.Contains(res.stderr, "not saved") {
		t.Errorf("edit output = %q", res.stderr)
	}
	docs := decodeDocuments(t, d.run("", "scripts", "versions", "default", "--json").stdout)
	if len(docs) != 1 {
		t.Errorf("got %d versions, want 1", len(docs))
	}
}
