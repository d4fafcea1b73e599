package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
	"github.com/triagedesk/triage/triage/engine"
	"github.com/triagedesk/triage/triage/ingest"
)

// testOptions are the flags of `scripts test`.
type testOptions struct {
	policyFile  string
	against     string
	againstFile string
	force       bool
	asJSON      bool
	verbose     bool
}

func newScriptsTestCommand() *cobra.Command {
	var opts testOptions
	cmd := &cobra.Command{
		Use:   "test NAME TRANSCRIPT...",
		Short: "Replay transcripts through a script and the escalation policy",
		Long: `Replay each TRANSCRIPT (a file in any ingest format, or a folder of them)
through the script NAME and the escalation policy, with the same code the
daemon runs, and print what would happen. Nothing is sent to the daemon
and no ticket changes.

NAME is a script file, or the name of a stored script: its latest version
comes from the daemon, or, with no daemon running, from the scripts the
desk ships with. The policy is --policy FILE, else the daemon's current
policy, else the default one.

One conversation prints turn by turn: time, customer text, frustration,
the step, which transition fired and why, and escalations. Several print
a summary: how many would escalate, at which turn and for which reason.

--against VERSION (a stored version, needs the daemon) or --against-file
FILE replays a second version too and shows where the two part ways. For
a script file, a folder is compared with the stored script of the same
name when the daemon has one.

A rejected input line is reported on stderr with its file and line
number and left out; the exit status is then 3.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScriptsTest(cmd.Context(), cmd.OutOrStdout(), args[0], args[1:], opts)
		},
	}
	cmd.Flags().StringVar(&opts.policyFile, "policy", "", "escalation policy file to replay with (default the daemon's current policy)")
	cmd.Flags().StringVar(&opts.against, "against", "", "stored version of the script to compare with, a number")
	cmd.Flags().StringVar(&opts.againstFile, "against-file", "", "script file to compare with")
	cmd.Flags().BoolVar(&opts.force, "force", false, "start the script on the first customer turn even when its trigger does not match")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print every conversation's outcome and the totals as JSON")
	cmd.Flags().BoolVar(&opts.verbose, "verbose", false, "print every conversation turn by turn, not only the summary")
	return cmd
}

// candidate is one script version under test.
type candidate struct {
	label  string
	script engine.ReplayScript
}

func runScriptsTest(ctx context.Context, out io.Writer, name string, paths []string, opts testOptions) error {
	if opts.against != "" && opts.againstFile != "" {
		return usageError{errors.New("give --against or --against-file, not both")}
	}
	c := client.New(socketPath())
	tested, fromFile, err := loadCandidate(ctx, c, name, 0)
	if err != nil {
		return err
	}
	policy, err := loadReplayPolicy(ctx, c, opts.policyFile)
	if err != nil {
		return err
	}
	conversations, rejected, err := readConversations(paths)
	if err != nil {
		return err
	}
	if len(conversations) == 0 {
		return fmt.Errorf("no conversations in %s", strings.Join(paths, ", "))
	}

	var other *candidate
	switch {
	case opts.againstFile != "":
		if other, _, err = loadCandidate(ctx, c, opts.againstFile, 0); err != nil {
			return err
		}
	case opts.against != "":
		version, convErr := strconv.Atoi(opts.against)
		if convErr != nil || version < 1 {
			return usageError{fmt.Errorf("invalid --against %q: use a stored version number", opts.against)}
		}
		if other, _, err = loadCandidate(ctx, c, tested.script.Name, version); err != nil {
			return err
		}
	case fromFile && len(conversations) > 1:
		// A folder is compared with the stored version when there is one.
		if stored, _, loadErr := loadCandidate(ctx, c, tested.script.Name, -1); loadErr == nil {
			other = stored
		}
	}

	fmt.Fprintf(os.Stderr, "replaying %d %s through %s with %s\n", len(conversations), plural(len(conversations), "conversation", "conversations"), tested.label, policy.label)
	mainRuns, err := replayAll(conversations, *tested, policy, opts.force)
	if err != nil {
		return err
	}
	var otherRuns []*engine.ReplayResult
	if other != nil {
		if otherRuns, err = replayAll(conversations, *other, policy, opts.force); err != nil {
			return err
		}
	}

	if opts.asJSON {
		if err := writeJSONOut(out, testReport(tested, mainRuns, other, otherRuns)); err != nil {
			return err
		}
		return rejectedExit(rejected)
	}
	if len(conversations) == 1 || opts.verbose {
		for i, run := range mainRuns {
			printReplay(out, tested.label, run)
			if other != nil {
				printDivergence(out, tested.label, run, other.label, otherRuns[i])
			}
			fmt.Fprintln(out)
		}
	}
	if len(conversations) > 1 {
		printSummary(out, tested.label, summarize(mainRuns), other, otherRuns)
	}
	return rejectedExit(rejected)
}

// rejectedExit returns the exit for a run that left out rejected input
// lines, or nil when there were none.
func rejectedExit(rejected int) error {
	if rejected == 0 {
		return nil
	}
	fmt.Fprintf(os.Stderr, "%d input %s rejected and left out\n", rejected, plural(rejected, "line", "lines"))
	return withExit(exitRejected, errRejected)
}

// loadCandidate reads a script: from the file at name, else from the
// daemon (the latest version for 0, version for > 0, and for -1 the
// latest without a fallback), else from the default scripts. It reports
// whether the script came from a file.
func loadCandidate(ctx context.Context, c *client.Client, name string, version int) (*candidate, bool, error) {
	if version == 0 {
		if body, err := os.ReadFile(name); err == nil {
			s, err := scripts.ParseScript(name, body)
			if err != nil {
				return nil, true, validationExit(err)
			}
			return &candidate{label: fmt.Sprintf("script %s (file %s)", s.Name, name),
				script: engine.ReplayScript{Script: s, Name: s.Name, Version: 0}}, true, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, false, err
		}
	}
	doc, err := c.Document(ctx, engine.ScriptKind, name, max(version, 0))
	switch {
	case err == nil:
		s, err := scripts.ParseScript(fmt.Sprintf("%s version %d", doc.Name, doc.Version), []byte(doc.Body))
		if err != nil {
			return nil, false, validationExit(err)
		}
		return &candidate{label: fmt.Sprintf("script %s version %d", doc.Name, doc.Version),
			script: engine.ReplayScript{Script: s, Name: doc.Name, Version: doc.Version}}, false, nil
	case version != 0 || !errors.Is(err, client.ErrNoDaemon):
		if errors.Is(err, triage.ErrNotFound) {
			return nil, false, fmt.Errorf("no file and no stored script named %q: %w", name, err)
		}
		return nil, false, err
	}
	for _, body := range scripts.DefaultScripts {
		s, err := scripts.ParseScript("default script", []byte(body))
		if err != nil {
			return nil, false, err
		}
		if s.Name == name {
			fmt.Fprintf(os.Stderr, "no daemon answers; using the default script %s that the desk ships with\n", name)
			return &candidate{label: fmt.Sprintf("script %s (default)", name),
				script: engine.ReplayScript{Script: s, Name: name, Version: 1}}, false, nil
		}
	}
	return nil, false, fmt.Errorf("no file named %q and no daemon to read the stored script from: %w", name, err)
}

// replayPolicy is the escalation policy a replay applies.
type replayPolicy struct {
	label   string
	policy  *scripts.Policy
	name    string
	version int
}

func loadReplayPolicy(ctx context.Context, c *client.Client, file string) (*replayPolicy, error) {
	if file != "" {
		body, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		p, err := scripts.ParsePolicy(file, body)
		if err != nil {
			return nil, validationExit(err)
		}
		return &replayPolicy{label: "policy file " + file, policy: p, name: p.Name}, nil
	}
	doc, err := c.Document(ctx, engine.PolicyKind, engine.PolicyName, 0)
	switch {
	case err == nil:
		p, err := scripts.ParsePolicy(fmt.Sprintf("policy version %d", doc.Version), []byte(doc.Body))
		if err != nil {
			return nil, validationExit(err)
		}
		return &replayPolicy{label: fmt.Sprintf("policy %s version %d", doc.Name, doc.Version), policy: p,
			name: doc.Name, version: doc.Version}, nil
	case !errors.Is(err, client.ErrNoDaemon):
		return nil, err
	}
	p, err := scripts.ParsePolicy("default policy", []byte(scripts.DefaultPolicyYAML))
	if err != nil {
		return nil, err
	}
	return &replayPolicy{label: "the default policy", policy: p, name: engine.PolicyName, version: 1}, nil
}

// readConversations reads every file named, and every file in each folder
// named, and groups the events by conversation in the order first seen.
// A rejected line is reported on stderr, counted and left out.
func readConversations(paths []string) ([][]triage.Event, int, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, 0, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, 0, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
	}
	byConv := map[string]int{}
	var out [][]triage.Event
	rejected := 0
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, 0, err
		}
		rd, err := ingest.NewReader(f, ingest.Options{Source: path})
		if err != nil {
			f.Close()
			return nil, 0, err
		}
		for {
			item, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				f.Close()
				return nil, 0, err
			}
			if item.Err != nil {
				fmt.Fprintln(os.Stderr, item.Err)
				rejected++
				continue
			}
			i, ok := byConv[item.Event.Conversation]
			if !ok {
				i = len(out)
				byConv[item.Event.Conversation] = i
				out = append(out, nil)
			}
			out[i] = append(out[i], *item.Event)
		}
		f.Close()
	}
	return out, rejected, nil
}

func replayAll(conversations [][]triage.Event, cand candidate, policy *replayPolicy, force bool) ([]*engine.ReplayResult, error) {
	opts := engine.ReplayOptions{
		Policy: policy.policy, PolicyName: policy.name, PolicyVersion: policy.version,
		Scripts: []engine.ReplayScript{cand.script},
	}
	if force {
		opts.Force = &cand.script
	}
	runs := make([]*engine.ReplayResult, 0, len(conversations))
	for _, events := range conversations {
		run, err := engine.Replay(events, opts)
		if err != nil {
			return nil, fmt.Errorf("replay conversation %s: %w", events[0].Conversation, err)
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// printReplay prints one conversation turn by turn, each turn's details
// indented below it.
func printReplay(w io.Writer, label string, run *engine.ReplayResult) {
	fmt.Fprintf(w, "conversation %s, %s\n", inert(run.Conversation), label)
	stepWidth := len("STEP")
	for _, turn := range run.Turns {
		stepWidth = max(stepWidth, len(turn.Step))
	}
	fmt.Fprintf(w, "%-4s  %-20s  %-11s  %-*s  %s\n", "TURN", "TIME", "FRUSTRATION", stepWidth, "STEP", "CUSTOMER")
	for i, turn := range run.Turns {
		step := turn.Step
		if step == "" {
			step = "-"
		}
		fmt.Fprintf(w, "%-4d  %-20s  %-11.2f  %-*s  %s\n", i+1, turn.Event.At.UTC().Format(time.RFC3339), turn.Frustration,
			stepWidth, step, oneLine(turn.Event.Text, 60))
		for _, line := range turnDetails(turn) {
			fmt.Fprintf(w, "      %s\n", inert(line))
		}
	}
	fmt.Fprintf(w, "outcome: %s\n", inert(outcomeOf(run).describe()))
}

// turnDetails lists, in order, what a turn caused: the policy's decision,
// the transitions that fired and why, and the history records.
func turnDetails(turn engine.ReplayTurn) []string {
	var lines []string
	if turn.Policy != nil {
		lines = append(lines, fmt.Sprintf("policy rule %s fired", turn.Policy.Rule))
	}
	for _, s := range turn.Steps {
		for _, f := range s.Fired {
			line := fmt.Sprintf("%s: transition %d `%s` fired", f.Step, f.Index+1, f.When)
			if f.Because != "" {
				line += " (" + f.Because + ")"
			}
			lines = append(lines, line)
		}
		for _, a := range s.Actions {
			switch a.Kind {
			case scripts.ActionSend:
				lines = append(lines, "bot sends: "+oneLine(a.Text, 70))
			case scripts.ActionTag:
				lines = append(lines, "tag "+a.Text)
			case scripts.ActionSetPriority:
				lines = append(lines, "priority "+a.Priority)
			}
		}
		if s.LimitReached {
			lines = append(lines, fmt.Sprintf("stopped after %d transitions on one event", scripts.MaxTransitionsPerEvent))
		}
		if s.Error != "" {
			lines = append(lines, "script failed: "+s.Error)
		}
	}
	for _, rec := range turn.Records {
		lines = append(lines, fmt.Sprintf("%s to %s at %s: %s", rec.Kind, rec.Queue, rec.Priority, oneLine(rec.Reason, 90)))
	}
	return lines
}

// outcome is how a replayed conversation ends for the summary.
type outcome struct {
	Conversation string `json:"conversation"`
	// Result is escalated, handed_over, resolved, in_script (still
	// waiting in a step), or no_script (no script took the ticket).
	Result string `json:"result"`
	// Turn is the customer turn, from 1, of the escalation, hand-over or
	// resolution; 0 otherwise.
	Turn int `json:"turn"`
	// Cause groups outcomes for the summary: the policy rule, or the
	// script step and its reason.
	Cause  string `json:"cause,omitempty"`
	Queue  string `json:"queue"`
	Reason string `json:"reason,omitempty"`
	Step   string `json:"step,omitempty"`
}

func outcomeOf(run *engine.ReplayResult) outcome {
	o := outcome{Conversation: run.Conversation, Queue: run.Ticket.Queue}
	for i, turn := range run.Turns {
		for _, rec := range turn.Records {
			var result string
			switch {
			case rec.Kind == triage.KindEscalated:
				result = "escalated"
			case rec.Kind == triage.KindResolved:
				result = "resolved"
			case rec.Kind == triage.KindReassigned && !strings.Contains(rec.Reason, "took the ticket"):
				result = "handed_over"
			default:
				continue
			}
			o.Result, o.Turn, o.Reason, o.Queue = result, i+1, rec.Reason, rec.Queue
			o.Cause = causeOf(turn, rec)
			return o
		}
	}
	switch st := run.Ticket.ScriptState; {
	case st == nil:
		o.Result = "no_script"
	default:
		o.Result, o.Step = "in_script", st.Step
	}
	return o
}

// scriptPrefix is how the engine starts the reason of a script's record.
var scriptPrefix = regexp.MustCompile(`^script \S+ version \d+ `)

// causeOf names the rule or script step behind a record, without the
// script's version and the values that vary between conversations.
func causeOf(turn engine.ReplayTurn, rec *triage.Record) string {
	if turn.Policy != nil && rec.Kind == triage.KindEscalated && strings.HasPrefix(rec.Reason, "rule ") {
		return "policy rule " + turn.Policy.Rule
	}
	return scriptPrefix.ReplaceAllString(rec.Reason, "")
}

func (o outcome) describe() string {
	switch o.Result {
	case "no_script":
		return "no script took the ticket and the policy did not escalate it"
	case "in_script":
		return "still waiting in step " + o.Step
	}
	return fmt.Sprintf("%s to %s at turn %d: %s", strings.ReplaceAll(o.Result, "_", " "), o.Queue, o.Turn, o.Reason)
}

// summary counts the outcomes of many replays.
type summary struct {
	Conversations int            `json:"conversations"`
	Results       map[string]int `json:"results"`
	// EscalatedAtTurn counts escalations by customer turn.
	EscalatedAtTurn map[int]int `json:"escalated_at_turn"`
	// Causes counts escalations and hand-overs by cause.
	Causes   map[string]int `json:"causes"`
	Outcomes []outcome      `json:"outcomes"`
}

func summarize(runs []*engine.ReplayResult) summary {
	s := summary{Results: map[string]int{}, EscalatedAtTurn: map[int]int{}, Causes: map[string]int{}}
	for _, run := range runs {
		o := outcomeOf(run)
		s.Conversations++
		s.Results[o.Result]++
		if o.Result == "escalated" {
			s.EscalatedAtTurn[o.Turn]++
		}
		if o.Result == "escalated" || o.Result == "handed_over" {
			s.Causes[o.Result+": "+o.Cause]++
		}
		s.Outcomes = append(s.Outcomes, o)
	}
	return s
}

// report is the JSON form of `scripts test`.
type report struct {
	Script  string   `json:"script"`
	Summary summary  `json:"summary"`
	Against *string  `json:"against,omitempty"`
	Other   *summary `json:"against_summary,omitempty"`
	// Differ lists the conversations whose outcome differs between the
	// two versions.
	Differ []string `json:"differ,omitempty"`
}

func testReport(tested *candidate, runs []*engine.ReplayResult, other *candidate, otherRuns []*engine.ReplayResult) report {
	r := report{Script: tested.label, Summary: summarize(runs)}
	if other != nil {
		alt := summarize(otherRuns)
		r.Against, r.Other = &other.label, &alt
		for i, o := range r.Summary.Outcomes {
			if o != alt.Outcomes[i] {
				r.Differ = append(r.Differ, o.Conversation)
			}
		}
	}
	return r
}

var resultOrder = []string{"escalated", "handed_over", "resolved", "in_script", "no_script"}

func printSummary(w io.Writer, label string, s summary, other *candidate, otherRuns []*engine.ReplayResult) {
	var alt *summary
	if other != nil {
		sum := summarize(otherRuns)
		alt = &sum
	}
	fmt.Fprintf(w, "summary of %d conversations\n", s.Conversations)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if alt != nil {
		fmt.Fprintf(tw, "RESULT\t%s\t%s\n", label, other.label)
	} else {
		fmt.Fprintf(tw, "RESULT\t%s\n", label)
	}
	row := func(name string, a int, b func(summary) int) {
		if alt != nil {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", name, a, b(*alt))
		} else {
			fmt.Fprintf(tw, "%s\t%d\n", name, a)
		}
	}
	for _, r := range resultOrder {
		row(strings.ReplaceAll(r, "_", " "), s.Results[r], func(x summary) int { return x.Results[r] })
	}
	for _, turn := range sortedKeys(s.EscalatedAtTurn, alt, func(x summary) map[int]int { return x.EscalatedAtTurn }) {
		row(fmt.Sprintf("escalated at turn %d", turn), s.EscalatedAtTurn[turn], func(x summary) int { return x.EscalatedAtTurn[turn] })
	}
	causes := map[string]bool{}
	for c := range s.Causes {
		causes[c] = true
	}
	if alt != nil {
		for c := range alt.Causes {
			causes[c] = true
		}
	}
	names := make([]string, 0, len(causes))
	for c := range causes {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		row(oneLine(c, 80), s.Causes[c], func(x summary) int { return x.Causes[c] })
	}
	_ = tw.Flush()
	if alt == nil {
		return
	}
	differ := 0
	for i, o := range s.Outcomes {
		if o != alt.Outcomes[i] {
			if differ == 0 {
				fmt.Fprintln(w, "conversations whose outcome differs:")
			}
			differ++
			fmt.Fprintf(w, "  %s: %s | %s\n", inert(o.Conversation), inert(o.describe()), inert(alt.Outcomes[i].describe()))
		}
	}
	if differ == 0 {
		fmt.Fprintln(w, "every conversation ends the same with both versions")
	}
}

func sortedKeys(m map[int]int, other *summary, get func(summary) map[int]int) []int {
	seen := map[int]bool{}
	for k := range m {
		seen[k] = true
	}
	if other != nil {
		for k := range get(*other) {
			seen[k] = true
		}
	}
	keys := make([]int, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// printDivergence names the first turn at which two replays of one
// conversation differ, and how each ends. Turns are compared by what
// happened (transitions, actions, history records and where they led),
// not by the version numbers in the records' reasons.
func printDivergence(w io.Writer, labelA string, a *engine.ReplayResult, labelB string, b *engine.ReplayResult) {
	n := min(len(a.Turns), len(b.Turns))
	for i := 0; i < n; i++ {
		if turnKey(a.Turns[i]) == turnKey(b.Turns[i]) {
			continue
		}
		fmt.Fprintf(w, "the versions part ways at turn %d (%s):\n", i+1, a.Turns[i].Event.At.UTC().Format(time.RFC3339))
		for _, side := range []struct {
			label string
			turn  engine.ReplayTurn
		}{{labelA, a.Turns[i]}, {labelB, b.Turns[i]}} {
			fmt.Fprintf(w, "  %s, in step %q:\n", side.label, side.turn.Step)
			for _, line := range turnDetails(side.turn) {
				fmt.Fprintf(w, "    %s\n", line)
			}
		}
		fmt.Fprintf(w, "  outcome with %s: %s\n", labelB, outcomeOf(b).describe())
		return
	}
	fmt.Fprintf(w, "%s takes the same path\n", labelB)
}

// turnKey sums up what a turn did, for comparing two versions.
func turnKey(turn engine.ReplayTurn) string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %s;", turn.Step)
	if turn.Policy != nil {
		fmt.Fprintf(&b, "policy %s;", turn.Policy.Rule)
	}
	for _, s := range turn.Steps {
		fmt.Fprintf(&b, "%s>%s;", s.From, s.To)
		for _, f := range s.Fired {
			fmt.Fprintf(&b, "fired %s/%d;", f.Step, f.Index)
		}
		for _, a := range s.Actions {
			fmt.Fprintf(&b, "%s %s %s %s %s;", a.Kind, a.Step, a.Text, a.Queue, a.Priority)
		}
		fmt.Fprintf(&b, "limit %t;error %s;", s.LimitReached, s.Error)
	}
	for _, rec := range turn.Records {
		fmt.Fprintf(&b, "record %s %s %s %s;", rec.Kind, rec.Queue, rec.Priority, causeOf(turn, rec))
	}
	return b.String()
}
