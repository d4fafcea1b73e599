package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobodyID is the uid and gid of the unprivileged account named
// "nobody" on Linux.
const nobodyID = 65534

// TestReadOnlyDatabaseIsRejected starts the daemon on a database file
// that its user may read but not write. Root may write any file, so as
// root the daemon runs as the unprivileged account (uid 65534). The
// daemon must exit with an error that names the file and the fix, and
// leave the file unchanged.
func TestReadOnlyDatabaseIsRejected(t *testing.T) {
	d := startDesk(t)
	if _, err := d.client().Ingest(context.Background(), crashEvents(30)); err != nil {
		t.Fatal(err)
	}
	d.stop()
	before, err := os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d.db, 0o444); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(triageBin, "serve")
	// The configuration file is looked up under HOME, which the
	// unprivileged account may not read.
	cmd.Env = append(d.env(), "HOME="+d.dir, "XDG_CONFIG_HOME="+d.dir)
	if os.Geteuid() == 0 {
		bin := filepath.Join(d.dir, "bin", "triage")
		copyExecutable(t, triageBin, bin)
		// The unprivileged account needs to reach the program and to
		// write its state folder, but not the database file.
		if err := os.Chmod(d.dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d.dir, nobodyID, nobodyID); err != nil {
			t.Fatal(err)
		}
		cmd.Path = bin
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("serve on a read-only database: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{d.db, "permission denied", "write access", "--db"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("serve output does not mention %q:\n%s", want, out)
		}
	}
	after, err := os.ReadFile(d.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the read-only database changed (%d bytes before, %d after)", len(before), len(after))
	}
	if _, err := os.Stat(d.socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket %s left behind: %v", d.socket, err)
	}
}

// copyExecutable copies the program at src to dst with mode 0755.
func copyExecutable(t *testing.T, src, dst string) {
	t.Helper()
	// MkdirAll's mode is filtered by the umask, so set it again.
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOthersSocketSaysPermissionDenied runs a client as the unprivileged
// account (uid 65534) against a daemon's private socket. The client must say that it lacks
// permission, and how to get it, rather than that no daemon runs.
func TestOthersSocketSaysPermissionDenied(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a client as another user")
	}
	d := startDesk(t)
	bin := filepath.Join(shortTempDir(t), "bin", "triage")
	copyExecutable(t, triageBin, bin)
	if err := os.Chmod(filepath.Dir(filepath.Dir(bin)), 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, "queue")
	cmd.Env = append(d.env(), "HOME="+home, "XDG_CONFIG_HOME="+home)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("queue on another user's socket: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{d.socket, "permission denied", "--socket-group"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output does not mention %q:\n%s", want, out)
		}
	}
}
