package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"text/tabwriter"

	"github.com/adrg/xdg"
	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/cmd/triage/internal/config"
	"github.com/triagedesk/triage/scripts"
)

func newConfigCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check and show the daemon's configuration",
		Long: `The daemon reads its settings from a YAML file: --config FILE, else
$TRIAGE_CONFIG, else $XDG_CONFIG_HOME/triage/config.yaml when it exists.
TRIAGE_* environment variables override the file, and flags of
triage serve override both. Relative paths in the file are relative to
the file's folder.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newConfigValidateCommand(), newConfigShowCommand(), newConfigSchemaCommand())
	return cmd
}

func newConfigValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate [FILE]",
		Short: "Check a configuration file",
		Long: `Check FILE, or the configuration file triage serve would read, alone:
environment variables and flags are not applied. Every problem is printed
on stderr as FILE:LINE:COLUMN: PATH: MESSAGE: unknown keys (with the key
probably meant), wrong types, invalid durations and targets, non-loopback
listeners, unreadable secret files and token files with a mode other than
0600. The exit status is 5 when the file is invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path, _ := configPath()
			if len(args) == 1 {
				path = args[0]
			}
			s := config.New()
			if err := s.ReadFile(path); err != nil {
				return err
			}
			s.ResolvePaths(xdg.DataHome, os.Getenv("XDG_RUNTIME_DIR"))
			fileErr, otherErr := s.Check()
			if fileErr != nil {
				return invalidConfig(fileErr)
			}
			if otherErr != nil {
				return otherErr
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: valid\n", path)
			return nil
		},
	}
}

func newConfigShowCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the effective daemon settings and where each came from",
		Long: `Print every setting that triage serve would use with the same flags,
environment and configuration file, and its source: default, FILE:LINE,
env NAME or flag --NAME. Flags of triage serve are accepted here too.
The exit status is 5 when the configuration file is invalid.

--json prints an array of objects with the fields key, value, source,
env and flag; value has the setting's type (string, number, boolean or
array of strings).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := daemonSettings(cmd)
			if err != nil {
				return err
			}
			rows := settingRows(s)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			return writeSettingsTable(cmd.OutOrStdout(), rows)
		},
	}
	addDaemonFlags(cmd.Flags())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// invalidConfig prints every problem of the configuration file on stderr,
// one a line, and returns exit status 5 with a summary.
func invalidConfig(verr *scripts.ValidationError) error {
	fmt.Fprintln(os.Stderr, verr)
	count := fmt.Sprintf("%d problems", len(verr.Problems))
	if len(verr.Problems) == 1 {
		count = "1 problem"
	}
	return withExit(exitInvalid, fmt.Errorf("configuration file %s is invalid: %s", verr.Source, count))
}

// settingRow is one line of triage config show.
type settingRow struct {
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Source string `json:"source"`
	Env    string `json:"env,omitempty"`
	Flag   string `json:"flag,omitempty"`
}

func settingRows(s *config.Settings) []settingRow {
	var rows []settingRow
	for _, field := range config.Fields() {
		value := field.Value(&s.File)
		if list, ok := value.([]string); ok && list == nil {
			value = []string{}
		}
		// Named string types such as config.Duration print as strings.
		if v := reflect.ValueOf(value); v.Kind() == reflect.String {
			value = v.String()
		}
		row := settingRow{Key: field.Key, Value: value, Source: s.Source(field.Key).String(), Env: field.Env}
		if field.Flag != "" {
			row.Flag = "--" + field.Flag
		}
		rows = append(rows, row)
	}
	return rows
}

func writeSettingsTable(w io.Writer, rows []settingRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", row.Key, formatValue(row.Value), row.Source)
	}
	return tw.Flush()
}

// formatValue prints a setting's value in the table: lists comma-separated,
// an empty string as "-".
func formatValue(v any) string {
	switch v := v.(type) {
	case []string:
		if len(v) == 0 {
			return "-"
		}
		return strings.Join(v, ",")
	case string:
		if v == "" {
			return "-"
		}
		return v
	}
	return fmt.Sprint(v)
}

func newConfigSchemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the configuration file",
		Long: `Print the JSON Schema (draft-07) of the configuration file on stdout.
Save it and name it in the file's first line so that editors with a YAML
language server complete and check the keys:

  triage config schema > ~/.config/triage/config.schema.json
  # yaml-language-server: $schema=config.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			schema, err := config.Schema()
			if err != nil {
				return errors.New("generate schema: " + err.Error())
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", schema)
			return err
		},
	}
}
