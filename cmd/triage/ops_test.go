package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// longOps makes the backup, restore and compact test use a million
// events: go test ./cmd/triage -run TestBackupRestoreCompact -args -long
var longOps = flag.Bool("long", false, "run the operations tests on a database of a million events")

// opsDesk is a `triage serve` started with extra flags on a database the
// test may fill first.
type opsDesk struct {
	*desk
	args []string
}

// newOpsDesk prepares a desk in a fresh folder without starting it.
func newOpsDesk(t *testing.T, args ...string) *opsDesk {
	t.Helper()
	dir := shortTempDir(t)
	d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
	return &opsDesk{desk: d, args: args}
}

// serve starts the daemon with the desk's extra flags and extra
// environment, and waits until it responds on its socket.
func (d *opsDesk) serve(extraEnv ...string) {
	d.t.Helper()
	d.stderr = &bytes.Buffer{}
	d.cmd = exec.Command(triageBin, append([]string{"serve"}, d.args...)...)
	d.cmd.Env = append(d.env(), extraEnv...)
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	d.t.Cleanup(d.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := client.New(d.socket).Info(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case err := <-d.exited:
			d.t.Fatalf("daemon exited before answering: %v\n%s", err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("daemon did not answer within 30s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fillEvents writes n events over 1,000 conversations straight into the
// database file, without fsync, before the daemon starts.
func fillEvents(t *testing.T, path string, n int) {
	t.Helper()
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	const perTx = 20000
	for start := 0; start < n; start += perTx {
		err := db.Update(func(tx triage.Tx) error {
			for i := start; i < min(start+perTx, n); i++ {
				seq, err := tx.NextEventSeq()
				if err != nil {
					return err
				}
				err = tx.PutEvent(&triage.StoredEvent{Seq: seq, Event: triage.Event{
					ID: fmt.Sprintf("fill-%d", i), Conversation: fmt.Sprintf("fill-%d", i%1000),
					At: base.Add(time.Duration(i) * time.Millisecond), Role: triage.RoleCustomer,
					Type: triage.TypeMessage, Text: fmt.Sprintf("the router keeps dropping the connection, attempt %d", i),
				}})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("fill events from %d: %v", start, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// countFilled counts the events fillEvents wrote and whether conversation
// c-furious exists, reading the file of a stopped daemon.
func countFilled(t *testing.T, path string) (events int, furious bool) {
	t.Helper()
	db, err := store.Open(path, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx triage.ReadTx) error {
		for c := range 1000 {
			err := tx.ConversationEvents(fmt.Sprintf("fill-%d", c), func(*triage.StoredEvent) error {
				events++
				return nil
			})
			if err != nil {
				return err
			}
		}
		conv, err := tx.Conversation("c-furious")
		furious = conv != nil
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, furious
}

func TestBackupRestoreCompact(t *testing.T) {
	n := 50000
	if *longOps {
		n = 1000000
	}
	d := newOpsDesk(t)
	fillEvents(t, d.db, n)
	d.serve()

	backup := filepath.Join(d.dir, "backup.db")
	res := d.run("", "backup", backup)
	if res.code != 0 {
		t.Fatalf("backup exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "backed up") {
		t.Errorf("backup summary = %q", res.stderr)
	}
	if _, err := os.Stat(backup + ".tmp"); err == nil {
		t.Errorf("backup left %s.tmp behind", backup)
	}
	t.Logf("backup of %d events: %s", n, strings.TrimSpace(res.stderr))

	// Events taken after the backup are not in it.
	if res := d.run(furiousTranscript, "ingest", "--format", "text"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	res = d.run("", "restore", backup)
	if res.code != exitFailure || !strings.Contains(res.stderr, "stop the running") {
		t.Errorf("restore while the daemon runs: exit %d, %q; want 1 and advice to stop it", res.code, res.stderr)
	}
	d.stop()

	res = d.run("", "restore", backup)
	if res.code != 0 {
		t.Fatalf("restore exit %d: %s", res.code, res.stderr)
	}
	if events, furious := countFilled(t, d.db); events != n || furious {
		t.Errorf("restored database: %d events, c-furious %v; want %d and false", events, furious, n)
	}
	if events, furious := countFilled(t, d.db+store.BeforeRestoreSuffix); events != n || !furious {
		t.Errorf("%s: %d events, c-furious %v; want %d and true", store.BeforeRestoreSuffix, events, furious, n)
	}

	res = d.run("", "compact")
	if res.code != 0 {
		t.Fatalf("compact exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, "KiB ->") {
		t.Errorf("compact did not print the sizes: %q", res.stderr)
	}
	t.Logf("compact of %d events: %s", n, strings.TrimSpace(res.stderr))
	if events, _ := countFilled(t, d.db); events != n {
		t.Errorf("after compact: %d events, want %d", events, n)
	}

	// The daemon starts on the restored and compacted file, and an
	// erasure rewrites the whole file while it runs.
	d.serve()
	queue := decodeQueue(t, d.run("", "queue", "--json").stdout)
	if len(queue) != 0 {
		t.Errorf("queue after restore has %d tickets, want none", len(queue))
	}
	start := time.Now()
	res = d.run("", "forget", "nobody@example.com")
	if res.code != 0 || !strings.Contains(res.stdout, "rewrote the database file") {
		t.Errorf("forget on %d events: exit %d, %q %q", n, res.code, res.stdout, res.stderr)
	}
	t.Logf("forget with a rewrite of %d events took %s: %s", n, time.Since(start).Round(time.Millisecond),
		strings.ReplaceAll(strings.TrimSpace(res.stdout), "\n", "; "))
}

func TestRestoreRejectsForeignFile(t *testing.T) {
	d := newOpsDesk(t)
	fillEvents(t, d.db, 10)
	bad := filepath.Join(d.dir, "notes.txt")
	if err := os.WriteFile(bad, bytes.Repeat([]byte("meeting notes\n"), 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	res := d.run("", "restore", bad)
	if res.code != exitFailure {
		t.Errorf("restore of a text file: exit %d, want 1", res.code)
	}
	if !strings.Contains(res.stderr, "not a database file") {
		t.Errorf("restore of a text file: %q, want it to say not a database file", res.stderr)
	}
	after, err := os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("a rejected restore changed the database file")
	}
}

// forgetEvents returns JSON Lines events: 30 conversations of one
// customer with a distinctive email and phrase, and 10 of others.
func forgetEvents(email, phrase string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for c := range 40 {
		customer := &triage.Customer{Name: "Marguerite", Email: email}
		topic := phrase
		if c >= 30 {
			customer = &triage.Customer{Email: fmt.Sprintf("other-%d@example.com", c)}
			topic = "my invoice"
		}
		conv := fmt.Sprintf("conv-%d", c)
		start := base.Add(time.Duration(c) * time.Hour)
		lines := []string{"Hello, " + topic + " is broken again", "Still broken!!! " + topic + " useless", "I want to speak to a manager"}
		for i, line := range lines {
			_ = enc.Encode(triage.Event{ID: fmt.Sprintf("%s-%d", conv, i), Conversation: conv,
				At: start.Add(time.Duration(i) * 10 * time.Second), Role: triage.RoleCustomer,
				Type: triage.TypeMessage, Text: line, Customer: customer})
		}
		_ = enc.Encode(triage.Event{ID: conv + "-agent", Conversation: conv, At: start.Add(time.Minute),
			Role: triage.RoleAgent, Type: triage.TypeMessage, Text: "Sorry about " + topic + ", let me look"})
	}
	return b.String()
}

func TestForgetLeavesNoBytes(t *testing.T) {
	const email, phrase = "marguerite.okonkwo@example.net", "lavender submarine warranty"
	d := newOpsDesk(t)
	d.serve()
	if res := d.run(forgetEvents(email, phrase), "ingest", "--format", "jsonl"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	data, err := os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(phrase)) {
		t.Fatalf("the database file does not hold the phrase before forget; the test proves nothing")
	}
	escalated := len(decodeQueue(t, d.run("", "queue", "--json").stdout))
	if escalated != 40 {
		t.Fatalf("%d escalated tickets before forget, want 40", escalated)
	}

	res := d.run("", "forget", "--json", strings.ToUpper(email))
	if res.code != 0 {
		t.Fatalf("forget exit %d: %s", res.code, res.stderr)
	}
	var sum triage.ErasureSummary
	if err := json.Unmarshal([]byte(res.stdout), &sum); err != nil {
		t.Fatalf("forget --json: %v\n%s", err, res.stdout)
	}
	if sum.Conversations != 30 || sum.Events != 120 || sum.Tickets != 30 {
		t.Errorf("forget removed %d conversations, %d events, %d tickets; want 30, 120, 30",
			sum.Conversations, sum.Events, sum.Tickets)
	}
	if sum.SizeAfter == 0 || sum.RewriteError != "" {
		t.Errorf("forget did not rewrite the file: %+v", sum)
	}

	data, err = os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{email, phrase, "lavender", "Marguerite"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the database file still contains %q after forget", secret)
		}
	}
	if n := len(decodeQueue(t, d.run("", "queue", "--json").stdout)); n != 10 {
		t.Errorf("%d escalated tickets after forget, want the other 10", n)
	}
	history := d.run("", "history", "--kind", "escalated", "--format", "json").stdout
	if got := strings.Count(history, "\n"); got != 40 {
		t.Errorf("history lists %d escalations after forget, want all 40 kept for the counts", got)
	}
	if strings.Contains(history, phrase) || strings.Contains(history, "conv-0\"") {
		t.Errorf("history still names the erased conversations or phrase")
	}

	// A second request finds nothing, and the text summary reports that.
	res = d.run("", "forget", email)
	if res.code != 0 || !strings.Contains(res.stdout, "removed 0 conversations") {
		t.Errorf("second forget: exit %d, %q", res.code, res.stdout)
	}
	// The daemon goes on after the rewrite.
	if res := d.run(calmTranscript, "ingest", "--format", "text"); res.code != 0 {
		t.Errorf("ingest after forget: exit %d: %s", res.code, res.stderr)
	}
}

// freeLoopbackAddr returns a loopback address with a port that was free
// a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// socketHTTP returns an HTTP client that dials the daemon's socket.
func socketHTTP(socket string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", socket)
	}}}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestMetricsScrape(t *testing.T) {
	addr := freeLoopbackAddr(t)
	d := newOpsDesk(t, "--metrics-listen", addr)
	d.serve()
	input := furiousTranscript + "\n"
	if res := d.run(input, "ingest", "--format", "text"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	d.run(furiousTranscript, "ingest", "--format", "text")
	// `triage ingest` rejects invalid lines itself, so these go straight
	// to the daemon's ingest route.
	bad := `{"conversation":"c-bad","role":"customer","type":"message","text":"x"}
{"conversation":"c-bad","at":"2026-03-02T14:00:00Z","role":"robot","type":"message","text":"x"}
not json
`
	resp, err := socketHTTP(d.socket).Post("http://triage/v1/events", "application/jsonl", strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	status, body := get(t, "http://"+addr+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: %d", status)
	}
	for _, want := range []string{
		`triage_events_ingested_total{status="accepted"} 7`,
		`triage_events_ingested_total{status="duplicate"} 7`,
		`triage_events_ingested_total{status="rejected"} 3`,
		`triage_events_rejected_total{reason="field_role"} 1`,
		`triage_events_rejected_total{reason="field_at"} 1`,
		`triage_events_rejected_total{reason="invalid_json"} 1`,
		`triage_queue_depth{priority="high",queue="senior",status="escalated"} 1`,
		`triage_sla_breaches_total 0`,
		`triage_commit_duration_seconds_count{result="committed"}`,
		`triage_ingest_pending_requests 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if !strings.Contains(body, `triage_escalations_total{rule="`) {
		t.Errorf("/metrics counts no escalation by rule")
	}
	status, body = get(t, "http://"+addr+"/healthz")
	if status != http.StatusOK {
		t.Errorf("GET /healthz: %d %s, want 200", status, body)
	}
	var health struct {
		Status   string `json:"status"`
		Database struct {
			OK bool `json:"ok"`
		} `json:"database"`
	}
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		t.Fatalf("healthz body: %v\n%s", err, body)
	}
	if health.Status != "ok" || !health.Database.OK {
		t.Errorf("healthz = %s, want ok", body)
	}
}

func TestHealthReportsIngestBacklog(t *testing.T) {
	addr := freeLoopbackAddr(t)
	d := newOpsDesk(t, "--metrics-listen", addr, "--health-max-pending", "-1")
	d.serve()

	// An ingest request whose body is still open is taken but not yet
	// responded to.
	body, writer := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, "http://triage/v1/events", body)
	if err != nil {
		t.Fatal(err)
	}
	hc := socketHTTP(d.socket)
	done := make(chan error, 1)
	go func() {
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	if _, err := io.WriteString(writer, `{"conversation":"c-1","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"hi"}`+"\n"); err != nil {
		t.Fatal(err)
	}

	// The bytes written may still be on their way to the daemon, so the
	// health check is asked until it counts the request.
	status, text := get(t, "http://"+addr+"/healthz")
	for deadline := time.Now().Add(10 * time.Second); status != http.StatusServiceUnavailable && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		status, text = get(t, "http://"+addr+"/healthz")
	}
	if status != http.StatusServiceUnavailable || !strings.Contains(text, `"pending_requests":1`) {
		t.Errorf("healthz with an ingest request in flight: %d %s, want 503 and 1 pending", status, text)
	}
	writer.Close()
	if err := <-done; err != nil {
		t.Fatalf("ingest request: %v", err)
	}
	status, text = get(t, "http://"+addr+"/healthz")
	if status != http.StatusOK {
		t.Errorf("healthz after the request finished: %d %s, want 200", status, text)
	}
}

func TestMetricsListenRejectsRemote(t *testing.T) {
	d := newOpsDesk(t)
	res := runTriage(t, d.env(), "", "serve", "--metrics-listen", "0.0.0.0:9464")
	if res.code != exitFailure || !strings.Contains(res.stderr, "loopback") {
		t.Errorf("serve --metrics-listen 0.0.0.0:9464: exit %d, %q; want 1 and a loopback message", res.code, res.stderr)
	}
}

func TestSystemdNotify(t *testing.T) {
	dir := shortTempDir(t)
	sock := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	d := newOpsDesk(t)
	d.serve("NOTIFY_SOCKET=" + sock)

	read := func() string {
		buf := make([]byte, 256)
		if err := conn.SetReadDeadline(time.Now().Add(30 * time.Second)); err != nil {
			t.Fatal(err)
		}
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("read notification: %v", err)
		}
		return string(buf[:n])
	}
	if got := read(); got != "READY=1" {
		t.Errorf("first notification = %q, want READY=1", got)
	}
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "STOPPING=1" {
		t.Errorf("notification on SIGTERM = %q, want STOPPING=1", got)
	}
	d.stop()
}
