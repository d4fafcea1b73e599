package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestConsoleStopsOnSignal runs `triage console` in a pseudo-terminal
// (through script(1)) with no daemon running, so that it starts one in
// process, then sends it SIGTERM or SIGHUP. The console must exit and
// its daemon must remove the socket and the info file.
func TestConsoleStopsOnSignal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) from util-linux to give the console a terminal")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := shortTempDir(t)
			d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
			// The pseudo-terminal starts with no size, so stty gives it one.
			cmd := exec.Command(scriptBin, "-qfec", "stty cols 100 rows 30; exec "+triageBin+" console", os.DevNull)
			// TERM=dumb keeps the console from querying the terminal's
			// colours: nothing on this pseudo-terminal would reply.
			cmd.Env = append(d.env(), "TERM=dumb")
			screen := &lockedBuffer{}
			cmd.Stdout = screen
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
			})

			pid := waitConsoleDaemon(t, d.db+".info", exited)
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			// The signal must come while the console runs, after it
			// drew its first screen.
			for deadline := time.Now().Add(30 * time.Second); !strings.Contains(screen.String(), "Escalation queue"); {
				if time.Now().After(deadline) {
					t.Fatalf("console drew no queue within 30s:\n%q", screen.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			// script(1) itself may linger after the console exits, so
			// the test watches the console's process.
			deadline := time.Now().Add(30 * time.Second)
			for syscall.Kill(pid, 0) == nil {
				if time.Now().After(deadline) {
					t.Fatalf("console (pid %d) still running 30s after %v", pid, sig)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if out := screen.String(); strings.Contains(out, "context canceled") {
				t.Errorf("console reported an error on %v:\n%q", sig, out)
			}
			for _, path := range []string{d.socket, d.db + ".info"} {
				if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s left behind after %v: %v", path, sig, err)
				}
			}
		})
	}
}

// waitConsoleDaemon waits until the console's in-process daemon has
// written its info file and returns the pid it names.
func waitConsoleDaemon(t *testing.T, infoPath string, exited <-chan error) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var info struct {
			PID int `json:"pid"`
		}
		if data, err := os.ReadFile(infoPath); err == nil && json.Unmarshal(data, &info) == nil && info.PID > 0 {
			return info.PID
		}
		select {
		case err := <-exited:
			t.Fatalf("console exited before its daemon started: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no daemon info file at %s within 30s", infoPath)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer that a command writes to while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemoStopsOnSignal sends SIGTERM to a running `triage demo` and
// checks that it exits and removes its temporary folder.
func TestDemoStopsOnSignal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) from util-linux to give the console a terminal")
	}
	dir := shortTempDir(t)
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(scriptBin, "-qfec", "stty cols 100 rows 30; exec "+triageBin+" demo", os.DevNull)
	cmd.Env = append(os.Environ(), "TERM=dumb", "TMPDIR="+tmp, "XDG_STATE_HOME="+dir, "NO_COLOR=1")
	screen := &lockedBuffer{}
	cmd.Stdout = screen
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	var infos []string
	for deadline := time.Now().Add(30 * time.Second); len(infos) == 0; infos, _ = filepath.Glob(filepath.Join(tmp, "*", "*.info")) {
		if time.Now().After(deadline) {
			t.Fatalf("demo started no daemon within 30s:\n%q", screen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	pid := waitConsoleDaemon(t, infos[0], exited)
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(screen.String(), "Escalation queue"); {
		if time.Now().After(deadline) {
			t.Fatalf("demo drew no queue within 30s:\n%q", screen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); syscall.Kill(pid, 0) == nil; {
		if time.Now().After(deadline) {
			t.Fatalf("demo (pid %d) still running 30s after SIGTERM", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("demo left %s behind in its temporary folder", e.Name())
	}
}
