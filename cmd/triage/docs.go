package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for triage and every command into DIR",
		Long: `Write one man page per command (triage.1, triage-serve.1, ...) into DIR,
generated from the same definitions as --help. Install them with, for
example: triage man ~/.local/share/man/man1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return fmt.Errorf("create %s: %w", args[0], err)
			}
			header := &doc.GenManHeader{Title: "TRIAGE", Section: "1", Source: "triage " + version()}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			if err := doc.GenManTree(root, header, args[0]); err != nil {
				return fmt.Errorf("write man pages: %w", err)
			}
			fmt.Fprintf(os.Stderr, "man pages written to %s\n", args[0])
			return nil
		},
	}
}

// buildInfo is what `triage version --json` prints.
type buildInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commit_time,omitempty"`
	// Modified is nil when the build had no version control information,
	// as when it was built from an exported copy of the source.
	Modified  *bool  `json:"modified,omitempty"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// readBuildInfo collects the version from the module's build information.
func readBuildInfo() buildInfo {
	bi := buildInfo{Version: "unknown", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	bi.Version = info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Commit = s.Value
		case "vcs.time":
			bi.CommitTime = s.Value
		case "vcs.modified":
			modified := s.Value == "true"
			bi.Modified = &modified
		}
	}
	return bi
}

// version returns a one-line version: module version, commit and whether
// the tree had uncommitted changes.
func version() string {
	bi := readBuildInfo()
	v := bi.Version
	if len(bi.Commit) >= 12 {
		v += " (" + bi.Commit[:12]
		if bi.Modified != nil && *bi.Modified {
			v += ", modified"
		}
		v += ")"
	}
	return v
}

func newVersionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of triage",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), readBuildInfo())
			}
			bi := readBuildInfo()
			fmt.Fprintf(cmd.OutOrStdout(), "triage %s %s %s\n", version(), bi.GoVersion, bi.Platform)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: version, commit, commit time, modified, Go version, platform")
	return cmd
}
