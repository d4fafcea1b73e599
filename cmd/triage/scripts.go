package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/engine"
)

func newScriptsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scripts",
		Short: "List, edit, validate, version, test and roll back scripts and the escalation policy",
		Long: `Work with the desk's YAML documents: troubleshooting scripts and the
escalation policy. Every save is validated first and stored as a new
version; earlier versions are kept and can be restored with rollback.
A ticket already running a script stays on the version it started with.

NAME is a document's name: a script, the escalation policy, the SLA or a
business-hours calendar. When two documents share a name, --kind
(troubleshooting, escalation-policy, sla or calendar) says which one is
meant.

validate and test run without a daemon; the other commands talk to it.
Exit status 5 means a document failed validation; every problem is printed
on stderr as FILE:LINE:COLUMN: PATH: MESSAGE. See docs/scripts.md for the
language.`,
	}
	cmd.AddCommand(
		newScriptsListCommand(),
		newScriptsShowCommand(),
		newScriptsEditCommand(),
		newScriptsValidateCommand(),
		newScriptsApplyCommand(),
		newScriptsVersionsCommand(),
		newScriptsRollbackCommand(),
		newScriptsTestCommand(),
	)
	return cmd
}

// addKindFlag adds --kind, which picks a document when two kinds share a
// name.
func addKindFlag(cmd *cobra.Command, kind *string) {
	cmd.Flags().StringVar(kind, "kind", "", "document kind when the name is ambiguous: troubleshooting, escalation-policy, sla or calendar")
}

// resolveKind returns the kind of the document called name: kind when
// set, else the kind of the one stored document with that name.
func resolveKind(ctx context.Context, c *client.Client, name, kind string) (string, error) {
	if kind != "" {
		switch kind {
		case scripts.KindTroubleshooting, scripts.KindEscalationPolicy, scripts.KindSLA, scripts.KindCalendar:
		default:
			return "", usageError{fmt.Errorf("invalid --kind %q: use %s, %s, %s or %s", kind,
				scripts.KindTroubleshooting, scripts.KindEscalationPolicy, scripts.KindSLA, scripts.KindCalendar)}
		}
		return kind, nil
	}
	docs, err := c.Documents(ctx)
	if err != nil {
		return "", err
	}
	var kinds []string
	for _, d := range docs {
		if d.Name == name {
			kinds = append(kinds, d.Kind)
		}
	}
	switch len(kinds) {
	case 0:
		return "", fmt.Errorf("no script or policy named %q: `triage scripts list` shows the stored documents", name)
	case 1:
		return kinds[0], nil
	}
	return "", usageError{fmt.Errorf("%q names a document of each kind %s: pick one with --kind", name, strings.Join(kinds, " and "))}
}

func newScriptsListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the latest version of every script and policy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			docs, err := client.New(socketPath()).Documents(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), docs)
			}
			printDocuments(cmd.OutOrStdout(), docs)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, bodies included")
	return cmd
}

func printDocuments(w io.Writer, docs []*triage.Document) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tNAME\tVERSION\tSAVED\tAUTHOR\tCOMMENT")
	for _, d := range docs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", d.Kind, d.Name, d.Version,
			d.SavedAt.UTC().Format(time.RFC3339), d.Author, oneLine(d.Comment, 60))
	}
	_ = tw.Flush()
}

func newScriptsShowCommand() *cobra.Command {
	var kind string
	var version int
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a script or policy, the latest version by default",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := client.New(socketPath())
			k, err := resolveKind(cmd.Context(), c, args[0], kind)
			if err != nil {
				return err
			}
			doc, err := c.Document(cmd.Context(), k, args[0], version)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "%s %s version %d, saved %s by %s\n", doc.Kind, doc.Name, doc.Version,
				doc.SavedAt.UTC().Format(time.RFC3339), doc.Author)
			_, err = io.WriteString(cmd.OutOrStdout(), doc.Body)
			return err
		},
	}
	addKindFlag(cmd, &kind)
	cmd.Flags().IntVar(&version, "version", 0, "version to print (default the latest)")
	return cmd
}

func newScriptsVersionsCommand() *cobra.Command {
	var kind string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "versions NAME",
		Short: "List every saved version of a script or policy, oldest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := client.New(socketPath())
			k, err := resolveKind(cmd.Context(), c, args[0], kind)
			if err != nil {
				return err
			}
			docs, err := c.DocumentVersions(cmd.Context(), k, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(cmd.OutOrStdout(), docs)
			}
			printDocuments(cmd.OutOrStdout(), docs)
			return nil
		},
	}
	addKindFlag(cmd, &kind)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON, bodies included")
	return cmd
}

// validationExit turns a validation failure into exit status 5 with every
// problem on stderr, one a line.
func validationExit(err error) error {
	var verr *scripts.ValidationError
	if errors.As(err, &verr) {
		return withExit(exitInvalid, verr)
	}
	return err
}

func newScriptsValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check script and policy files without a daemon",
		Long: `Parse and check each FILE as a script, escalation policy, SLA or calendar, by its "kind".
Nothing is saved and no daemon is needed. Every problem is printed on
stderr as FILE:LINE:COLUMN: PATH: MESSAGE; the exit status is 5 when any
file is invalid.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			invalid := 0
			for _, path := range args {
				body, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				parsed, err := scripts.ParseDocument(path, body)
				if err != nil {
					var verr *scripts.ValidationError
					if !errors.As(err, &verr) {
						return err
					}
					fmt.Fprintln(os.Stderr, verr)
					invalid++
					continue
				}
				fmt.Fprintf(os.Stderr, "%s: valid %s %q\n", path, parsed.Kind, parsed.Name)
			}
			if invalid > 0 {
				return withExit(exitInvalid, fmt.Errorf("%d of %d files are invalid", invalid, len(args)))
			}
			return nil
		},
	}
}

func newScriptsApplyCommand() *cobra.Command {
	var comment string
	cmd := &cobra.Command{
		Use:   "apply FILE",
		Short: "Save a script or policy file as the next version",
		Long: `Validate FILE and save it through the daemon as the next version of the
document its "kind" and "name" fields name. New tickets use it at once;
tickets already running a script stay on their version. Exit status 5
means the file is invalid and nothing was saved.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			body, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			parsed, err := scripts.ParseDocument(path, body)
			if err != nil {
				return validationExit(err)
			}
			doc, err := client.New(socketPath()).PutDocument(cmd.Context(), parsed.Kind, parsed.Name, path, body, comment)
			if err != nil {
				return validationExit(err)
			}
			fmt.Fprintf(os.Stderr, "saved %s %s version %d\n", doc.Kind, doc.Name, doc.Version)
			return nil
		},
	}
	cmd.Flags().StringVar(&comment, "comment", "", "note stored with the version, such as why it changed")
	return cmd
}

func newScriptsRollbackCommand() *cobra.Command {
	var kind string
	cmd := &cobra.Command{
		Use:   "rollback NAME VERSION",
		Short: "Save an earlier version again as the next version",
		Long: `Store version VERSION of the script or policy NAME again as its next
version, so that the history keeps every change. New tickets use it at
once. Exit status 5 means that version no longer passes validation.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var version int
			if _, err := fmt.Sscan(args[1], &version); err != nil || version < 1 {
				return usageError{fmt.Errorf("invalid version %q: use a whole number from 1", args[1])}
			}
			c := client.New(socketPath())
			k, err := resolveKind(cmd.Context(), c, args[0], kind)
			if err != nil {
				return err
			}
			doc, err := c.Rollback(cmd.Context(), k, args[0], version)
			if err != nil {
				return validationExit(err)
			}
			fmt.Fprintf(os.Stderr, "saved version %d of %s %s as version %d\n", version, doc.Kind, doc.Name, doc.Version)
			return nil
		},
	}
	addKindFlag(cmd, &kind)
	return cmd
}

func newScriptsEditCommand() *cobra.Command {
	var kind, comment string
	cmd := &cobra.Command{
		Use:   "edit NAME",
		Short: "Edit a script or policy in $VISUAL or $EDITOR and save it",
		Long: `Open the latest version of NAME in $VISUAL, else $EDITOR, else vi. The
editor setting may carry arguments, such as "code --wait"; it runs
through sh. On save the document is validated; when it is invalid, the
editor opens again with the problems as "# " comment lines at the top,
until the document is valid or the editor quits without a change. Quitting
without a change prints "edit cancelled, no change", saves nothing and exits
0; quitting on a reopened invalid version saves nothing and exits 5.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := client.New(socketPath())
			k, err := resolveKind(cmd.Context(), c, args[0], kind)
			if err != nil {
				return err
			}
			doc, err := c.Document(cmd.Context(), k, args[0], 0)
			if err != nil {
				return err
			}
			return editDocument(cmd.Context(), c, doc, comment)
		},
	}
	addKindFlag(cmd, &kind)
	cmd.Flags().StringVar(&comment, "comment", "", "note stored with the new version")
	return cmd
}

// editHeader starts the comment block that lists a document's problems
// when the editor opens again. Only a block starting with it is removed
// before the document is validated.
const editHeader = "# triage: this version was not saved because it is invalid."

// editDocument runs the edit loop of `scripts edit`.
func editDocument(ctx context.Context, c *client.Client, doc *triage.Document, comment string) error {
	f, err := os.CreateTemp("", "triage-"+doc.Name+"-*.yaml")
	if err != nil {
		return fmt.Errorf("create file to edit: %w", err)
	}
	path := f.Name()
	_ = f.Close()
	defer os.Remove(path)

	shown := doc.Body
	for {
		if err := os.WriteFile(path, []byte(shown), 0o600); err != nil {
			return fmt.Errorf("write file to edit: %w", err)
		}
		if err := runEditor(ctx, path); err != nil {
			return err
		}
		edited, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read edited file: %w", err)
		}
		if string(edited) == shown {
			if shown != doc.Body {
				// The editor quit on the reopened invalid version.
				return withExit(exitInvalid, fmt.Errorf("edit abandoned: the invalid version of %s was not saved; %s is unchanged at version %d",
					doc.Name, doc.Name, doc.Version))
			}
			fmt.Fprintln(os.Stderr, "edit cancelled, no change")
			return nil
		}
		body := stripEditHeader(string(edited))
		if body == doc.Body {
			fmt.Fprintln(os.Stderr, "edit cancelled, no change")
			return nil
		}
		_, err = engine.ValidateDocument(doc.Kind, doc.Name, []byte(body))
		if err == nil {
			saved, putErr := c.PutDocument(ctx, doc.Kind, doc.Name, path, []byte(body), comment)
			if putErr == nil {
				fmt.Fprintf(os.Stderr, "saved %s %s version %d\n", saved.Kind, saved.Name, saved.Version)
				return nil
			}
			err = putErr
		}
		var verr *scripts.ValidationError
		if !errors.As(err, &verr) {
			return err
		}
		fmt.Fprintln(os.Stderr, verr)
		shown = withEditHeader(body, verr.Problems)
	}
}

// withEditHeader puts the problems above body as comment lines. Their
// line numbers are shifted by the header's length, so that they name the
// lines as the editor shows them.
func withEditHeader(body string, problems []scripts.Problem) string {
	headerLines := len(problems) + 3
	var b strings.Builder
	b.WriteString(editHeader + "\n")
	b.WriteString("# Fix the problems below and save, or quit without saving to cancel.\n")
	for _, p := range problems {
		p.Line += headerLines
		fmt.Fprintf(&b, "#   %s\n", p)
	}
	b.WriteString("#\n")
	b.WriteString(body)
	return b.String()
}

// stripEditHeader removes the problem block that withEditHeader added,
// when the file still starts with it: every line up to and including the
// first line that is a lone "#".
func stripEditHeader(s string) string {
	if !strings.HasPrefix(s, editHeader) {
		return s
	}
	rest := s
	for {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return s
		}
		line := rest[:i]
		rest = rest[i+1:]
		if line == "#" {
			return rest
		}
	}
}

// runEditor opens path in $VISUAL, else $EDITOR, else vi, on the
// terminal. The setting runs through sh, so it may hold arguments.
func runEditor(ctx context.Context, path string) error {
	editor := os.Getenv("VISUAL")
	if strings.TrimSpace(editor) == "" {
		editor = os.Getenv("EDITOR")
	}
	if strings.TrimSpace(editor) == "" {
		editor = "vi"
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", editor+` "$@"`, "sh", path)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("editor %q failed: %w; the document was not saved", editor, err)
	}
	return nil
}
