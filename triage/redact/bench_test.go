package redact

import (
	"testing"

	"github.com/jdkato/prose/v2"
)

// benchMessages are support messages of typical length, some with
// personal data.
var benchMessages = []string{
	"@AmazonHelp my order 113-1234567 still has not arrived, I have been waiting 3 weeks and nobody answers!!",
	"Hi, I'm Sarah Jones, please call me on +44 20 7946 0958 or mail sarah.jones@example.com about the refund.",
	"Thanks Josh, the router works again after the restart. Have a good evening.",
	"I live at 221B Baker Street and the technician never showed up, this is the third time this week.",
	"My card 4111 1111 1111 1111 was charged twice for the same pizza, fix it now.",
}

func BenchmarkText(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		Text(benchMessages[i%len(benchMessages)])
	}
}

// BenchmarkProseNames measures prose's named-entity recognition, which
// finds person names that the patterns of Text cannot. The model is
// loaded once, outside the timed loop.
func BenchmarkProseNames(b *testing.B) {
	first, err := prose.NewDocument("", prose.WithSegmentation(false))
	if err != nil {
		b.Fatal(err)
	}
	model := first.Model
	for i := 0; b.Loop(); i++ {
		doc, err := prose.NewDocument(benchMessages[i%len(benchMessages)],
			prose.WithSegmentation(false), prose.UsingModel(model))
		if err != nil {
			b.Fatal(err)
		}
		for _, ent := range doc.Entities() {
			_ = ent.Label == "PERSON"
		}
	}
}

// BenchmarkProseModelLoad measures loading prose's default model, which
// NewDocument does on every call unless given a model.
func BenchmarkProseModelLoad(b *testing.B) {
	for b.Loop() {
		if _, err := prose.NewDocument("", prose.WithSegmentation(false)); err != nil {
			b.Fatal(err)
		}
	}
}
