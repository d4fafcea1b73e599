package engine

import (
	"errors"
	"fmt"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
)

// KeywordsKind is the document kind of operators' keyword lists, and
// KeywordsName the name of the one the engine applies.
const (
	KeywordsKind = scripts.KindKeywords
	KeywordsName = "keywords"
)

// loadKeywords reads the operators' keyword list, seeding the default on
// first start, and builds the scorer from it and the keywords given in
// Options. A stored list that no longer parses is logged and left out.
func (e *Engine) loadKeywords(extra []sentiment.Keyword) error {
	var doc *triage.Document
	err := e.store.View(func(tx triage.ReadTx) error {
		d, err := tx.Document(KeywordsKind, KeywordsName, 0)
		doc = d
		return err
	})
	if errors.Is(err, triage.ErrNotFound) {
		doc = &triage.Document{
			Kind: KeywordsKind, Name: KeywordsName, Body: scripts.DefaultKeywordsYAML, Author: "triage",
			SavedAt: e.now().UTC(), Comment: "default keyword list seeded on first start",
		}
		err = e.store.Update(func(tx triage.Tx) error { return tx.PutDocument(doc) })
		if err == nil {
			e.log.Info("seeded default keyword list", "version", doc.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("load keyword list: %w", err)
	}
	e.extraKeywords = extra
	list, err := scripts.ParseKeywords(doc.Kind+"/"+doc.Name, []byte(doc.Body))
	if err != nil {
		e.log.Error("stored keyword list does not parse; scoring uses the built-in lexicon until a valid version is saved",
			"err", err, "version", doc.Version)
		list = &scripts.KeywordList{}
	}
	e.scorer.Store(e.newScorer(list))
	return nil
}

// newScorer builds a scorer with the keywords of list on top of those
// given in Options.
func (e *Engine) newScorer(list *scripts.KeywordList) *sentiment.Scorer {
	keywords := append([]sentiment.Keyword(nil), e.extraKeywords...)
	for _, kw := range list.Keywords {
		keywords = append(keywords, sentiment.Keyword{Phrase: kw.Phrase, Weight: kw.Weight})
	}
	return sentiment.New(sentiment.Options{Keywords: keywords})
}
