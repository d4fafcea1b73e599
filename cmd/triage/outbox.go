package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/engine"
)

// outboxRetry is the wait before a following outbox stream reconnects
// after the daemon went away.
const outboxRetry = time.Second

func newOutboxCommand() *cobra.Command {
	var (
		follow        bool
		after         uint64
		conversations []string
	)
	cmd := &cobra.Command{
		Use:   "outbox",
		Short: "Print the replies that wait to be delivered to the chat tool",
		Long: `Print the daemon's outbox: agent replies and the messages that script steps
send, which a bridge delivers to the chat tool. Each is one JSON line with
id, ticket, conversation, at, author, role and text, and for a script
message its script and step. Entries stay in the outbox, oldest first,
until they are acknowledged with 'triage outbox ack ID...', so a bridge
that stops before acknowledging gets them again from the next
'triage outbox --follow'.

--follow keeps printing new entries until interrupted, and reconnects when
the daemon restarts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c := client.New(socketPath())
			q := client.OutboxQuery{After: after, Follow: follow, Conversations: conversations}
			_, err := printOutbox(cmd.Context(), c, q, nil, cmd.OutOrStdout())
			if follow && cmd.Context().Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new entries until interrupted")
	cmd.Flags().Uint64Var(&after, "after", 0, "skip the entries up to and including this id")
	cmd.Flags().StringSliceVar(&conversations, "conversation", nil, "print only the entries of these conversations (repeat the flag or separate ids by commas)")
	cmd.AddCommand(newOutboxAckCommand())
	return cmd
}

// printOutbox writes outbox entries as JSON Lines until the stream ends
// or, when it follows, until ctx ends. keep, when set, picks the entries
// to print. It returns the last id it read.
func printOutbox(ctx context.Context, c *client.Client, q client.OutboxQuery, keep func(*triage.OutboxEntry) bool, w io.Writer) (uint64, error) {
	enc := json.NewEncoder(w)
	for {
		stream, err := c.Outbox(ctx, q)
		if err == nil {
			err = copyOutbox(stream, &q.After, keep, enc)
			_ = stream.Close()
		}
		if ctx.Err() != nil {
			return q.After, ctx.Err()
		}
		if !q.Follow {
			return q.After, err
		}
		if errors.Is(err, errOutboxOutput) {
			return q.After, err
		}
		// The daemon stopped or is restarting: the entries not yet
		// acknowledged come again from the next daemon.
		if err != nil && !errors.Is(err, client.ErrNoDaemon) {
			fmt.Fprintf(os.Stderr, "outbox stream ended: %v; reconnecting\n", err)
		}
		if err := sleepContext(ctx, outboxRetry); err != nil {
			return q.After, err
		}
	}
}

// errOutboxOutput marks a failure to write to standard output, which ends
// a follow instead of reconnecting.
var errOutboxOutput = errors.New("write outbox entry")

// copyOutbox writes the entries of one stream and moves after on to the
// last id read.
func copyOutbox(stream *client.OutboxStream, after *uint64, keep func(*triage.OutboxEntry) bool, enc *json.Encoder) error {
	for {
		e, err := stream.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		*after = max(*after, e.ID)
		if keep != nil && !keep(e) {
			continue
		}
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("%w: %v", errOutboxOutput, err)
		}
	}
}

func newOutboxAckCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ack ID...",
		Short: "Acknowledge delivered outbox entries",
		Long: `Remove delivered entries from the outbox, so that they are not delivered
again. Acknowledging an entry twice is not an error. An id that was never
given is reported, and the exit status is then 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids := make([]uint64, 0, len(args))
			for _, arg := range args {
				for _, field := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' }) {
					id, err := strconv.ParseUint(field, 10, 64)
					if err != nil || id == 0 {
						return usageError{fmt.Errorf("invalid outbox id %q: use the positive number in an entry's id field", field)}
					}
					ids = append(ids, id)
				}
			}
			c := client.New(socketPath())
			unknown := 0
			for start := 0; start < len(ids); start += api.MaxAckIDs {
				results, err := c.AckOutbox(cmd.Context(), ids[start:min(start+api.MaxAckIDs, len(ids))])
				if err != nil {
					return err
				}
				for _, r := range results {
					if r.Status == engine.AckUnknown {
						unknown++
						fmt.Fprintf(os.Stderr, "outbox id %d not found: no entry ever had it\n", r.ID)
					}
				}
			}
			if unknown > 0 {
				return fmt.Errorf("%d of %d outbox ids not found", unknown, len(ids))
			}
			return nil
		},
	}
}

func newReplyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "reply TICKET TEXT...",
		Short: "Reply to a ticket's customer",
		Long: `Send a reply to the customer of TICKET (T-42 or 42) under your login name.
The words of TEXT are joined by spaces; TEXT "-" reads the reply from
standard input. The reply is stored as an agent message in the
conversation and added to the outbox, from which a bridge delivers it to
the chat tool. The outbox entry is printed as one JSON line.

The conversation event is redacted like every other event, but the outbox
entry keeps the text as written until it is acknowledged.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			text := strings.Join(args[1:], " ")
			if text == "-" {
				data, err := io.ReadAll(io.LimitReader(os.Stdin, triage.MaxTextLength+1))
				if err != nil {
					return fmt.Errorf("read reply from standard input: %w", err)
				}
				text = string(data)
			}
			if strings.TrimSpace(text) == "" {
				return usageError{errors.New("the reply text is empty")}
			}
			entry, err := client.New(socketPath()).Reply(cmd.Context(), args[0], text)
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(entry)
		},
	}
}
