package scripts

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// KindKeywords is the document kind of operators' keyword lists: words and
// phrases of their product with a valence that the scorer adds on top of
// its built-in lexicon.
const KindKeywords = "keywords"

// Bounds of a keyword list.
const (
	// MaxKeywords is the most entries one list may hold.
	MaxKeywords = 2000
	// maxKeywordPhrase is the longest phrase, in bytes.
	maxKeywordPhrase = 100
	// maxKeywordWeight bounds a weight, on the lexicon's scale.
	maxKeywordWeight = 4
)

// DefaultKeywordsYAML is the keyword list the desk stores on first start:
// empty, with an example, because every product has its own words.
const DefaultKeywordsYAML = `kind: keywords
name: keywords
description: >
  Words and phrases of our product that tell how a customer feels, added to
  the scorer's built-in lexicon. A weight runs from -4 (very frustrating)
  to 4 (very pleased), on the same scale as the lexicon; a one-word entry
  replaces that word's built-in weight. Try a change with triage score
  before saving it.
# keywords:
#   - phrase: sync is broken
#     weight: -2.5
#   - phrase: offline mode
#     weight: -1
keywords: []
`

// Keyword is one entry of a keyword list.
type Keyword struct {
	Phrase string
	Weight float64
}

// KeywordList is a parsed keyword-list document.
type KeywordList struct {
	Name        string
	Description string
	Keywords    []Keyword
}

var (
	keywordListFields = []string{"kind", "name", "description", "keywords"}
	keywordFields     = []string{"phrase", "weight"}
)

// ParseKeywords reads a keyword-list document. Every problem is reported
// with its line and column in a *ValidationError: unknown fields, a
// missing phrase or weight, a weight outside -4 to 4 or of 0, a phrase
// longer than 100 bytes, and the same phrase twice.
func ParseKeywords(source string, src []byte) (*KeywordList, error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return nil, ps.err(source)
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "a keyword list", position{1, 1})
	if m == nil {
		return nil, ps.err(source)
	}
	r.checkFields(m, "a keyword list", keywordListFields, "kind", "name", "keywords")
	r.checkKind(m, KindKeywords)
	list := &KeywordList{}
	list.Name, _ = r.name(m.get("name"))
	if e := m.get("description"); e != nil {
		list.Description, _ = r.str(e)
	}
	if e := m.get("keywords"); e != nil && !isNull(e.value) {
		items, paths, ok := r.sequence(e, "keywords")
		if ok && len(items) > MaxKeywords {
			r.ps.add(e.pos(), e.path, "%d keywords: a list holds at most %d", len(items), MaxKeywords)
			ok = false
		}
		if ok {
			seen := make(map[string]string)
			for i, item := range items {
				kw, ok := r.keyword(item, paths[i])
				if !ok {
					continue
				}
				key := strings.ToLower(kw.Phrase)
				if first, dup := seen[key]; dup {
					r.ps.add(nodePosition(item), paths[i], "phrase %q is already listed at %s: keep one entry", kw.Phrase, first)
					continue
				}
				seen[key] = paths[i]
				list.Keywords = append(list.Keywords, kw)
			}
		}
	}
	if err := ps.err(source); err != nil {
		return nil, err
	}
	return list, nil
}

// keyword reads one {phrase, weight} entry.
func (r *reader) keyword(n ast.Node, path string) (Keyword, bool) {
	m := r.mapping(n, path, "a keyword", nodePosition(n))
	if m == nil {
		return Keyword{}, false
	}
	r.checkFields(m, "a keyword", keywordFields, "phrase", "weight")
	var kw Keyword
	phraseOK, weightOK := false, false
	if e := m.get("phrase"); e != nil {
		if kw.Phrase, phraseOK = r.str(e); phraseOK {
			kw.Phrase = strings.Join(strings.Fields(kw.Phrase), " ")
			if len(kw.Phrase) > maxKeywordPhrase {
				r.ps.add(e.pos(), e.path, "phrase is %d bytes long: keep it to %d", len(kw.Phrase), maxKeywordPhrase)
				phraseOK = false
			}
		}
	}
	if e := m.get("weight"); e != nil {
		kw.Weight, weightOK = r.weight(e)
	}
	return kw, phraseOK && weightOK
}

// weight reads a number from -4 to 4, not 0.
func (r *reader) weight(e *entry) (float64, bool) {
	if r.unsupported(e.value, e.path) {
		return 0, false
	}
	var text string
	switch v := e.value.(type) {
	case *ast.IntegerNode:
		text = v.Token.Value
	case *ast.FloatNode:
		text = v.Token.Value
	default:
		r.ps.add(e.pos(), e.path, "%q must be a number from -4 to 4, not %s", e.key, describeNode(e.value))
		return 0, false
	}
	w, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if err != nil || w < -maxKeywordWeight || w > maxKeywordWeight || w == 0 {
		r.ps.add(e.pos(), e.path, "weight %s is out of range: give a number from -4 (very frustrating) to 4 (very pleased), not 0", text)
		return 0, false
	}
	return w, true
}
