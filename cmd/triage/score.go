package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/ingest"
)

// scoreLine is one line of `triage score` output.
type scoreLine struct {
	Conversation string          `json:"conversation,omitempty"`
	At           string          `json:"at,omitempty"`
	Text         string          `json:"text"`
	Valence      float64         `json:"valence"`
	Frustration  float64         `json:"frustration"`
	Reasons      []triage.Reason `json:"reasons"`
}

func newScoreCommand() *cobra.Command {
	var transcript bool
	cmd := &cobra.Command{
		Use:   "score [FILE]",
		Short: "Score messages offline and print the scores with their reasons",
		Long: `Score one message a line from FILE or standard input and print one JSON
object a line with text, valence (-1 to 1), frustration (0 to 1) and reasons.
With --transcript, read a transcript or JSON Lines events instead and print
each customer turn with the conversation's frustration after it. No daemon
is needed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, source := io.Reader(os.Stdin), "stdin"
			if len(args) == 1 {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in, source = f, args[0]
			}
			scorer := sentiment.New(sentiment.Options{})
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetEscapeHTML(false)
			if transcript {
				return scoreTranscript(scorer, in, source, enc)
			}
			return scoreMessages(scorer, in, enc)
		},
	}
	cmd.Flags().BoolVar(&transcript, "transcript", false, "read a transcript or JSON Lines events and score the conversation")
	return cmd
}

func scoreMessages(scorer *sentiment.Scorer, in io.Reader, enc *json.Encoder) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), triage.MaxTextLength+1)
	for sc.Scan() {
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue // a blank line is no message
		}
		m := scorer.Message(text)
		var st sentiment.State
		turn, _ := scorer.Observe(&st, sentiment.Event{Role: "customer", Kind: "message", Text: text})
		if err := enc.Encode(scoreLine{Text: text, Valence: m.Valence, Frustration: turn.Frustration, Reasons: scoreReasons(turn.Reasons)}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read messages: %w", err)
	}
	return nil
}

func scoreTranscript(scorer *sentiment.Scorer, in io.Reader, source string, enc *json.Encoder) error {
	r, err := ingest.NewReader(in, ingest.Options{Source: source})
	if err != nil {
		return err
	}
	var events []triage.Event
	rejected := false
	for {
		item, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if item.Err != nil {
			fmt.Fprintln(os.Stderr, item.Err)
			rejected = true
			continue
		}
		events = append(events, *item.Event)
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
	states := make(map[string]*sentiment.State)
	for _, ev := range events {
		st := states[ev.Conversation]
		if st == nil {
			st = &sentiment.State{}
			states[ev.Conversation] = st
		}
		turn, ok := scorer.Observe(st, sentiment.Event{At: ev.At, Role: string(ev.Role), Kind: string(ev.Type), Text: ev.Text})
		if !ok {
			continue
		}
		line := scoreLine{Conversation: ev.Conversation, At: ev.At.UTC().Format("2006-01-02T15:04:05Z07:00"), Text: ev.Text,
			Valence: turn.Message.Valence, Frustration: turn.Frustration, Reasons: scoreReasons(turn.Reasons)}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	if rejected {
		return withExit(exitRejected, errRejected)
	}
	return nil
}

// scoreReasons converts the scorer's reasons to the form the desk prints
// everywhere, with lower-case JSON names.
func scoreReasons(reasons []sentiment.Reason) []triage.Reason {
	out := make([]triage.Reason, 0, len(reasons))
	for _, r := range reasons {
		reason := triage.Reason{Rule: r.Rule, Text: r.Text, Weight: r.Weight}
		for _, sp := range r.Spans {
			reason.Spans = append(reason.Spans, triage.Span{Start: sp.Start, End: sp.End})
		}
		out = append(out, reason)
	}
	return out
}
