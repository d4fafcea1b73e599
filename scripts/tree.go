package scripts

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxDocumentSize is the largest document, in bytes, that the parsers
// accept. Policies and scripts are a few kilobytes, so a larger input is a
// mistake and is rejected before any parsing.
const MaxDocumentSize = 1 << 20

// readDocument parses src into the root node of its one YAML document. It
// returns nil after recording a problem when src is not usable YAML.
func readDocument(src []byte, ps *problems) ast.Node {
	if len(src) > MaxDocumentSize {
		ps.add(position{1, 1}, "", "document is %d bytes, larger than the limit of %d bytes", len(src), MaxDocumentSize)
		return nil
	}
	if !utf8.Valid(src) {
		ps.add(invalidUTF8Position(src), "", "invalid UTF-8: save the document as UTF-8 text")
		return nil
	}
	if checkTabs(src, ps) || checkFlowNesting(src, ps) {
		return nil
	}
	file, err := parseYAML(src)
	if err != nil {
		ps.add(yamlErrorPosition(err), "", "invalid YAML: %s", yamlErrorMessage(err))
		return nil
	}
	var body []ast.Node
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			body = append(body, doc.Body)
		}
	}
	switch len(body) {
	case 0:
		ps.add(position{1, 1}, "$", "empty document: start with \"kind:\" and \"name:\"")
		return nil
	case 1:
		return body[0]
	default:
		ps.add(nodePosition(body[1]), "$", "more than one YAML document: keep one document per source")
		return nil
	}
}

// parseYAML runs the goccy/go-yaml parser, turning a panic inside it into
// an error so that no input can crash the caller.
func parseYAML(src []byte) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	return parser.ParseBytes(src, 0)
}

func yamlErrorPosition(err error) position {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			return position{tk.Position.Line, max(tk.Position.Column, 1)}
		}
	}
	return position{1, 1}
}

func yamlErrorMessage(err error) string {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		return yerr.GetMessage()
	}
	return err.Error()
}

func invalidUTF8Position(src []byte) position {
	pos := position{1, 1}
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size <= 1 {
			return pos
		}
		if r == '\n' {
			pos = position{pos.line + 1, 1}
		} else {
			pos.column++
		}
		src = src[size:]
	}
	return pos
}

// checkTabs records a problem for each line indented with a tab, because
// YAML forbids tabs in indentation and the parser's own message for them is
// hard to act on. It reports whether it found any.
//
// NOTE: a tab at the start of a line inside a block scalar is legal YAML
// but is rejected here as well.
func checkTabs(src []byte, ps *problems) bool {
	found := false
	for i, line := range strings.Split(string(src), "\n") {
		for j := 0; j < len(line); j++ {
			if line[j] == '\t' {
				ps.add(position{i + 1, utf8.RuneCountInString(line[:j]) + 1}, "", "tab in indentation: indent with spaces")
				found = true
				break
			}
			if line[j] != ' ' {
				break
			}
		}
	}
	return found
}

// maxFlowNesting bounds how deeply flow collections ([...] and {...}) may
// nest. The YAML parser (goccy/go-yaml v1.19.2) slows down faster than
// quadratically with depth: 0.5 s for 20,000 levels and 112 s for 80,000,
// measured once on a busy two-core machine. No real document comes near
// this bound.
const maxFlowNesting = 64

// checkFlowNesting records a problem when brackets nest deeper than
// maxFlowNesting. It counts brackets inside quoted strings and comments
// too, so a string holding dozens of unclosed brackets is rejected as well.
func checkFlowNesting(src []byte, ps *problems) bool {
	depth, line, column := 0, 1, 0
	for _, r := range string(src) {
		column++
		switch r {
		case '\n':
			line, column = line+1, 0
		case '[', '{':
			depth++
			if depth > maxFlowNesting {
				ps.add(position{line, column}, "", "brackets nest more than %d levels deep: flatten the document", maxFlowNesting)
				return true
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return false
}

// nodePosition returns where a node starts in the source.
func nodePosition(n ast.Node) position {
	switch n := n.(type) {
	case nil:
		return position{1, 1}
	case *ast.MappingNode:
		if len(n.Values) > 0 {
			return nodePosition(n.Values[0])
		}
		return tokenPosition(n.Start)
	case *ast.MappingValueNode:
		return nodePosition(n.Key)
	case *ast.SequenceNode:
		return tokenPosition(n.Start)
	case *ast.LiteralNode:
		return tokenPosition(n.Start)
	}
	return tokenPosition(n.GetToken())
}

func tokenPosition(tk *token.Token) position {
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return position{1, 1}
	}
	return position{tk.Position.Line, max(tk.Position.Column, 1)}
}

// reader turns YAML nodes into Go values, recording a problem with a
// position for every node that does not fit.
type reader struct {
	ps    *problems
	lines []string // the source, split into lines
}

func newReader(src []byte, ps *problems) *reader {
	return &reader{ps: ps, lines: strings.Split(string(src), "\n")}
}

// entry is one key and value of a YAML mapping.
type entry struct {
	key    string
	keyPos position
	value  ast.Node
	path   string
}

// pos returns where the entry's value starts, or its key when the value
// is empty.
func (e *entry) pos() position {
	if isNull(e.value) {
		return e.keyPos
	}
	return nodePosition(e.value)
}

// mapping is a YAML mapping read into its entries, in source order.
type mapping struct {
	pos     position
	path    string
	entries []*entry
	byKey   map[string]*entry
}

func (m *mapping) get(key string) *entry {
	if m == nil {
		return nil
	}
	return m.byKey[key]
}

func isNull(n ast.Node) bool {
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// mapping reads n as a mapping. what names the thing in messages, such as
// "a rule". It returns nil after recording a problem when n is not a
// mapping.
func (r *reader) mapping(n ast.Node, path, what string, fallback position) *mapping {
	if r.unsupported(n, path) {
		return nil
	}
	var values []*ast.MappingValueNode
	switch n := n.(type) {
	case *ast.MappingNode:
		values = n.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{n}
	default:
		pos := fallback
		if !isNull(n) {
			pos = nodePosition(n)
		}
		r.ps.add(pos, path, "%s must be a mapping of keys to values, not %s", what, describeNode(n))
		return nil
	}
	m := &mapping{pos: nodePosition(n), path: path, byKey: map[string]*entry{}}
	for _, mv := range values {
		keyPos := nodePosition(mv.Key)
		if mv.Key.IsMergeKey() {
			r.ps.add(keyPos, path, "merge keys (<<) are not supported: write the fields out")
			continue
		}
		if r.unsupported(mv.Key, path) {
			continue
		}
		key, ok := scalarText(mv.Key)
		if !ok {
			r.ps.add(keyPos, path, "a key must be a plain string, not %s", describeNode(mv.Key))
			continue
		}
		e := &entry{key: key, keyPos: keyPos, value: mv.Value, path: childPath(path, key)}
		if prev, dup := m.byKey[key]; dup {
			r.ps.add(keyPos, e.path, "duplicate key %q: it is already set at line %d", key, prev.keyPos.line)
			continue
		}
		m.byKey[key] = e
		m.entries = append(m.entries, e)
	}
	return m
}

// checkFields records a problem for every key of m not in known, and for
// every key in required that m lacks.
func (r *reader) checkFields(m *mapping, what string, known []string, required ...string) {
	if m == nil {
		return
	}
	for _, e := range m.entries {
		if !contains(known, e.key) {
			msg := fmt.Sprintf("unknown field %q in %s", e.key, what)
			if near := nearest(e.key, known); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			} else {
				msg += "."
			}
			msg += fmt.Sprintf(" Known fields: %s", strings.Join(known, ", "))
			r.ps.add(e.keyPos, e.path, "%s", msg)
		}
	}
	for _, key := range required {
		if m.get(key) == nil {
			r.ps.add(m.pos, m.path, "missing field %q in %s", key, what)
		}
	}
}

// unsupported records a problem when n uses an anchor, an alias or a tag.
// Aliases are rejected so that a small document cannot expand into a huge
// one, and tags because no field needs them.
func (r *reader) unsupported(n ast.Node, path string) bool {
	switch n := n.(type) {
	case *ast.AnchorNode:
		r.ps.add(tokenPosition(n.Start), path, "anchors (&name) are not supported: write the value out")
		return true
	case *ast.AliasNode:
		r.ps.add(tokenPosition(n.Start), path, "aliases (*name) are not supported: write the value out")
		return true
	case *ast.TagNode:
		r.ps.add(tokenPosition(n.Start), path, "tags such as %s are not supported: remove the tag", n.Start.Value)
		return true
	}
	return false
}

// scalarText returns the text of a scalar node. For strings it is the
// decoded value; for numbers and booleans, the source text.
func scalarText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// str reads an entry's value as a non-empty string.
func (r *reader) str(e *entry) (string, bool) {
	if e == nil || r.unsupported(e.value, e.path) {
		return "", false
	}
	if isNull(e.value) {
		r.ps.add(e.pos(), e.path, "missing value for %q: give a string", e.key)
		return "", false
	}
	s, ok := scalarText(e.value)
	if !ok {
		r.ps.add(e.pos(), e.path, "%q must be a string, not %s", e.key, describeNode(e.value))
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		r.ps.add(e.pos(), e.path, "%q is empty: give a value", e.key)
		return "", false
	}
	return s, true
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// name reads an entry's value as an identifier: lower-case letters,
// digits, '-', '_' and '.', up to 64 characters.
func (r *reader) name(e *entry) (string, bool) {
	s, ok := r.str(e)
	if !ok {
		return "", false
	}
	if !namePattern.MatchString(s) {
		r.ps.add(e.pos(), e.path, "invalid %s %q: use lower-case letters, digits, '-', '_' and '.', starting with a letter or digit, at most 64 characters", e.key, s)
		return "", false
	}
	return s, true
}

// integer reads an entry's value as an integer in [lo, hi].
func (r *reader) integer(e *entry, lo, hi int) (int, bool) {
	if e == nil || r.unsupported(e.value, e.path) {
		return 0, false
	}
	n, isInt := e.value.(*ast.IntegerNode)
	if !isInt {
		r.ps.add(e.pos(), e.path, "%q must be a whole number from %d to %d, not %s", e.key, lo, hi, describeNode(e.value))
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Token.Value, "_", ""), 0, 64)
	if err != nil || v < int64(lo) || v > int64(hi) {
		r.ps.add(e.pos(), e.path, "%q is %s: give a whole number from %d to %d", e.key, n.Token.Value, lo, hi)
		return 0, false
	}
	return int(v), true
}

// sequence reads n as a sequence and returns its items with their paths.
func (r *reader) sequence(e *entry, what string) ([]ast.Node, []string, bool) {
	if e == nil || r.unsupported(e.value, e.path) {
		return nil, nil, false
	}
	seq, ok := e.value.(*ast.SequenceNode)
	if !ok {
		r.ps.add(e.pos(), e.path, "%q must be a list of %s, not %s", e.key, what, describeNode(e.value))
		return nil, nil, false
	}
	paths := make([]string, len(seq.Values))
	for i := range seq.Values {
		paths[i] = fmt.Sprintf("%s[%d]", e.path, i)
	}
	return seq.Values, paths, true
}

// stringList reads an entry's value as a non-empty list of non-empty
// strings. A single string is taken as a list of one.
func (r *reader) stringList(e *entry, what string) ([]string, []position, bool) {
	if e == nil {
		return nil, nil, false
	}
	if s, ok := scalarText(e.value); ok {
		if strings.TrimSpace(s) == "" {
			r.ps.add(e.pos(), e.path, "%q is empty: give one or more %s", e.key, what)
			return nil, nil, false
		}
		return []string{s}, []position{e.pos()}, true
	}
	items, paths, ok := r.sequence(e, what)
	if !ok {
		return nil, nil, false
	}
	if len(items) == 0 {
		r.ps.add(e.pos(), e.path, "%q is an empty list: give one or more %s", e.key, what)
		return nil, nil, false
	}
	var list []string
	var positions []position
	good := true
	for i, item := range items {
		if r.unsupported(item, paths[i]) {
			good = false
			continue
		}
		s, ok := scalarText(item)
		if !ok || strings.TrimSpace(s) == "" {
			r.ps.add(nodePosition(item), paths[i], "each item of %q must be a non-empty string, not %s", e.key, describeNode(item))
			good = false
			continue
		}
		list = append(list, s)
		positions = append(positions, nodePosition(item))
	}
	return list, positions, good
}

func describeNode(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "an empty value"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode:
		return "an integer"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	}
	return "a " + n.Type().String()
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func childPath(parent, key string) string {
	if plainKey.MatchString(key) {
		return parent + "." + key
	}
	return parent + "['" + strings.ReplaceAll(key, "'", "\\'") + "']"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nearest returns the word of candidates closest to s by edit distance,
// when it is close enough to be a likely typo.
func nearest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
