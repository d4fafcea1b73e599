package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// hookDesk is a daemon started with a Chatwoot webhook receiver.
type hookDesk struct {
	*desk
	url    string
	secret string
}

// startHookDesk starts `triage serve --webhook-listen` on a free loopback
// port, with a secret file when secret is not empty, and waits until the
// receiver answers.
func startHookDesk(t *testing.T, secret string) *hookDesk {
	t.Helper()
	dir := shortTempDir(t)
	d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
	h := &hookDesk{desk: d, secret: secret}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h.url = "http://" + addr + "/chatwoot"
	args := []string{"serve", "--webhook-listen", addr}
	if secret != "" {
		path := filepath.Join(dir, "secret")
		if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--webhook-secret-file", path)
	}
	h.startWith(args)
	t.Cleanup(d.stop)
	return h
}

// startWith starts the daemon with args and waits for the webhook port.
func (h *hookDesk) startWith(args []string) {
	d := h.desk
	d.t.Helper()
	d.stderr = &bytes.Buffer{}
	d.cmd = exec.Command(triageBin, args...)
	d.cmd.Env = d.env()
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(h.url)
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case err := <-d.exited:
			d.t.Fatalf("daemon exited before answering: %v\n%s", err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("webhook receiver did not answer within 30s: %v\n%s", err, d.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restart stops the daemon with SIGTERM and starts it again on the same
// database and port.
func (h *hookDesk) restart(args []string) {
	_ = h.cmd.Process.Signal(syscall.SIGTERM)
	<-h.exited
	h.cmd = nil
	h.startWith(args)
}

// delivery is one webhook request.
type delivery struct {
	body      string
	id        string
	timestamp time.Time
	secret    string // signs with this secret; empty sends no signature
}

// post sends a delivery and returns the status and body of the answer.
func (h *hookDesk) post(t *testing.T, dl delivery) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url, strings.NewReader(dl.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if dl.id != "" {
		req.Header.Set("X-Chatwoot-Delivery", dl.id)
	}
	if !dl.timestamp.IsZero() {
		stamp := strconv.FormatInt(dl.timestamp.Unix(), 10)
		req.Header.Set("X-Chatwoot-Timestamp", stamp)
		if dl.secret != "" {
			mac := hmac.New(sha256.New, []byte(dl.secret))
			mac.Write([]byte(stamp + "." + dl.body))
			req.Header.Set("X-Chatwoot-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func chatwootMessage(id int, conversation int, messageType, content string) string {
	sender := `{"id":7,"name":"Ada Lovelace","email":"ada@example.com","type":"contact"}`
	if messageType == "outgoing" {
		sender = `{"id":3,"name":"Ana","type":"user"}`
	}
	return fmt.Sprintf(`{"event":"message_created","id":%d,"content":%q,"created_at":"2026-03-02T14:%02d:00.000Z",`+
		`"message_type":%q,"private":false,"sender":%s,"conversation":{"id":%d,"status":"open"}}`,
		id, content, id%60, messageType, sender, conversation)
}

func TestWebhookSignedDeliveryIsStoredRedacted(t *testing.T) {
	h := startHookDesk(t, "s3cret")
	body := chatwootMessage(1, 42, "incoming", "still broken, mail me at ada@example.com!!")
	status, answer := h.post(t, delivery{body: body, id: "d-1", timestamp: time.Now(), secret: "s3cret"})
	if status != http.StatusOK || !strings.Contains(answer, `"ingested"`) {
		t.Fatalf("status %d, answer %s", status, answer)
	}
	detail := ticketDetail(t, h.desk, "1")
	if detail.Ticket.Conversation != "cw-42" {
		t.Errorf("conversation = %q, want cw-42", detail.Ticket.Conversation)
	}
	if len(detail.Events) != 1 {
		t.Fatalf("%d events stored, want 1", len(detail.Events))
	}
	ev := detail.Events[0]
	if ev.Text != "still broken, mail me at [email]!!" {
		t.Errorf("stored text = %q, want the address redacted", ev.Text)
	}
	// A hex hash may hold "ada" by chance, so look for what only the
	// address and the name have.
	if ev.Customer == nil || strings.ContainsAny(ev.Customer.Email, "@.") || strings.Contains(ev.Customer.Name, "Ada") {
		t.Errorf("stored customer = %+v, want hashed identity", ev.Customer)
	}
	if ev.Customer != nil && !strings.HasPrefix(ev.Customer.Email, "h-") {
		t.Errorf("customer e-mail = %q, want a keyed hash", ev.Customer.Email)
	}
}

func TestWebhookRejectsBadSignatures(t *testing.T) {
	h := startHookDesk(t, "s3cret")
	body := chatwootMessage(1, 42, "incoming", "hello")
	cases := []struct {
		name string
		dl   delivery
		want string
	}{
		{"wrong secret", delivery{body: body, timestamp: time.Now(), secret: "other"}, "signature mismatch: check the webhook secret"},
		{"unsigned", delivery{body: body}, "missing X-Chatwoot-Timestamp"},
		{"no signature", delivery{body: body, timestamp: time.Now()}, "missing or malformed X-Chatwoot-Signature"},
		{"stale", delivery{body: body, timestamp: time.Now().Add(-6 * time.Minute), secret: "s3cret"}, "stale delivery"},
		{"future", delivery{body: body, timestamp: time.Now().Add(6 * time.Minute), secret: "s3cret"}, "from the future"},
	}
	for _, c := range cases {
		status, answer := h.post(t, c.dl)
		if status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, status)
		}
		if !strings.Contains(answer, c.want) {
			t.Errorf("%s: answer %s lacks %q", c.name, answer, c.want)
		}
	}
	res := h.run("", "queue", "--all", "--json")
	if tickets := decodeQueue(t, res.stdout); len(tickets) != 0 {
		t.Errorf("%d tickets after rejected deliveries, want 0", len(tickets))
	}
}

func TestWebhookRetryStoredOnce(t *testing.T) {
	h := startHookDesk(t, "")
	first := chatwootMessage(1, 5, "incoming", "where is my parcel")
	for i := range 3 {
		status, answer := h.post(t, delivery{body: first, id: "d-same", timestamp: time.Now()})
		if status != http.StatusOK {
			t.Fatalf("delivery %d: status %d, %s", i+1, status, answer)
		}
		if i > 0 && !strings.Contains(answer, `"duplicate"`) {
			t.Errorf("delivery %d: answer %s, want duplicate", i+1, answer)
		}
	}
	// A typing start is stamped on arrival, so only the delivery id can
	// tell a retry from a new start; it must survive a restart.
	typing := `{"event":"conversation_typing_on","conversation":{"id":5},"user":{"id":7,"type":"contact"},"is_private":false}`
	if status, answer := h.post(t, delivery{body: typing, id: "d-typing", timestamp: time.Now()}); status != http.StatusAccepted {
		t.Fatalf("typing: status %d, %s", status, answer)
	}
	h.restart([]string{"serve", "--webhook-listen", strings.TrimSuffix(strings.TrimPrefix(h.url, "http://"), "/chatwoot")})
	status, answer := h.post(t, delivery{body: first, id: "d-same", timestamp: time.Now()})
	if status != http.StatusOK || !strings.Contains(answer, `"duplicate"`) {
		t.Errorf("after restart: status %d, answer %s, want duplicate", status, answer)
	}
	if detail := ticketDetail(t, h.desk, "1"); len(detail.Events) != 1 {
		t.Errorf("%d events stored after retries, want 1", len(detail.Events))
	}
}

func TestWebhookPairsTypingWithMessage(t *testing.T) {
	h := startHookDesk(t, "")
	typing := `{"event":"conversation_typing_on","conversation":{"id":8},"user":{"id":7,"type":"contact"},"is_private":false}`
	if status, _ := h.post(t, delivery{body: typing, id: "t-1"}); status != http.StatusAccepted {
		t.Fatalf("typing start: status %d, want 202", status)
	}
	// The message's created_at is now, so that it follows the typing start.
	msg := strings.Replace(chatwootMessage(2, 8, "incoming", "it crashed again"),
		`"2026-03-02T14:02:00.000Z"`, strconv.Quote(time.Now().Add(2*time.Second).UTC().Format(time.RFC3339)), 1)
	if status, answer := h.post(t, delivery{body: msg, id: "m-2"}); status != http.StatusOK {
		t.Fatalf("message: status %d, %s", status, answer)
	}
	detail := ticketDetail(t, h.desk, "1")
	if len(detail.Events) != 2 {
		t.Fatalf("%d events, want typing and message", len(detail.Events))
	}
	if detail.Events[0].Type != triage.TypeTyping || detail.Events[1].Type != triage.TypeMessage {
		t.Errorf("events = %s, %s; want typing then message", detail.Events[0].Type, detail.Events[1].Type)
	}
}

func TestWebhookRejectsNullSenderAndKeepsRunning(t *testing.T) {
	h := startHookDesk(t, "")
	bad := `{"event":"message_created","id":9,"content":"x","created_at":1772460000,"message_type":0,"sender":null,"conversation":{"id":1}}`
	status, answer := h.post(t, delivery{body: bad, id: "bad-1"})
	if status != http.StatusUnprocessableEntity || !strings.Contains(answer, `sender\": null or missing`) {
		t.Errorf("status %d, answer %s; want 422 naming the sender", status, answer)
	}
	big := `{"event":"message_created","content":"` + strings.Repeat("a", 1<<20) + `"}`
	if status, _ := h.post(t, delivery{body: big}); status != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB body: status %d, want 413", status)
	}
	if status, answer := h.post(t, delivery{body: chatwootMessage(3, 1, "incoming", "hi")}); status != http.StatusOK {
		t.Errorf("after a rejection: status %d, %s", status, answer)
	}
	h.stop()
	if log := h.stderr.String(); !strings.Contains(log, "webhook payload rejected") || !strings.Contains(log, "bad-1") {
		t.Errorf("daemon log lacks a warning with the delivery id:\n%s", log)
	}
}

func TestWebhookRefusesRemoteAddress(t *testing.T) {
	d := startDesk(t)
	d.stop()
	res := d.run("", "serve", "--webhook-listen", "0.0.0.0:0")
	if res.code == 0 || !strings.Contains(res.stderr, "not a loopback address") {
		t.Errorf("exit %d, stderr %q; want a refusal of 0.0.0.0", res.code, res.stderr)
	}
}
