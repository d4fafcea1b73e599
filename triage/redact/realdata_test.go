package redact

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage/datasets"
	"github.com/triagedesk/triage/triage/ingest"
)

// dataDir finds a public data set with datasets.Dir: it skips the test
// when the set is absent and fails it when CI=true.
func dataDir(t *testing.T, name string) string {
	t.Helper()
	return datasets.Dir(t, name)
}

// readTweets returns the text of every tweet in a TWCS CSV.
func readTweets(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.NewReader(f, ingest.Options{Format: ingest.FormatTWCS, Source: path})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for {
		item, err := r.Next()
		if errors.Is(err, io.EOF) {
			return texts
		}
		if err != nil {
			t.Fatal(err)
		}
		if item.Event != nil {
			texts = append(texts, item.Event.Text)
		}
	}
}

// frustration scores text as the only customer message of a conversation.
func frustration(s *sentiment.Scorer, text string) float64 {
	var st sentiment.State
	turn, _ := s.Observe(&st, sentiment.Event{
		At: time.Date(2017, 10, 31, 12, 0, 0, 0, time.UTC), Role: "customer", Kind: "message", Text: text,
	})
	return turn.Frustration
}

// TestRedactionKeepsFrustration scores every real tweet that redaction
// changes, before and after, and requires the same frustration.
func TestRedactionKeepsFrustration(t *testing.T) {
	dir := dataDir(t, "twcs-random-sample")
	texts := readTweets(t, filepath.Join(dir, "twcs_small.csv"))
	scorer := sentiment.New(sentiment.Options{})
	changed, differ := 0, 0
	for _, text := range texts {
		redacted := Text(text)
		if redacted == text {
			continue
		}
		changed++
		before, after := frustration(scorer, text), frustration(scorer, redacted)
		if math.Abs(before-after) > 1e-9 {
			differ++
			t.Errorf("frustration %.4f became %.4f:\n  %q\n  %q", before, after, text, redacted)
		}
	}
	t.Logf("%d of %d tweets redacted, %d with a different frustration", changed, len(texts), differ)
	if changed < 10 {
		t.Errorf("only %d tweets redacted; the sample has about 14 phone numbers", changed)
	}
}
