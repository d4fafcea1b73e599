package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage/engine"
)

// newTestServer serves a real engine over a real bbolt file on a loopback
// httptest server.
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(db, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go eng.Run(ctx)
	srv := httptest.NewServer(NewServer(eng, Info{}, nil))
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-eng.Done()
		db.Close()
	})
	return srv
}

func postEvents(t *testing.T, srv *httptest.Server, body string) (*http.Response, []IngestResult) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/v1/events", "application/jsonl", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var results []IngestResult
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var r IngestResult
		if err := json.Unmarshal(sc.Bytes(), &r); err == nil && r.Line > 0 {
			results = append(results, r)
		}
	}
	return resp, results
}

func eventLine(second int, text string) string {
	return fmt.Sprintf(`{"conversation":"c-1","at":"2026-03-02T14:00:%02dZ","role":"customer","type":"message","text":%q}`, second, text)
}

func TestEventsBadLinesAnsweredInPlace(t *testing.T) {
	srv := newTestServer(t)
	body := strings.Join([]string{
		eventLine(1, "first"),
		"{not json",
		"",
		`{"conversation":"c-1","at":"2026-03-02T14:00:03Z","role":"robot","type":"message","text":"x"}`,
		`{"conversation":"c-1","at":"2026-03-02T14:00:04Z","role":"customer","type":"message","text":"` + strings.Repeat("a", MaxLineBytes) + `"}`,
		eventLine(5, "last"),
	}, "\n")
	resp, results := postEvents(t, srv, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	want := map[int]engine.Status{1: engine.StatusAccepted, 2: engine.StatusRejected, 4: engine.StatusRejected,
		5: engine.StatusRejected, 6: engine.StatusAccepted}
	if len(results) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(results), len(want), results)
	}
	for _, r := range results {
		if r.Status != want[r.Line] {
			t.Errorf("line %d: %s (%s), want %s", r.Line, r.Status, r.Error, want[r.Line])
		}
		if r.Status == engine.StatusRejected && r.Error == "" {
			t.Errorf("line %d rejected without a reason", r.Line)
		}
	}
}

func TestEventsTooManyIs413(t *testing.T) {
	srv := newTestServer(t)
	var b strings.Builder
	for i := range MaxEventsPerRequest + 1 {
		fmt.Fprintf(&b, `{"conversation":"c-%d","at":"2026-03-02T14:00:00Z","role":"customer","type":"message","text":"x"}`+"\n", i)
	}
	resp, _ := postEvents(t, srv, b.String())
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

func TestTicketRoutes(t *testing.T) {
	srv := newTestServer(t)
	postEvents(t, srv, eventLine(1, "hello"))
	for path, want := range map[string]int{
		"/v1/tickets/1":       http.StatusOK,
		"/v1/tickets/T-1":     http.StatusOK,
		"/v1/tickets/t-1":     http.StatusOK,
		"/v1/tickets/T-99":    http.StatusNotFound,
		"/v1/queue?all=true":  http.StatusOK,
		"/v1/history":         http.StatusOK,
		"/v1/history?since=x": http.StatusBadRequest,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, err := http.Post(srv.URL+"/v1/tickets/T-1/explode", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown action: status %d, want 404", resp.StatusCode)
	}
}

func TestLeadOnlyRoutesRejectAgents(t *testing.T) {
	srv := newTestServer(t)
	// Over plain TCP there is no Unix peer, so the caller is an agent.
	for _, req := range []struct{ method, path string }{
		{http.MethodPut, "/v1/documents/escalation-policy/default"},
		{http.MethodPost, "/v1/documents/escalation-policy/default/rollback/1"},
		{http.MethodPost, "/v1/history/purge?before=2026-01-01T00:00:00Z"},
	} {
		r, err := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader("kind: escalation-policy\n"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s: status %d, want 403", req.method, req.path, resp.StatusCode)
		}
		if !strings.Contains(string(body), "lead") {
			t.Errorf("%s %s: answer %q does not name the lead role", req.method, req.path, body)
		}
	}
}

func TestNormalizeTicketID(t *testing.T) {
	for in, want := range map[string]string{"12": "T-12", "T-12": "T-12", "t-12": "T-12", "prn": "prn", "g1": "g1"} {
		if got := normalizeTicketID(in); got != want {
			t.Errorf("normalizeTicketID(%q) = %q, want %q", in, got, want)
		}
	}
}
