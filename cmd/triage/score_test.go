package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func scoreLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("score line is not JSON: %v: %q", err, line)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestScoreMessages(t *testing.T) {
	res := runTriage(t, os.Environ(), "this is useless, STILL NOT WORKING!!!\n\nthanks, that fixed it\n", "score")
	if res.code != 0 {
		t.Fatalf("score exit %d: %s", res.code, res.stderr)
	}
	lines := scoreLines(t, res.stdout)
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want one per message and none for the blank line:\n%s", len(lines), res.stdout)
	}
	for _, field := range []string{"text", "valence", "frustration", "reasons"} {
		if _, ok := lines[0][field]; !ok {
			t.Errorf("score line lacks %q: %v", field, lines[0])
		}
	}
	if lines[0]["frustration"].(float64) <= lines[1]["frustration"].(float64) {
		t.Errorf("angry frustration %v not above calm %v", lines[0]["frustration"], lines[1]["frustration"])
	}
	reasons := lines[0]["reasons"].([]any)
	if len(reasons) == 0 {
		t.Fatal("an angry message has no reasons")
	}
	for _, field := range []string{"rule", "text", "weight"} {
		if _, ok := reasons[0].(map[string]any)[field]; !ok {
			t.Errorf("reason lacks %q: %v", field, reasons[0])
		}
	}
}

func TestScoreTranscript(t *testing.T) {
	res := runTriage(t, os.Environ(), furiousTranscript, "score", "--transcript")
	if res.code != 0 {
		t.Fatalf("score --transcript exit %d: %s", res.code, res.stderr)
	}
	lines := scoreLines(t, res.stdout)
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want one per customer message:\n%s", len(lines), res.stdout)
	}
	last := lines[len(lines)-1]
	if last["conversation"] != "c-furious" || last["frustration"].(float64) < 0.8 {
		t.Errorf("last turn = %v, want c-furious at 0.8 or more", last)
	}
}
