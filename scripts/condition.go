package scripts

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	exprast "github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	exprparser "github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// maxConditionLength bounds one expression's source, in bytes.
const maxConditionLength = 4096

// condition is a compiled `when` expression.
type condition struct {
	source  string
	path    string
	program *vm.Program
	// reads lists the signal names the expression reads, in the order
	// they first appear, for the reason of a decision.
	reads []string
}

// phraseBook holds a document's named phrase lists and every quoted phrase
// its expressions pass to says() or mentions(), compiled once at parse
// time.
type phraseBook struct {
	named  map[string][]phrase
	byText map[string]phrase
}

func newPhraseBook() *phraseBook {
	return &phraseBook{named: map[string][]phrase{}, byText: map[string]phrase{}}
}

// sources returns the phrase lists as the expressions see them.
func (b *phraseBook) sources() map[string][]string {
	out := make(map[string][]string, len(b.named))
	for name, list := range b.named {
		for _, p := range list {
			out[name] = append(out[name], p.source)
		}
	}
	return out
}

// phrase returns the compiled phrase for one source, compiling a source
// that no document named.
func (b *phraseBook) phrase(source string) (phrase, error) {
	if p, ok := b.byText[source]; ok {
		return p, nil
	}
	return compilePhrase(source)
}

// compileCondition compiles an entry's value as a boolean expression over
// env, whose type decides the names the expression may use. It records a
// problem at the exact line and column of any error and returns nil then.
func (r *reader) compileCondition(e *entry, env any, book *phraseBook) *condition {
	src, ok := r.str(e)
	if !ok {
		return nil
	}
	if len(src) > maxConditionLength {
		r.ps.add(e.pos(), e.path, "expression is %d bytes, longer than the limit of %d", len(src), maxConditionLength)
		return nil
	}
	names := envNames(env)
	tree, err := exprparser.Parse(src)
	if err != nil {
		r.addExprError(e, err, names)
		return nil
	}
	if !r.checkPhraseUse(e, tree.Node, book, names) {
		return nil
	}
	program, err := expr.Compile(src, expr.Env(env), expr.AsBool())
	if err != nil {
		r.addExprError(e, err, names)
		return nil
	}
	return &condition{source: src, path: e.path, program: program, reads: readNames(tree.Node, names)}
}

func (r *reader) addExprError(e *entry, err error, names []string) {
	var ferr *file.Error
	if !errors.As(err, &ferr) {
		r.ps.add(e.pos(), e.path, "invalid expression: %v. Expressions may use: %s", err, strings.Join(names, ", "))
		return
	}
	r.ps.add(r.exprPosition(e, ferr.Line, ferr.Column), e.path, "invalid expression: %s. Expressions may use: %s",
		ferr.Message, strings.Join(names, ", "))
}

// checkPhraseUse checks every says() and mentions() call and every
// phrases.NAME in the expression: the functions take named lists and
// quoted phrases, and each name must be a list of the document. Quoted
// phrases are compiled into book.
func (r *reader) checkPhraseUse(e *entry, root exprast.Node, book *phraseBook, names []string) bool {
	if !contains(names, "says") && !contains(names, "mentions") {
		return true
	}
	v := &phraseVisitor{r: r, e: e, book: book, ok: true}
	exprast.Walk(&root, v)
	return v.ok
}

type phraseVisitor struct {
	r    *reader
	e    *entry
	book *phraseBook
	ok   bool
}

func (v *phraseVisitor) fail(n exprast.Node, format string, args ...any) {
	line, col := exprLineColumn(v.e, n)
	v.r.ps.add(v.r.exprPosition(v.e, line, col), v.e.path, format, args...)
	v.ok = false
}

func (v *phraseVisitor) Visit(node *exprast.Node) {
	switch n := (*node).(type) {
	case *exprast.MemberNode:
		ident, isIdent := n.Node.(*exprast.IdentifierNode)
		if !isIdent || ident.Value != "phrases" {
			return
		}
		prop, isString := n.Property.(*exprast.StringNode)
		if !isString {
			v.fail(n, "invalid expression: name a phrase list directly, as in phrases.human")
			return
		}
		if _, known := v.book.named[prop.Value]; !known {
			v.fail(n, "unknown phrase list %q: this document defines %s", prop.Value, describeList(sortedKeys(v.book.named)))
		}
	case *exprast.CallNode:
		callee, isIdent := n.Callee.(*exprast.IdentifierNode)
		if !isIdent || (callee.Value != "says" && callee.Value != "mentions") {
			return
		}
		if len(n.Arguments) == 0 {
			v.fail(n, "invalid expression: %s() needs a phrase list (phrases.NAME) or a quoted phrase", callee.Value)
		}
		for _, arg := range n.Arguments {
			v.checkPhraseArgument(callee.Value, arg)
		}
	}
}

func (v *phraseVisitor) checkPhraseArgument(function string, arg exprast.Node) {
	switch a := arg.(type) {
	case *exprast.MemberNode:
		if ident, ok := a.Node.(*exprast.IdentifierNode); ok && ident.Value == "phrases" {
			return // checked when the walk reaches it
		}
	case *exprast.StringNode:
		v.addLiteral(a)
		return
	case *exprast.ArrayNode:
		for _, item := range a.Nodes {
			s, ok := item.(*exprast.StringNode)
			if !ok {
				v.fail(item, "invalid expression: a list given to %s() must hold quoted phrases only", function)
				continue
			}
			v.addLiteral(s)
		}
		return
	}
	v.fail(arg, "invalid expression: %s() takes phrase lists (phrases.NAME), quoted phrases or lists of quoted phrases", function)
}

func (v *phraseVisitor) addLiteral(s *exprast.StringNode) {
	p, err := compilePhrase(s.Value)
	if err != nil {
		v.fail(s, "invalid phrase: %v", err)
		return
	}
	v.book.byText[s.Value] = p
}

// exprLineColumn returns the 1-based line and 0-based rune column of an
// expression node, as expr reports them in errors.
func exprLineColumn(e *entry, n exprast.Node) (int, int) {
	src, _ := scalarText(e.value)
	from := n.Location().From
	line, col := 1, 0
	for i, r := range []rune(src) {
		if i == from {
			break
		}
		if r == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	return line, col
}

// exprPosition maps a line (1-based) and rune column (0-based) inside an
// entry's expression to a position in the document. It is exact for
// single-line plain and quoted scalars without escapes and for literal
// block scalars (|); for other styles it falls back to the value's start.
func (r *reader) exprPosition(e *entry, line, col int) position {
	start := e.pos()
	switch n := e.value.(type) {
	case *ast.StringNode:
		if line != 1 || !sameLineScalar(n.Token) {
			return start
		}
		switch n.Token.Type {
		case token.DoubleQuoteType, token.SingleQuoteType:
			if strings.ContainsAny(n.Token.Origin, `\`) || strings.Contains(n.Token.Origin, "''") {
				return start
			}
			return position{start.line, start.column + 1 + col}
		}
		return position{start.line, start.column + col}
	case *ast.LiteralNode:
		if n.Start == nil || !strings.HasPrefix(n.Start.Value, "|") {
			return start
		}
		// The block's content starts on the line after the indicator, and
		// its first line sets the indentation that the value leaves out.
		srcLine := start.line + line
		if srcLine > len(r.lines) {
			return start
		}
		first := r.lines[start.line]
		indent := len(first) - len(strings.TrimLeft(first, " "))
		return position{srcLine, indent + 1 + col}
	}
	return start
}

func sameLineScalar(tk *token.Token) bool {
	return tk != nil && !strings.ContainsAny(strings.TrimSpace(tk.Origin), "\r\n")
}

// readNames lists the environment names an expression reads, in order of
// first use, leaving out functions and phrase lists.
func readNames(root exprast.Node, names []string) []string {
	v := &identVisitor{names: names, seen: map[string]bool{}}
	exprast.Walk(&root, v)
	return v.out
}

type identVisitor struct {
	names []string
	seen  map[string]bool
	out   []string
}

func (v *identVisitor) Visit(node *exprast.Node) {
	id, ok := (*node).(*exprast.IdentifierNode)
	if !ok || v.seen[id.Value] || !contains(v.names, id.Value) {
		return
	}
	v.seen[id.Value] = true
	switch id.Value {
	case "says", "mentions", "phrases":
		return
	}
	v.out = append(v.out, id.Value)
}

// envNames returns the expr names of an environment struct's fields,
// including those of embedded structs, sorted.
func envNames(env any) []string {
	var names []string
	var collect func(t reflect.Type)
	collect = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				collect(f.Type)
				continue
			}
			if tag := f.Tag.Get("expr"); tag != "" && tag != "-" {
				names = append(names, tag)
			}
		}
	}
	collect(reflect.TypeOf(env))
	sort.Strings(names)
	return names
}

// fieldValue returns the value of the field an expr name refers to.
func fieldValue(env any, name string) (any, bool) {
	var find func(v reflect.Value) (any, bool)
	find = func(v reflect.Value) (any, bool) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				if out, ok := find(v.Field(i)); ok {
					return out, true
				}
				continue
			}
			if f.Tag.Get("expr") == name {
				return v.Field(i).Interface(), true
			}
		}
		return nil, false
	}
	return find(reflect.ValueOf(env))
}

func describeList(names []string) string {
	if len(names) == 0 {
		return "no phrase lists"
	}
	return strings.Join(names, ", ")
}

// formatValue writes a signal's value for a decision's reason.
func formatValue(v any) string {
	switch v := v.(type) {
	case float64:
		return fmt.Sprintf("%.2f", v)
	case string:
		runes := []rune(v)
		if len(runes) > 80 {
			return fmt.Sprintf("%q", string(runes[:80])+"...")
		}
		return fmt.Sprintf("%q", v)
	case []string:
		return "[" + strings.Join(v, ", ") + "]"
	}
	return fmt.Sprint(v)
}
