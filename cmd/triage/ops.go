package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/store"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// restoreLockTimeout is how long restore waits for the database's file
// lock before it concludes that a daemon holds it.
const restoreLockTimeout = 500 * time.Millisecond

func newBackupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the running daemon's database to FILE",
		Long: `Copy the database to FILE through the running daemon, from one read
transaction, so the copy is consistent while ingest goes on. The copy is
written to FILE.tmp, synced, checked with bbolt's consistency check and
renamed to FILE. Only a lead may take a backup, because it holds every
customer's data.

A backup taken before an erasure (triage forget) still holds the erased
customer's data.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := args[0]
			start := time.Now()
			n, err := client.New(socketPath()).Backup(cmd.Context(), path)
			if err != nil {
				return err
			}
			info, err := store.CheckBackup(path)
			if err != nil {
				return fmt.Errorf("the backup %s was written but does not pass the check: %w", path, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "backed up %d KiB (schema version %d) to %s in %s\n",
				n/1024, info.SchemaVersion, path, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

func newRestoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database of a stopped daemon with a backup",
		Long: `Replace the database with the backup in FILE. The daemon must be
stopped: restore fails while a process holds the database's file lock.

The backup is copied beside the database and checked first: it must be a
triage database, its schema version must not be newer than this build's,
and bbolt's consistency check must pass. Then the current database is
kept as DATABASE.before-restore (replacing an older one) and the copy is
renamed over the database, so the database file is never missing or
partial.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := databasePath()
			info, err := store.Restore(args[0], path, restoreLockTimeout)
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("%w\nstop the running `triage serve` first", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "restored %s (%d KiB, schema version %d) to %s; the previous database is kept as %s\n",
				args[0], info.Size/1024, info.SchemaVersion, path, path+store.BeforeRestoreSuffix)
			return nil
		},
	}
}

func newForgetCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "forget CUSTOMER",
		Short: "Erase one customer's data, as an erasure request requires",
		Long: `Erase one customer's data through the running daemon. CUSTOMER is an
email (it contains "@"), a customer hash (h- and 32 hex digits), or
else a handle.

Every conversation in which an event carries the customer's email or
handle, or whose ticket carries the customer's hash, is deleted with all
its events and its ticket. The history records of those tickets stay, so
that history totals still count them, with their reasons, scores and
conversation ids replaced by "(erased)"; escalations keep the name of the
rule that fired. Review notes on them are erased too. The daemon records
the time, who asked and the counts, not the customer.

The daemon then rewrites the database file, so that the deleted data does
not stay in its free pages. Ingest waits while the file is rewritten.
Backups taken earlier still hold the data. Only a lead may run forget.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			match, err := triage.ParseCustomerMatch(args[0])
			if err != nil {
				return usageError{err}
			}
			sum, err := client.New(socketPath()).Forget(cmd.Context(), match)
			if sum == nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				if encErr := enc.Encode(sum); encErr != nil {
					return errors.Join(err, encErr)
				}
				return err
			}
			printErasure(cmd, sum)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the summary as one JSON object")
	return cmd
}

func printErasure(cmd *cobra.Command, sum *triage.ErasureSummary) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "removed %d conversations, %d events and %d tickets\n", sum.Conversations, sum.Events, sum.Tickets)
	fmt.Fprintf(w, "erased the personal text of %d history records and %d review notes\n", sum.Records, sum.Reviews)
	if sum.RewriteError == "" {
		fmt.Fprintf(w, "rewrote the database file: %d KiB -> %d KiB\n", sum.SizeBefore/1024, sum.SizeAfter/1024)
	}
}
