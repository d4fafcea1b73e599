package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"
)

// Global path flags, shared by every command.
var (
	flagDB     string
	flagSocket string
)

func addPathFlags(root *cobra.Command) {
	root.PersistentFlags().StringVar(&flagDB, "db", "", "database file (default $TRIAGE_DB, else $XDG_DATA_HOME/triage/triage.db)")
	root.PersistentFlags().StringVar(&flagSocket, "socket", "", "daemon socket (default $TRIAGE_SOCKET, else $XDG_RUNTIME_DIR/triage/triage.sock, else beside the database)")
}

// databasePath resolves --db, TRIAGE_DB and the XDG default, in that order.
func databasePath() string {
	if flagDB != "" {
		return flagDB
	}
	if env := os.Getenv("TRIAGE_DB"); env != "" {
		return env
	}
	return filepath.Join(xdg.DataHome, "triage", "triage.db")
}

// socketPath resolves --socket, TRIAGE_SOCKET, $XDG_RUNTIME_DIR and the
// folder of the database, in that order. A relative XDG_RUNTIME_DIR is
// ignored, as the XDG base directory specification asks.
func socketPath() string {
	if flagSocket != "" {
		return flagSocket
	}
	if env := os.Getenv("TRIAGE_SOCKET"); env != "" {
		return env
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "triage", "triage.sock")
	}
	return filepath.Join(filepath.Dir(databasePath()), "triage.sock")
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
