package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/datasets"
)

// twcsHistoryDir finds a public data set with datasets.Dir: it skips the test
// when the set is absent and fails it when CI=true.
func twcsHistoryDir(t *testing.T) string {
	t.Helper()
	return datasets.Dir(t, "twcs-frustration-intensity")
}

var twcsGrades = regexp.MustCompile(`\s*\{[^{}]*\}\s*$`)

// writeTWCSTranscripts turns each dialogue of the graded file into a
// plain-text transcript, turns 90 seconds apart, dialogue i on day i%5
// from 2026-03-02, and returns the file paths.
func writeTWCSTranscripts(t *testing.T, src, dir string) []string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dialogues [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "----"):
			dialogues = append(dialogues, nil)
		case len(dialogues) == 0:
		case strings.HasPrefix(line, "USER:"):
			text := twcsGrades.ReplaceAllString(strings.TrimSpace(strings.TrimPrefix(line, "USER:")), "")
			dialogues[len(dialogues)-1] = append(dialogues[len(dialogues)-1], "Customer: "+text)
		case strings.HasPrefix(line, "SUPP:"):
			dialogues[len(dialogues)-1] = append(dialogues[len(dialogues)-1], "Agent: "+strings.TrimSpace(strings.TrimPrefix(line, "SUPP:")))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for i, turns := range dialogues {
		id := fmt.Sprintf("twcs-%03d", i+1)
		var b strings.Builder
		fmt.Fprintf(&b, "# conversation: %s\n# date: 2026-03-%02d\n", id, 2+i%5)
		for j, turn := range turns {
			secs := 9*3600 + j*90
			fmt.Fprintf(&b, "[%02d:%02d:%02d] %s\n", secs/3600, secs/60%60, secs%60, strings.ReplaceAll(turn, " /// ", " "))
		}
		path := filepath.Join(dir, id+".txt")
		if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// historyEntries runs `history --format json` with args and decodes the
// records.
func historyEntries(t *testing.T, d *desk, args ...string) []triage.HistoryEntry {
	t.Helper()
	res := d.run("", append([]string{"history", "--format", "json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("history %v: exit %d: %s", args, res.code, res.stderr)
	}
	var out []triage.HistoryEntry
	for _, line := range strings.Split(strings.TrimSpace(res.stdout), "\n") {
		if line == "" {
			continue
		}
		var e triage.HistoryEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("history line is not a record: %v: %q", err, line)
		}
		out = append(out, e)
	}
	return out
}

// nearestRank is the exact nearest-rank quantile of sorted values.
func nearestRank(sorted []float64, q float64) float64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// realHistoryDesk ingests the TWCS dialogues, claims every escalated
// ticket in turn as ana or bob, and resolves every third claimed one.
func realHistoryDesk(t *testing.T) (*desk, []triage.HistoryEntry) {
	t.Helper()
	dir := twcsHistoryDir(t)
	d := startDesk(t)
	paths := writeTWCSTranscripts(t, filepath.Join(dir, "dprocessed.part1-conv001-230.txt"), d.dir)
	if res := d.run("", append([]string{"ingest"}, paths...)...); res.code != 0 {
		t.Fatalf("ingest exit %d: %s", res.code, res.stderr)
	}
	escalations := historyEntries(t, d, "--kind", "escalated")
	if len(escalations) < 3 {
		t.Fatalf("only %d escalations from 230 dialogues; the test needs at least 3", len(escalations))
	}
	ctx := context.Background()
	for i, e := range escalations {
		if i%4 == 3 {
			continue // left unclaimed
		}
		agent := []string{"ana", "bob"}[i%2]
		c := d.client().WithAgent(agent)
		if _, err := c.Claim(ctx, e.Ticket); err != nil {
			t.Fatalf("claim %s: %v", e.Ticket, err)
		}
		if i%3 == 0 {
			if _, err := c.Resolve(ctx, e.Ticket); err != nil {
				t.Fatalf("resolve %s: %v", e.Ticket, err)
			}
		}
	}
	return d, escalations
}

func TestHistoryRealDataFiltersAndTotals(t *testing.T) {
	d, escalations := realHistoryDesk(t)
	all := historyEntries(t, d)

	// Exact time to claim: from each escalation to the next claim of the
	// same ticket.
	escalatedAt := map[string]time.Time{}
	var waits []float64
	opened, claims := 0, map[string]int{}
	for _, e := range all {
		switch e.Kind {
		case triage.KindOpened:
			opened++
		case triage.KindEscalated:
			escalatedAt[e.Ticket] = e.At
		case triage.KindClaimed:
			if at, ok := escalatedAt[e.Ticket]; ok {
				waits = append(waits, e.At.Sub(at).Seconds())
				delete(escalatedAt, e.Ticket)
			}
			claims[*e.Agent]++
		}
	}
	slices.Sort(waits)

	res := d.run("", "history", "--format", "json", "--totals")
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if len(lines) != len(all)+1 {
		t.Fatalf("json --totals printed %d lines, want %d records and one totals line", len(lines), len(all))
	}
	var got struct{ Totals totalsReport }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("last line is not the totals: %v: %s", err, lines[len(lines)-1])
	}
	tot := got.Totals
	if tot.All.Escalations != len(escalations) {
		t.Errorf("totals escalations = %d, want %d", tot.All.Escalations, len(escalations))
	}
	if tot.Opened != opened || tot.Opened != 230 {
		t.Errorf("totals opened = %d, want %d (230 dialogues)", tot.Opened, opened)
	}
	if int(tot.All.Claims) != len(waits) {
		t.Errorf("totals claims = %d, want %d", tot.All.Claims, len(waits))
	}
	for _, c := range []struct {
		name string
		got  *float64
		q    float64
	}{{"median", tot.All.ClaimMedian, 0.5}, {"p90", tot.All.ClaimP90, 0.9}} {
		want := nearestRank(waits, c.q)
		if c.got == nil {
			t.Errorf("time to claim %s is missing", c.name)
			continue
		}
		if rel := math.Abs(*c.got-want) / want; rel > triage.HistogramRelativeError {
			t.Errorf("time to claim %s = %.1fs, exact %.1fs: relative error %.4f", c.name, *c.got, want, rel)
		}
	}
	wantResolved := 0
	for i := range escalations {
		if i%4 != 3 && i%3 == 0 {
			wantResolved++
		}
	}
	if tot.All.Resolved != wantResolved || tot.All.Open != len(escalations)-wantResolved {
		t.Errorf("outcomes resolved %d open %d, want %d and %d", tot.All.Resolved, tot.All.Open, wantResolved, len(escalations)-wantResolved)
	}
	ruleSum := 0
	for _, g := range tot.ByRule {
		ruleSum += g.Escalations
	}
	if ruleSum != len(escalations) {
		t.Errorf("escalations by rule sum to %d, want %d", ruleSum, len(escalations))
	}

	// Filters.
	for agent, n := range claims {
		recs := historyEntries(t, d, "--agent", agent, "--kind", "claimed")
		if len(recs) != n {
			t.Errorf("--agent %s --kind claimed: %d records, want %d", agent, len(recs), n)
		}
	}
	if recs := historyEntries(t, d, "--script", "default"); len(recs) != len(escalations) {
		t.Errorf("--script default: %d records, want the %d escalations", len(recs), len(escalations))
	}
	if recs := historyEntries(t, d, "--script", "no-such-script"); len(recs) != 0 {
		t.Errorf("--script no-such-script: %d records, want 0", len(recs))
	}
	window := historyEntries(t, d, "--since", "2026-03-03", "--until", "2026-03-04")
	if len(window) == 0 {
		t.Errorf("--since 2026-03-03 --until 2026-03-04 returned nothing")
	}
	for _, e := range window {
		if e.At.Before(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)) || !e.At.Before(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("record at %s is outside the window", e.At)
		}
	}
	if res := d.run("", "history", "--kind", "escalation"); res.code != exitUsage {
		t.Errorf("--kind escalation exit = %d, want %d", res.code, exitUsage)
	}

	// CSV: the records, then a blank line and the totals block.
	res = d.run("", "history", "--format", "csv", "--totals")
	parts := strings.SplitN(res.stdout, "\n\n", 2)
	if len(parts) != 2 {
		t.Fatalf("csv --totals has no blank line before the totals:\n%s", res.stdout)
	}
	rows, err := csv.NewReader(strings.NewReader(parts[0])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(all)+1 {
		t.Errorf("csv has %d rows, want a header and %d records", len(rows), len(all))
	}
	totalRows, err := csv.NewReader(strings.NewReader(parts[1])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(totalRows) < 3 || totalRows[0][0] != "group" || totalRows[1][0] != "all" || totalRows[1][2] != fmt.Sprint(len(escalations)) {
		t.Errorf("csv totals = %q", totalRows)
	}

	// Table: --totals alone prints no records.
	res = d.run("", "history", "--totals")
	if strings.Contains(res.stdout, "TICKET") || !strings.Contains(res.stdout, fmt.Sprintf("escalations      %d", len(escalations))) {
		t.Errorf("history --totals:\n%s", res.stdout)
	}
}

func TestHistoryReviewsAndEvalMarks(t *testing.T) {
	d, escalations := realHistoryDesk(t)
	ctx := context.Background()
	c := d.client().WithAgent("lead")
	// A console that follows the stream receives every mark as it is
	// saved.
	streamCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stream, err := d.client().Subscribe(streamCtx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	verdicts := []triage.Verdict{triage.VerdictWarranted, triage.VerdictUnwarranted, triage.VerdictWarranted}
	for i, v := range verdicts {
		if _, err := c.Review(ctx, escalations[i].Ticket, escalations[i].Seq, v, "checked the transcript"); err != nil {
			t.Fatalf("review %d: %v", i, err)
		}
	}
	// A second review of the first escalation supersedes the first one.
	if _, err := c.Review(ctx, escalations[0].Ticket, escalations[0].Seq, triage.VerdictUnwarranted, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ctx, escalations[0].Ticket, escalations[0].Seq, "maybe", ""); err == nil {
		t.Errorf("review with verdict maybe succeeded, want an error")
	}
	if _, err := c.Review(ctx, escalations[0].Ticket, escalations[0].Seq+100000, triage.VerdictWarranted, ""); err == nil {
		t.Errorf("review of a missing record succeeded, want an error")
	}

	var streamed []triage.Verdict
	for len(streamed) < len(verdicts)+1 {
		u, err := stream.Next()
		if err != nil {
			t.Fatalf("stream ended after %d review updates: %v", len(streamed), err)
		}
		if u.Review != nil {
			streamed = append(streamed, u.Review.Verdict)
		}
	}
	if want := append(verdicts, triage.VerdictUnwarranted); !slices.Equal(streamed, want) {
		t.Errorf("streamed review marks %v, want %v", streamed, want)
	}

	reviewed := historyEntries(t, d, "--kind", "escalated")
	if reviewed[0].Review == nil || reviewed[0].Review.Verdict != triage.VerdictUnwarranted || reviewed[0].Review.Agent != "lead" {
		t.Errorf("first escalation's review = %+v, want the later unwarranted one by lead", reviewed[0].Review)
	}
	res := d.run("", "eval", "--marks")
	if res.code != 0 {
		t.Fatalf("eval --marks exit %d: %s", res.code, res.stderr)
	}
	if !regexp.MustCompile(`(?m)^all\s+3\s+1\s+0\.333$`).MatchString(res.stdout) {
		t.Errorf("eval --marks lacks the line \"all 3 1 0.333\":\n%s", res.stdout)
	}
	res = d.run("", "history", "--totals")
	if !strings.Contains(res.stdout, "1/3 reviewed escalations") {
		t.Errorf("history totals lack \"1/3 reviewed escalations\":\n%s", res.stdout)
	}
}

func TestHistoryPurgeWithExport(t *testing.T) {
	d, _ := realHistoryDesk(t)
	ctx := context.Background()
	all := historyEntries(t, d)

	// Records before 2026-03-04 go; no ticket ended then, so all stay.
	cut := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	res := d.run("", "history", "purge", "--before", "2026-03-04")
	if res.code != 0 {
		t.Fatalf("purge exit %d: %s", res.code, res.stderr)
	}
	wantLeft := 0
	for _, e := range all {
		if !e.At.Before(cut) {
			wantLeft++
		}
	}
	if left := historyEntries(t, d); len(left) != wantLeft {
		t.Errorf("after purge before %s: %d records, want %d", cut, len(left), wantLeft)
	}
	if _, err := d.client().Ticket(ctx, "T-1"); err != nil {
		t.Errorf("ticket T-1 after the first purge: %v, want it kept", err)
	}

	// Purging up to the future removes the resolved tickets and keeps
	// the others.
	// A ticket has ended when its latest resolved, closed or reopened
	// record is not a reopening: a script may resolve a ticket that the
	// customer then reopens.
	ended := make(map[string]bool)
	for _, e := range historyEntries(t, d) {
		switch e.Kind {
		case triage.KindResolved, triage.KindClosed:
			ended[e.Ticket] = true
		case triage.KindReopened:
			ended[e.Ticket] = false
		}
	}
	var resolved, active []string
	for id, done := range ended {
		if done {
			resolved = append(resolved, id)
		}
	}
	sort.Strings(resolved)
	for _, e := range historyEntries(t, d, "--kind", "claimed") {
		if !slices.Contains(resolved, e.Ticket) {
			active = append(active, e.Ticket)
		}
	}
	export := filepath.Join(d.dir, "purged.jsonl")
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	res = d.run("", "history", "purge", "--before", future, "--export", export)
	if res.code != 0 {
		t.Fatalf("purge with export exit %d: %s", res.code, res.stderr)
	}
	if !strings.Contains(res.stderr, fmt.Sprintf("%d tickets", len(resolved))) {
		t.Errorf("purge summary does not name %d tickets:\n%s", len(resolved), res.stderr)
	}
	for _, id := range resolved {
		if _, err := d.client().Ticket(ctx, id); err == nil {
			t.Errorf("resolved ticket %s is still there after the purge", id)
		}
	}
	for _, id := range active {
		if _, err := d.client().Ticket(ctx, id); err != nil {
			t.Errorf("active ticket %s after the purge: %v", id, err)
		}
	}
	if left := historyEntries(t, d); len(left) != 0 {
		t.Errorf("%d records left after purging up to the future, want 0", len(left))
	}

	data, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var item triage.PurgedItem
		if err := json.Unmarshal([]byte(line), &item); err != nil {
			t.Fatalf("export line is not an item: %v: %q", err, line)
		}
		switch {
		case item.Record != nil:
			counts["record"]++
		case item.Event != nil:
			counts["event"]++
		case item.Ticket != nil:
			counts["ticket"]++
		case item.Conversation != nil:
			counts["conversation"]++
		}
	}
	if counts["ticket"] != len(resolved) || counts["conversation"] != len(resolved) || counts["event"] == 0 || counts["record"] != wantLeft {
		t.Errorf("export counts = %v, want %d tickets and conversations, some events, %d records", counts, len(resolved), wantLeft)
	}
	if res := d.run("", "history", "purge", "--before", future, "--export", export); res.code == 0 {
		t.Errorf("purge onto an existing export file succeeded, want a failure")
	}
	if res := d.run("", "history", "purge"); res.code != exitUsage {
		t.Errorf("purge without --before exit = %d, want %d", res.code, exitUsage)
	}
}
