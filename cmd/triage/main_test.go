package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage/client"
)

// triageBin is the triage binary built once for this test binary.
var triageBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "triage-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	triageBin = filepath.Join(dir, "triage")
	// The daemon binary is built without the race detector: it makes the
	// end-to-end tests ten times slower, and the engine, API and daemon
	// packages run under -race in-process. TRIAGE_E2E_RACE=1 (make
	// test-e2e-race) builds it with the detector.
	args := []string{"build", "-o", triageBin, "."}
	if os.Getenv("TRIAGE_E2E_RACE") != "" {
		args = []string{"build", "-race", "-o", triageBin, "."}
	}
	build := exec.Command("go", args...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build triage:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// desk is one daemon started for a test on its own database and socket.
type desk struct {
	t      *testing.T
	dir    string
	db     string
	socket string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
	exited chan error
}

// shortTempDir returns a folder whose path is short enough for a Unix
// socket (at most 107 bytes on Linux), removed when the test ends.
func shortTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "tr")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// startDesk starts `triage serve` and waits until it answers.
func startDesk(t *testing.T) *desk {
	t.Helper()
	dir := shortTempDir(t)
	d := &desk{t: t, dir: dir, db: filepath.Join(dir, "t.db"), socket: filepath.Join(dir, "t.sock")}
	d.start()
	t.Cleanup(d.stop)
	return d
}

func (d *desk) env() []string {
	return append(os.Environ(), "TRIAGE_DB="+d.db, "TRIAGE_SOCKET="+d.socket, "XDG_STATE_HOME="+d.dir, "NO_COLOR=1")
}

func (d *desk) start() {
	d.t.Helper()
	d.stderr = &bytes.Buffer{}
	d.cmd = exec.Command(triageBin, "serve")
	d.cmd.Env = d.env()
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.exited = make(chan error, 1)
	go func() { d.exited <- d.cmd.Wait() }()
	waitForDaemon(d.t, d)
}

// waitForDaemon waits until the started daemon answers on its socket.
func waitForDaemon(t *testing.T, d *desk) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c := client.New(d.socket)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Info(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case err := <-d.exited:
			t.Fatalf("daemon exited before answering: %v\n%s", err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not answer within 30s: %v\n%s", err, d.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for a clean exit.
func (d *desk) stop() {
	if d.cmd == nil || d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
		d.t.Errorf("daemon did not stop within 30s after SIGTERM\n%s", d.stderr)
	}
	d.cmd = nil
}

// kill ends the daemon with SIGKILL, as a crash would.
func (d *desk) kill() {
	_ = d.cmd.Process.Kill()
	<-d.exited
	d.cmd = nil
}

// client returns a client of this desk.
func (d *desk) client() *client.Client { return client.New(d.socket) }

// result is what one run of the triage binary printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// run runs the triage binary against this desk with stdin as input.
func (d *desk) run(stdin string, args ...string) result {
	d.t.Helper()
	return runTriage(d.t, d.env(), stdin, args...)
}

func runTriage(t *testing.T, env []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, triageBin, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	res := result{stdout: out.String(), stderr: errOut.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.code = exitErr.ExitCode()
	default:
		t.Fatalf("run triage %v: %v", args, err)
	}
	return res
}

// socketAnswers reports whether something accepts connections on path.
func socketAnswers(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
