package ingest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// dataDir returns the directory of the shared real data sets:
// $TRIAGE_TESTDATA, or ../shared/data beside the repository root. It skips
// the test when the directory is absent, and fails it when CI=true.
func dataDir(t *testing.T, name string) string {
	t.Helper()
	root := os.Getenv("TRIAGE_TESTDATA")
	if root == "" {
		repo, err := filepath.Abs("../..")
		if err != nil {
			t.Fatal(err)
		}
		root = filepath.Join(repo, "..", "shared", "data")
	}
	dir := filepath.Join(root, name)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data set %s is missing: %v", dir, err)
		}
		t.Skipf("real data set %s is missing; set TRIAGE_TESTDATA to the data directory to run this test", dir)
	}
	return dir
}

// twcsTurn is one turn of a frustration-graded TWCS dialogue.
type twcsTurn struct {
	role triage.Role
	text string
}

var twcsGrades = regexp.MustCompile(`\s*\{[^{}]*\}\s*$`)

// readTWCSDialogues reads the dialogues of dprocessed.txt: a separator line
// of tweet ids, then "USER: text {grades}" and "SUPP: text" turns.
func readTWCSDialogues(t *testing.T, path string) [][]twcsTurn {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var dialogues [][]twcsTurn
	scanner := bufio.NewScanner(f)
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		switch {
		case strings.HasPrefix(line, "-----"):
			dialogues = append(dialogues, nil)
		case strings.HasPrefix(line, "USER:") && len(dialogues) > 0:
			text := twcsGrades.ReplaceAllString(strings.TrimPrefix(line, "USER:"), "")
			dialogues[len(dialogues)-1] = append(dialogues[len(dialogues)-1], twcsTurn{triage.RoleCustomer, text})
		case strings.HasPrefix(line, "SUPP:") && len(dialogues) > 0:
			dialogues[len(dialogues)-1] = append(dialogues[len(dialogues)-1], twcsTurn{triage.RoleAgent, strings.TrimPrefix(line, "SUPP:")})
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return dialogues
}

// expectedText is what the transcript reader makes of tweets merged with
// " /// " when each tweet is written on its own line: trimmed pieces, blank
// ones dropped, joined by newlines.
func expectedText(text string) string {
	var pieces []string
	for _, piece := range strings.Split(text, "///") {
		if piece = strings.TrimSpace(piece); piece != "" {
			pieces = append(pieces, piece)
		}
	}
	return strings.Join(pieces, "\n")
}

func TestRealTWCSDialoguesAsTranscripts(t *testing.T) {
	dir := dataDir(t, "twcs-frustration-intensity")
	dialogues := readTWCSDialogues(t, filepath.Join(dir, "dprocessed.part1-conv001-230.txt"))
	if len(dialogues) < 200 {
		t.Fatalf("read %d dialogues, want the 230 of the data set", len(dialogues))
	}
	// Start five minutes before midnight so that most dialogues cross it.
	start := time.Date(2017, 10, 31, 23, 55, 0, 0, time.UTC)
	const gap = 90 * time.Second
	for n, dialogue := range dialogues {
		var b strings.Builder
		fmt.Fprintf(&b, "# conversation: twcs-%03d\n# date: %s\n", n+1, start.Format("2006-01-02"))
		for i, turn := range dialogue {
			speaker := "Customer"
			if turn.role == triage.RoleAgent {
				speaker = "Agent"
			}
			pieces := strings.Split(turn.text, "///")
			fmt.Fprintf(&b, "[%s] %s: %s\n", start.Add(time.Duration(i)*gap).Format("15:04:05"), speaker, pieces[0])
			for _, piece := range pieces[1:] {
				fmt.Fprintf(&b, "  %s\n", piece) // indented, so always a continuation
			}
		}

		items := readAll(t, b.String(), Options{Format: FormatText, Source: "twcs.txt"})
		if len(items) != len(dialogue) {
			t.Errorf("dialogue %d: %d items from %d turns", n+1, len(items), len(dialogue))
			continue
		}
		for i, item := range items {
			if item.Err != nil {
				t.Errorf("dialogue %d: %v", n+1, item.Err)
				continue
			}
			ev := item.Event
			wantAt := start.Add(time.Duration(i) * gap)
			if !ev.At.Equal(wantAt) {
				t.Errorf("dialogue %d turn %d: at = %v, want %v", n+1, i, ev.At, wantAt)
			}
			if ev.Role != dialogue[i].role || ev.Type != triage.TypeMessage {
				t.Errorf("dialogue %d turn %d: %s %s, want %s message", n+1, i, ev.Role, ev.Type, dialogue[i].role)
			}
			if want := expectedText(dialogue[i].text); ev.Text != want {
				t.Errorf("dialogue %d turn %d: text = %q, want %q", n+1, i, ev.Text, want)
			}
			if ev.Conversation != fmt.Sprintf("twcs-%03d", n+1) {
				t.Errorf("dialogue %d: conversation = %q", n+1, ev.Conversation)
			}
		}
	}
}

var ircMessage = regexp.MustCompile(`^\[(\d\d):(\d\d)\] (?:<([^>]*)>| \* (\S+))(.*)$`)

func TestRealUbuntuIRCLogsAsTranscripts(t *testing.T) {
	dir := dataDir(t, "irc-disentanglement")
	paths, err := filepath.Glob(filepath.Join(dir, "ubuntu", "*.raw.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no Ubuntu logs in %s: %v", dir, err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// The date is in the file name, as YYYY-MM-DD_HH or YYYY-MM-DD.train-x.
			date := filepath.Base(path)[:10]
			input := "# date: " + date + "\n" + string(data)
			items := readAll(t, input, Options{Source: path})
			events, rejects := splitItems(items)
			for _, reject := range rejects {
				t.Errorf("rejected: %v", reject.Err)
			}

			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			var want []int // input lines of messages, counting the header
			for i, line := range lines {
				if strings.HasPrefix(line, "[") {
					want = append(want, i+2)
				}
			}
			if got := lineNumbers(events); !equalInts(got, want) {
				t.Fatalf("got %d events, want one for each of the %d timestamped lines", len(got), len(want))
			}

			day, _ := time.Parse("2006-01-02", date)
			var prev time.Time
			for _, item := range events {
				ev := item.Event
				m := ircMessage.FindStringSubmatch(lines[item.Line-2])
				if m == nil {
					t.Fatalf("line %d does not look like an IRC message", item.Line)
				}
				nick := m[3] + m[4]
				if ev.Customer == nil || ev.Customer.Handle != nick {
					t.Errorf("line %d: customer = %+v, want handle %q", item.Line, ev.Customer, nick)
				}
				if ev.Text != strings.TrimSpace(m[5]) {
					t.Errorf("line %d: text = %q, want %q", item.Line, ev.Text, strings.TrimSpace(m[5]))
				}
				if ev.At.Before(prev) {
					t.Errorf("line %d: time %v goes back from %v", item.Line, ev.At, prev)
				}
				clock := ev.At.Format("15:04")
				if clock != m[1]+":"+m[2] || ev.At.Before(day) {
					t.Errorf("line %d: at = %v, want %s:%s on or after %s", item.Line, ev.At, m[1], m[2], date)
				}
				prev = ev.At
			}
		})
	}
}

var stripeLine = regexp.MustCompile(`^stripe (\d{4}-\d\d-\d\d) \[(\d\d:\d\d:\d\d)\] (.*)$`)

func TestRealStripeIRCLogsAsTranscripts(t *testing.T) {
	dir := dataDir(t, "irc-disentanglement")
	for _, name := range []string{"stripe.0.ascii.txt", "stripe.1.ascii.txt"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "stripe", name))
			if err != nil {
				t.Fatal(err)
			}
			// Move the date into the brackets: [2019-09-04 22:44:46] <nick> text.
			var b strings.Builder
			var want []time.Time
			for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
				m := stripeLine.FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("unexpected line %q", line)
				}
				at, err := time.Parse("2006-01-02 15:04:05", m[1]+" "+m[2])
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, at)
				fmt.Fprintf(&b, "[%s %s] %s\n", m[1], m[2], m[3])
			}
			items := readAll(t, b.String(), Options{Source: name})
			if len(items) != len(want) {
				t.Fatalf("got %d items from %d lines", len(items), len(want))
			}
			for i, item := range items {
				if item.Err != nil {
					t.Errorf("rejected: %v", item.Err)
					continue
				}
				if !item.Event.At.Equal(want[i]) || item.Line != i+1 {
					t.Errorf("item %d: line %d at %v, want line %d at %v", i, item.Line, item.Event.At, i+1, want[i])
				}
			}
		})
	}
}
