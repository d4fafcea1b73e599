package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/config"
)

// Global path flags, shared by every command.
var (
	flagDB     string
	flagSocket string
	flagConfig string
)

func addPathFlags(root *cobra.Command) {
	root.PersistentFlags().StringVar(&flagDB, "db", "", "database file (default $TRIAGE_DB, else the configuration file's database, else $XDG_DATA_HOME/triage/triage.db)")
	root.PersistentFlags().StringVar(&flagSocket, "socket", "", "daemon socket (default $TRIAGE_SOCKET, else the configuration file's socket, else $XDG_RUNTIME_DIR/triage/triage.sock, else beside the database)")
	root.PersistentFlags().StringVar(&flagConfig, "config", "", "configuration file (default $TRIAGE_CONFIG, else $XDG_CONFIG_HOME/triage/config.yaml when it exists)")
}

// configPath resolves --config, TRIAGE_CONFIG and the XDG default, in that
// order. named is false for the XDG default, which may be missing.
func configPath() (path string, named bool) {
	if flagConfig != "" {
		return flagConfig, true
	}
	if env := os.Getenv("TRIAGE_CONFIG"); env != "" {
		return env, true
	}
	return filepath.Join(xdg.ConfigHome, "triage", "config.yaml"), false
}

// loadSettings layers the built-in defaults, the configuration file and
// the TRIAGE_* environment variables. A missing file at the XDG default is
// no error; a missing file named by --config or TRIAGE_CONFIG is. Problems
// in the file's content are kept in the settings for Check.
func loadSettings() (*config.Settings, error) {
	s := config.New()
	path, named := configPath()
	err := s.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !named {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: make the file readable, or name another one with --config or TRIAGE_CONFIG", err)
	}
	s.ApplyEnv(os.LookupEnv)
	return s, nil
}

// clientSettings are the settings that commands other than serve read:
// only the database and socket paths are used. They are loaded once.
var clientSettings = sync.OnceValue(func() *config.Settings {
	s, err := loadSettings()
	if err != nil {
		fmt.Fprintf(os.Stderr, "triage: warning: %v; using the defaults\n", err)
		s = config.New()
		s.ApplyEnv(os.LookupEnv)
	} else if verr := s.FileProblems(); verr != nil {
		fmt.Fprintf(os.Stderr, "triage: warning: configuration file %s is invalid; its invalid settings are ignored (see triage config validate)\n", s.Path)
	}
	if flagDB != "" {
		s.SetFlag("db", flagDB)
	}
	if flagSocket != "" {
		s.SetFlag("socket", flagSocket)
	}
	s.ResolvePaths(xdg.DataHome, os.Getenv("XDG_RUNTIME_DIR"))
	return s
})

// databasePath resolves --db, TRIAGE_DB, the configuration file and the
// XDG default, in that order.
func databasePath() string {
	return clientSettings().Database
}

// socketPath resolves --socket, TRIAGE_SOCKET, the configuration file,
// $XDG_RUNTIME_DIR and the folder of the database, in that order. A
// relative XDG_RUNTIME_DIR is ignored, because the XDG base directory
// specification ignores relative paths.
func socketPath() string {
	return clientSettings().Socket
}

// stateDir is where in-process daemons write their logs.
func stateDir() string {
	return filepath.Join(xdg.StateHome, "triage")
}

// isCobraArgError reports the argument-count errors cobra returns, which
// carry no type of their own.
func isCobraArgError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"accepts ", "requires ", "unknown command", "unknown flag", "invalid argument"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
