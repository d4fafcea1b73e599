package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestIngestRedactsBeforeStorage(t *testing.T) {
	d := startDesk(t)
	input := `{"conversation":"c-pii","at":"2026-03-02T14:00:00Z","role":"customer","type":"message",` +
		`"text":"call me on +44 20 7946 0958 or ada@example.com","customer":{"name":"Ada","email":"ada@example.com"}}` + "\n"
	if res := d.run(input, "ingest"); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	ev := ticketDetail(t, d, "1").Events[0]
	if ev.Text != "call me on [phone] or [email]" {
		t.Errorf("stored text = %q", ev.Text)
	}
	if ev.Customer == nil || ev.Customer.Email == "ada@example.com" || ev.Customer.Name == "Ada" {
		t.Errorf("stored customer = %+v, want hashes", ev.Customer)
	}
}

func TestIngestTWCSThroughDaemon(t *testing.T) {
	path := filepath.Join(testDataDir(t, "twcs-head-threads"), "twcs_head_tweet_ids_1-289.csv")
	d := startDesk(t)
	res := d.run("", "ingest", path)
	if res.code != 0 || !strings.Contains(res.stderr, "201 accepted") {
		t.Fatalf("exit %d, stderr %q; want 201 accepted", res.code, res.stderr)
	}
	if tickets := decodeQueue(t, d.run("", "queue", "--all", "--json").stdout); len(tickets) < 20 {
		t.Errorf("%d tickets, want one per thread", len(tickets))
	}
	if again := d.run("", "ingest", path); !strings.Contains(again.stderr, "0 accepted, 201 duplicates") {
		t.Errorf("second ingest: %q", again.stderr)
	}
}

func TestIngestChatwootSamples(t *testing.T) {
	root := testDataDir(t, "chat-exports")
	paths, _ := filepath.Glob(filepath.Join(root, "chatwoot-webhooks-*", "*.json*"))
	if len(paths) != 10 {
		t.Fatalf("found %d Chatwoot files, want 10", len(paths))
	}
	d := startDesk(t)
	res := d.run("", append([]string{"ingest", "-v"}, paths...)...)
	if res.code != exitRejected {
		t.Errorf("exit %d, want %d for the commented sample", res.code, exitRejected)
	}
	for _, want := range []string{"annotated_message_created_sample.jsonc:3:", "1 rejected", "1 skipped", "webwidget_triggered"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
}
