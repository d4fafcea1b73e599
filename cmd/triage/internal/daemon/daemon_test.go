package daemon

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage/api"
)

func startTestDaemon(t *testing.T, cfg Config) *Daemon {
	t.Helper()
	dir, err := os.MkdirTemp("", "td")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cfg.Database = filepath.Join(dir, "t.db")
	cfg.Socket = filepath.Join(dir, "s", "t.sock")
	d, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Stop() })
	return d
}

func TestSocketIsPrivate(t *testing.T) {
	d := startTestDaemon(t, Config{})
	info, err := os.Stat(d.Socket())
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("socket mode = %04o, want 0600", perm)
	}
	dir, err := os.Stat(filepath.Dir(d.Socket()))
	if err != nil {
		t.Fatal(err)
	}
	if perm := dir.Mode().Perm(); perm != 0o700 {
		t.Errorf("socket folder mode = %04o, want 0700", perm)
	}
}

func TestTCPNeedsTokenAndOwnHost(t *testing.T) {
	tokens := []api.Token{
		{Name: "ana", Role: api.RoleAgent, Secret: "ana-secret-0123456789"},
		{Name: "lee", Role: api.RoleLead, Secret: "lee-secret-0123456789"},
	}
	d := startTestDaemon(t, Config{Listen: "127.0.0.1:0", Tokens: tokens})
	addr := d.TCPAddr()
	if addr == "" || strings.HasSuffix(addr, ":0") {
		t.Fatalf("TCP address = %q, want the bound port", addr)
	}
	get := func(host, token string) int {
		req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/queue", nil)
		if err != nil {
			t.Fatal(err)
		}
		if host != "" {
			req.Host = host
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name, host, token string
		want              int
	}{
		{"no token", "", "", http.StatusUnauthorized},
		{"wrong token", "", "ana-secret-0123456780", http.StatusUnauthorized},
		{"agent token", "", tokens[0].Secret, http.StatusOK},
		{"lead token", "", tokens[1].Secret, http.StatusOK},
		{"foreign host", "evil.example:80", tokens[0].Secret, http.StatusMisdirectedRequest},
	}
	for _, c := range cases {
		if got := get(c.host, c.token); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
}

func TestTCPRejectsNonLoopback(t *testing.T) {
	dir := t.TempDir()
	_, err := Start(Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(dir, "t.sock"),
		Listen: "0.0.0.0:0", Tokens: []api.Token{{Name: "a", Role: api.RoleAgent, Secret: "0123456789abcdef"}}})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("Start on 0.0.0.0 = %v, want a loopback-only error", err)
	}
	// The start failed after the socket was created: neither the socket,
	// the info file nor the new, empty database may stay behind.
	for _, path := range []string{filepath.Join(dir, "t.sock"), InfoPath(filepath.Join(dir, "t.db")), filepath.Join(dir, "t.db")} {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind by a failed start: %v", path, err)
		}
	}
}

func TestFailedStartKeepsExistingDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(dir, "t.sock")}
	d, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	cfg.Listen = "0.0.0.0:0"
	cfg.Tokens = []api.Token{{Name: "a", Role: api.RoleAgent, Secret: "0123456789abcdef"}}
	if _, err := Start(cfg); err == nil {
		t.Fatal("Start on 0.0.0.0 succeeded, want a loopback-only error")
	}
	if _, err := os.Stat(cfg.Database); err != nil {
		t.Errorf("a failed start removed the existing database: %v", err)
	}
}

func TestTokenFileMustBePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(path, []byte("ana agent ana-secret-0123456789\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := api.LoadTokenFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("mode 0644 token file: %v, want advice to chmod 600", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	tokens, err := api.LoadTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 || tokens[0].Name != "ana" || tokens[0].Role != api.RoleAgent {
		t.Errorf("tokens = %+v", tokens)
	}
	for _, bad := range []string{"ana boss ana-secret-0123456789", "ana agent short", "a b c d"} {
		if err := os.WriteFile(path, []byte(bad+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := api.LoadTokenFile(path); err == nil {
			t.Errorf("token line %q accepted", bad)
		}
	}
}

func TestWorldWritableSocketFolderRejected(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Start(Config{Database: filepath.Join(dir, "t.db"), Socket: filepath.Join(open, "t.sock")})
	if err == nil || !strings.Contains(err.Error(), "writable by everyone") {
		t.Errorf("Start = %v, want a world-writable folder error", err)
	}
}

func TestStopTellsSubscribers(t *testing.T) {
	d := startTestDaemon(t, Config{StopNotice: "closing for maintenance"})
	sub := d.Engine().Hub().Subscribe(0, d.Engine().Hub().Epoch())
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	var notices []string
	for u := range sub.Updates() {
		if u.Notice != "" {
			notices = append(notices, u.Notice)
		}
	}
	if len(notices) != 1 || notices[0] != "closing for maintenance" {
		t.Errorf("notices = %q, want the stop notice once", notices)
	}
}

func TestLongSocketPathRejectedClearly(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, strings.Repeat("s", 120)+".sock")
	_, err := Start(Config{Database: filepath.Join(dir, "t.db"), Socket: long})
	if err == nil || !strings.Contains(err.Error(), "at most 107") {
		t.Errorf("Start with a %d-byte socket path = %v, want an error naming the limit", len(long), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "t.db")); !os.IsNotExist(err) {
		t.Errorf("a database was created before the socket path was checked: %v", err)
	}
}
