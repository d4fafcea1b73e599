package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage/datasets"
)

// testDataDir finds a public data set with datasets.Dir: it skips the test
// when the set is absent and fails it when CI=true.
func testDataDir(t *testing.T, set string) string {
	t.Helper()
	return datasets.Dir(t, set)
}

// gradedDialogue is one customer-support dialogue whose customer turns
// three experts graded for frustration from 0 to 4.
type gradedDialogue struct {
	turns []gradedTurn
}

type gradedTurn struct {
	customer bool
	text     string
	grades   []int // numeric grades only; "n" or blank grades are left out
}

var gradeSuffix = regexp.MustCompile(`\s*\{([^{}]*)\}\s*$`)

// readGradedDialogues parses the frustration-graded dialogue file: a
// separator line starts each dialogue, then "USER: text {g1,g2,g3}" and
// "SUPP: text" lines.
func readGradedDialogues(t *testing.T, path string) []gradedDialogue {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []gradedDialogue
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "----"):
			out = append(out, gradedDialogue{})
		case len(out) == 0:
		case strings.HasPrefix(line, "USER:"):
			text := strings.TrimSpace(strings.TrimPrefix(line, "USER:"))
			turn := gradedTurn{customer: true}
			if m := gradeSuffix.FindStringSubmatchIndex(text); m != nil {
				for _, g := range strings.Split(text[m[2]:m[3]], ",") {
					if n, err := strconv.Atoi(strings.TrimSpace(g)); err == nil {
						turn.grades = append(turn.grades, n)
					}
				}
				text = text[:m[0]]
			}
			turn.text = text
			out[len(out)-1].turns = append(out[len(out)-1].turns, turn)
		case strings.HasPrefix(line, "SUPP:"):
			text := strings.TrimSpace(strings.TrimPrefix(line, "SUPP:"))
			out[len(out)-1].turns = append(out[len(out)-1].turns, gradedTurn{text: text})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func median(xs []int) float64 {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

// transcript writes a dialogue as a plain-text transcript with turns 90
// seconds apart; the data has no timestamps, so behaviour signals are
// flat and the wording decides.
func (d gradedDialogue) transcript(id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# conversation: %s\n# date: 2026-03-02\n", id)
	for i, turn := range d.turns {
		secs := 9*3600 + i*90
		speaker := "Agent"
		if turn.customer {
			speaker = "Customer"
		}
		text := strings.ReplaceAll(turn.text, " /// ", " ")
		fmt.Fprintf(&b, "[%02d:%02d:%02d] %s: %s\n", secs/3600, secs/60%60, secs%60, speaker, text)
	}
	return b.String()
}

func TestGradedDialoguesEscalationRates(t *testing.T) {
	dir := testDataDir(t, "twcs-frustration-intensity")
	dialogues := readGradedDialogues(t, filepath.Join(dir, "dprocessed.part1-conv001-230.txt"))
	if len(dialogues) != 230 {
		t.Fatalf("read %d dialogues, want 230", len(dialogues))
	}
	d := startDesk(t)
	files := make([]string, 0, len(dialogues))
	for i, dlg := range dialogues {
		path := filepath.Join(d.dir, fmt.Sprintf("twcs-%03d.txt", i+1))
		if err := os.WriteFile(path, []byte(dlg.transcript(fmt.Sprintf("twcs-%03d", i+1))), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	res := d.run("", append([]string{"ingest"}, files...)...)
	if res.code != 0 {
		t.Fatalf("ingest exit %d:\n%s", res.code, res.stderr)
	}

	escalated := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(d.run("", "history", "--format", "json", "--kind", "escalated").stdout), "\n") {
		if line == "" {
			continue
		}
		var rec struct{ Conversation string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		escalated[rec.Conversation] = true
	}

	var severe, severeEscalated, calm, calmEscalated int
	for i, dlg := range dialogues {
		id := fmt.Sprintf("twcs-%03d", i+1)
		allThreeHigh, allCalm, graded := false, true, 0
		for _, turn := range dlg.turns {
			if !turn.customer || len(turn.grades) == 0 {
				continue
			}
			graded++
			if len(turn.grades) == 3 && turn.grades[0] >= 3 && turn.grades[1] >= 3 && turn.grades[2] >= 3 {
				allThreeHigh = true
			}
			if median(turn.grades) > 1 {
				allCalm = false
			}
		}
		if allThreeHigh {
			severe++
			if escalated[id] {
				severeEscalated++
			}
		}
		if graded > 0 && allCalm {
			calm++
			if escalated[id] {
				calmEscalated++
			}
		}
	}
	severeRate := float64(severeEscalated) / float64(severe)
	calmRate := float64(calmEscalated) / float64(calm)
	t.Logf("dialogues with a turn all three experts graded 3 or more: %d of %d escalated (%.1f%%)", severeEscalated, severe, 100*severeRate)
	t.Logf("dialogues whose turns all have median grade 1 or less: %d of %d escalated (%.1f%%)", calmEscalated, calm, 100*calmRate)
	if severeRate < 0.70 {
		t.Errorf("escalated %.1f%% of severe dialogues, want at least 70%%", 100*severeRate)
	}
	if calmRate > 0.10 {
		t.Errorf("escalated %.1f%% of calm dialogues, want at most 10%%", 100*calmRate)
	}
}
