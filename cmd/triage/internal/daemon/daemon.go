// Package daemon wires the store, the engine and the API into one running
// desk: it takes the database's file lock, claims the socket, serves, and
// shuts down in order. `triage serve` runs it in the foreground and
// `triage demo` in-process.
package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/engine"
)

// Config is where the daemon keeps its database and socket, and how it serves.
type Config struct {
	Database string
	Socket   string
	Logger   *slog.Logger
	Version  string
	// LockTimeout bounds the wait for the database's file lock.
	LockTimeout time.Duration
	// StopNotice is the message every console shows when the daemon
	// stops; empty means a generic one.
	StopNotice string
	// MetricsListen, when set, serves /healthz and /metrics on this
	// loopback TCP address. HealthMaxPending bounds the ingest requests
	// in flight that /healthz accepts (0 means 64).
	MetricsListen    string
	HealthMaxPending int
	// Listen, when set, also serves the API on this loopback TCP address,
	// to holders of the bearer tokens in Tokens.
	Listen string
	Tokens []api.Token
	// Leads are the logins with the lead role on the Unix socket.
	Leads []string
	// SocketGroup, when set, lets members of this group use the socket:
	// the socket gets mode 0660 and its folder 0750, both in this group.
	SocketGroup string
	// NoRedact turns off the redaction of personal data before storage.
	NoRedact bool
	// WebhookListen is the TCP address of the Chatwoot webhook receiver;
	// empty means none. It must be a loopback address unless
	// WebhookAllowRemote is set. WebhookSecret is its signing secret.
	WebhookListen      string
	WebhookSecret      []byte
	WebhookAllowRemote bool
	// SeedPolicy and SeedSLA, when set, are the escalation policy and SLA
	// stored on the first start of a new database in place of the
	// built-in ones.
	SeedPolicy string
	SeedSLA    string
}

// ErrBusy means another daemon already holds the database or the socket.
var ErrBusy = errors.New("another triage daemon is running")

// Daemon is a running desk.
type Daemon struct {
	cfg      Config
	log      *slog.Logger
	db       *store.Live
	engine   *engine.Engine
	server   *http.Server
	listener net.Listener
	tcp      *http.Server
	tcpAddr  string
	webhook  *http.Server

	ops        *opsState
	stopEngine context.CancelFunc
	serveErr   chan error
	stopOnce   sync.Once
	stopErr    error
}

// infoFile is written beside the database so that a second daemon can
// name the running one.
type infoFile struct {
	PID      int       `json:"pid"`
	Socket   string    `json:"socket"`
	Database string    `json:"database"`
	Started  time.Time `json:"started"`
}

// InfoPath returns the path of the info file for a database.
func InfoPath(database string) string { return database + ".info" }

// Start opens the database, claims the socket and starts serving.
func Start(cfg Config) (*Daemon, error) {
	// Checked before the database is created, so that a mistyped path
	// leaves nothing behind.
	if len(cfg.Socket) > maxSocketPath {
		return nil, fmt.Errorf("socket path %s is %d bytes long; Unix sockets allow at most %d: choose a shorter --socket or TRIAGE_SOCKET",
			cfg.Socket, len(cfg.Socket), maxSocketPath)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.LockTimeout == 0 {
		cfg.LockTimeout = time.Second
	}
	tuneGC()
	if err := os.MkdirAll(filepath.Dir(cfg.Database), 0o700); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	_, statErr := os.Stat(cfg.Database)
	created := errors.Is(statErr, os.ErrNotExist)
	db, err := store.OpenLive(cfg.Database, store.Options{Timeout: cfg.LockTimeout})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w: %s", ErrBusy, describeHolder(cfg.Database))
	}
	if err != nil {
		// The store's error names the file and the cause.
		return nil, err
	}
	d := &Daemon{cfg: cfg, log: log, db: db, serveErr: make(chan error, 1)}
	if err := d.start(); err != nil {
		d.stopOps(context.Background())
		_ = db.Close()
		// A database this start created holds nothing yet: leave no
		// empty file behind a start that failed.
		if created {
			_ = os.Remove(cfg.Database)
		}
		return nil, err
	}
	return d, nil
}

// describeHolder names the daemon that holds database, from its info file.
func describeHolder(database string) string {
	data, err := os.ReadFile(InfoPath(database))
	var info infoFile
	if err != nil || json.Unmarshal(data, &info) != nil {
		return fmt.Sprintf("database %s is locked by another process", database)
	}
	return fmt.Sprintf("database %s is held by triage serve (pid %d, socket %s, started %s)",
		database, info.PID, info.Socket, info.Started.Format(time.RFC3339))
}

func (d *Daemon) start() error {
	ln, err := listenUnix(d.cfg.Socket, d.cfg.SocketGroup)
	if err != nil {
		return err
	}
	d.listener = ln
	info := infoFile{PID: os.Getpid(), Socket: d.cfg.Socket, Database: d.cfg.Database, Started: time.Now().UTC()}
	data, _ := json.Marshal(info)
	if err := os.WriteFile(InfoPath(d.cfg.Database), data, 0o600); err != nil {
		d.abandonStart()
		return fmt.Errorf("write daemon info file: %w", err)
	}
	now, err := testClock()
	if err != nil {
		d.abandonStart()
		return err
	}
	if now != nil {
		d.log.Warn("the daemon's clock is set for a test", "env", TestNowEnv, "now", now())
	}
	if err := d.seedDocuments(); err != nil {
		d.abandonStart()
		return err
	}
	eng, err := engine.New(d.db, engine.Options{Logger: d.log.With("part", "engine"), Now: now})
	if err != nil {
		d.abandonStart()
		return err
	}
	d.engine = eng
	engineCtx, cancel := context.WithCancel(context.Background())
	d.stopEngine = cancel
	go eng.Run(engineCtx)
	if err := d.startOps(eng); err != nil {
		d.abandonStart()
		cancel()
		<-eng.Done()
		return err
	}

	srv := api.NewServer(eng, api.Info{
		PID: info.PID, Socket: d.cfg.Socket, Database: d.cfg.Database, Started: info.Started, Version: d.cfg.Version,
	}, d.log.With("part", "api"))
	srv.SetLeads(d.cfg.Leads)
	if err := d.startWebhook(srv); err != nil {
		d.abandonStart()
		cancel()
		<-eng.Done()
		return err
	}
	d.server = srv.HTTPServer()
	d.server.Handler = d.instrument(d.server.Handler)
	if d.cfg.Listen != "" {
		if err := d.listenTCP(srv); err != nil {
			d.abandonStart()
			cancel()
			<-eng.Done()
			return err
		}
	}
	go func() { d.serveErr <- d.server.Serve(ln) }()
	d.log.Info("daemon started", "pid", info.PID, "database", d.cfg.Database, "socket", d.cfg.Socket)
	d.notifySystemd("READY=1")
	return nil
}

// abandonStart closes the socket that a failed start had just created and
// removes its file and the info file, so that nothing stale stays behind.
func (d *Daemon) abandonStart() {
	_ = d.listener.Close()
	for _, path := range []string{d.cfg.Socket, InfoPath(d.cfg.Database)} {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			d.log.Warn("remove file after a failed start", "path", path, "err", err)
		}
	}
}

// listenTCP serves the API on a loopback TCP address behind bearer tokens.
func (d *Daemon) listenTCP(srv *api.Server) error {
	host, _, err := net.SplitHostPort(d.cfg.Listen)
	if err != nil {
		return fmt.Errorf("invalid --listen %q: use HOST:PORT: %w", d.cfg.Listen, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("invalid --listen %q: the API listens on loopback addresses only, such as 127.0.0.1:7070", d.cfg.Listen)
	}
	if len(d.cfg.Tokens) == 0 {
		return errors.New("--listen needs --token-file: the TCP listener requires bearer tokens")
	}
	ln, err := net.Listen("tcp", d.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", d.cfg.Listen, err)
	}
	d.tcpAddr = ln.Addr().String()
	d.tcp = srv.HTTPServer()
	d.tcp.Handler = d.instrument(srv.TCPHandler(d.tcpAddr, d.cfg.Tokens))
	go func() {
		if err := d.tcp.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("TCP listener failed", "err", err, "addr", d.cfg.Listen)
		}
	}()
	d.log.Info("serving on loopback TCP", "addr", ln.Addr().String(), "tokens", len(d.cfg.Tokens))
	return nil
}

// TCPAddr returns the address of the TCP listener, or "" without one.
func (d *Daemon) TCPAddr() string {
	return d.tcpAddr
}

// listenUnix claims a Unix socket with mode 0600, or 0660 in group when
// group is set. A leftover socket file is removed only when nothing accepts connections
// on it.
func listenUnix(path, group string) (net.Listener, error) {
	folderMode, socketMask := os.FileMode(0o700), 0o177
	gid := -1
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return nil, fmt.Errorf("socket group: %w", err)
		}
		gid, _ = strconv.Atoi(g.Gid)
		folderMode, socketMask = 0o750, 0o117
	}
	if err := os.MkdirAll(filepath.Dir(path), folderMode); err != nil {
		return nil, fmt.Errorf("create socket folder: %w", err)
	}
	if err := checkSocketFolder(filepath.Dir(path)); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		conn, dialErr := net.DialTimeout("unix", path, time.Second)
		if dialErr == nil {
			_ = conn.Close()
			return nil, fmt.Errorf("%w: a daemon accepts connections on socket %s; stop it or choose another --socket", ErrBusy, path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale socket %s: %w", path, err)
		}
	}
	// The umask makes the socket 0600 from its creation, with no window
	// in which another user could connect.
	old := syscall.Umask(socketMask)
	ln, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listen on socket %s: %w", path, err)
	}
	if gid >= 0 {
		dir := filepath.Dir(path)
		for _, p := range []string{dir, path} {
			if err := os.Chown(p, -1, gid); err != nil {
				_ = ln.Close()
				return nil, fmt.Errorf("give %s to group %s: %w", p, group, err)
			}
		}
		if err := os.Chmod(dir, folderMode); err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("set mode of socket folder: %w", err)
		}
	}
	// Closing the listener must not unlink a socket another daemon may
	// have taken over; Stop removes it explicitly.
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	return ln, nil
}

// maxSocketPath is the longest Unix socket path Linux accepts: the 108
// bytes of sun_path less the terminating NUL.
const maxSocketPath = 107

// checkSocketFolder rejects a socket folder that others may write to,
// where another user could replace the socket.
func checkSocketFolder(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("socket folder: %w", err)
	}
	if info.Mode().Perm()&0o002 != 0 && info.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("socket folder %s is writable by everyone: put the socket in a private folder (--socket)", dir)
	}
	return nil
}

// Engine returns the daemon's engine.
func (d *Daemon) Engine() *engine.Engine { return d.engine }

// Socket returns the socket path the daemon serves on.
func (d *Daemon) Socket() string { return d.cfg.Socket }

// Wait blocks until the server stops by itself (an error) or ctx ends.
func (d *Daemon) Wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case err := <-d.serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve: %w", err)
	}
}

// Stop stops taking requests, lets in-flight ones finish (their events are
// committed and acknowledged), stops the engine, closes the database and
// removes the socket and info file.
func (d *Daemon) Stop() error {
	d.stopOnce.Do(func() { d.stopErr = d.stop() })
	return d.stopErr
}

func (d *Daemon) stop() error {
	d.log.Info("daemon stopping")
	d.notifySystemd("STOPPING=1")
	notice := d.cfg.StopNotice
	if notice == "" {
		notice = fmt.Sprintf("the daemon (pid %d) is stopping; the console reconnects when one is back", os.Getpid())
	}
	d.engine.Hub().Publish([]triage.Update{{Notice: notice}})
	d.engine.Hub().CloseAll(errors.New("daemon stopping"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.server.Shutdown(ctx); err != nil {
		d.log.Warn("shutdown did not finish in time", "err", err)
		_ = d.server.Close()
	}
	if d.tcp != nil {
		if err := d.tcp.Shutdown(ctx); err != nil {
			_ = d.tcp.Close()
		}
	}
	if d.webhook != nil {
		if err := d.webhook.Shutdown(ctx); err != nil {
			_ = d.webhook.Close()
		}
	}
	d.stopOps(ctx)
	d.stopEngine()
	<-d.engine.Done()
	var errs []error
	if err := d.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close database: %w", err))
	}
	if err := os.Remove(d.cfg.Socket); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("remove socket: %w", err))
	}
	if err := os.Remove(InfoPath(d.cfg.Database)); err != nil && !errors.Is(err, os.ErrNotExist) {
		errs = append(errs, fmt.Errorf("remove info file: %w", err))
	}
	err := errors.Join(errs...)
	if err != nil {
		d.log.Error("daemon stopped with errors", "err", err)
	} else {
		d.log.Info("daemon stopped")
	}
	return err
}
