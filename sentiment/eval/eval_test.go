package eval

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir returns the public data sets' folder: TRIAGE_TESTDATA, or
// ../shared/data beside the repository root. It skips the test when the
// folder is absent, and fails it instead under CI.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TRIAGE_TESTDATA")
	if dir == "" {
		root, err := filepath.Abs(".")
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("go.mod not found above the test directory")
			}
			root = parent
		}
		dir = filepath.Join(root, "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, VADERDir)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test data missing under %s (set TRIAGE_TESTDATA): %v", dir, err)
		}
		t.Skipf("test data missing under %s (set TRIAGE_TESTDATA to run): %v", dir, err)
	}
	return dir
}

func TestEvaluateMeetsGoals(t *testing.T) {
	rows, err := Evaluate(dataDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", buf.String())
	get := func(set, metric string) Row {
		for _, r := range rows {
			if r.Set == set && r.Metric == metric {
				return r
			}
		}
		t.Fatalf("no row for %s %s", set, metric)
		return Row{}
	}
	for _, r := range rows {
		if math.IsNaN(r.Ours) || math.IsNaN(r.Reference) || r.Items == 0 {
			t.Errorf("%s %s: empty result %+v", r.Set, r.Metric, r)
		}
	}
	if r := get("vader tweets", "pearson r"); r.Ours < 0.88 {
		t.Errorf("tweets: r = %.3f, want at least 0.88", r.Ours)
	}
	if r := get("vader tweets", "pearson r"); r.Items != 4200 {
		t.Errorf("tweets: read %d items, want 4200", r.Items)
	}
	if r := get("frustration dialogues", "spearman"); r.Ours < r.Reference+0.10 {
		t.Errorf("dialogues: spearman %.3f, want at least govader's %.3f + 0.10", r.Ours, r.Reference)
	}
	if r := get("airline tweets", "negative F1"); r.Ours <= r.Reference {
		t.Errorf("airline: negative F1 %.3f, want above govader's %.3f", r.Ours, r.Reference)
	}
}

func TestRunWritesTable(t *testing.T) {
	var buf bytes.Buffer
	if err := Run(dataDir(t), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"set", "vader tweets", "frustration dialogues", "airline tweets", "0.881"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestRunMissingData(t *testing.T) {
	if err := Run(t.TempDir(), &bytes.Buffer{}); err == nil {
		t.Error("Run on an empty folder returned no error")
	}
}

func TestParseCustomerTurn(t *testing.T) {
	cases := []struct {
		in     string
		text   string
		grade  float64
		graded bool
	}{
		{"still broken {3,2,4}", "still broken", 3, true},
		{"no grade {n,2,3}", "no grade", 0, false},
		{"empty grade {,2,3}", "empty grade", 0, false},
		{"no braces", "no braces", 0, false},
		{"ties {0,0,4}", "ties", 0, true},
	}
	for _, c := range cases {
		got := parseCustomerTurn(c.in)
		if got.text != c.text || got.grade != c.grade || got.graded != c.graded {
			t.Errorf("parseCustomerTurn(%q) = %+v, want text %q grade %v graded %v", c.in, got, c.text, c.grade, c.graded)
		}
	}
}

func TestStatistics(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	if r := pearson(x, []float64{2, 4, 6, 8, 10}); math.Abs(r-1) > 1e-12 {
		t.Errorf("pearson of a line = %v, want 1", r)
	}
	if r := spearman(x, []float64{1, 4, 9, 16, 25}); math.Abs(r-1) > 1e-12 {
		t.Errorf("spearman of a monotone map = %v, want 1", r)
	}
	if r := spearman(x, []float64{5, 4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("spearman reversed = %v, want -1", r)
	}
	got := ranks([]float64{10, 20, 20, 30})
	if want := []float64{1, 2.5, 2.5, 4}; !equal(got, want) {
		t.Errorf("ranks with a tie = %v, want %v", got, want)
	}
	if f := f1([]bool{true, true, false, false}, []bool{true, false, true, false}); math.Abs(f-0.5) > 1e-12 {
		t.Errorf("f1 = %v, want 0.5", f)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
