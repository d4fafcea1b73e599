package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/triagedesk/triage/scripts"
)

// maxFileSize bounds the configuration file. A real one is well under a
// kilobyte, so a larger input is a mistake and is rejected before parsing.
const maxFileSize = 1 << 20

// decoder walks the YAML syntax tree of a configuration file into
// Settings, recording a problem with a position for every key or value
// that does not fit File.
type decoder struct {
	settings *Settings
	file     string
}

func (d *decoder) problem(pos token.Position, path, format string, args ...any) {
	d.settings.fileProblems = append(d.settings.fileProblems, scripts.Problem{
		Line:    pos.Line,
		Column:  pos.Column,
		Path:    path,
		Message: fmt.Sprintf(format, args...),
	})
}

func (d *decoder) decode(src []byte) {
	start := token.Position{Line: 1, Column: 1}
	if len(src) > maxFileSize {
		d.problem(start, "", "file is %d bytes, larger than the limit of %d bytes", len(src), maxFileSize)
		return
	}
	if !utf8.Valid(src) {
		d.problem(start, "", "invalid UTF-8: save the file as UTF-8 text")
		return
	}
	file, err := parseYAML(src)
	if err != nil {
		d.problem(yamlErrorPosition(err), "", "invalid YAML: %s", yamlErrorMessage(err))
		return
	}
	var bodies []ast.Node
	for _, doc := range file.Docs {
		if doc != nil && doc.Body != nil {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		// A file of comments only sets nothing.
		return
	case 1:
		d.section(bodies[0], reflect.TypeFor[File](), "")
	default:
		d.problem(position(bodies[1]), "$", "more than one YAML document: keep the settings in one document")
	}
}

// parseYAML runs the goccy/go-yaml parser, turning a panic inside it into
// an error so that no input can crash the daemon.
func parseYAML(src []byte) (file *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			file, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	return parser.ParseBytes(src, 0)
}

func yamlErrorPosition(err error) token.Position {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
			return token.Position{Line: tk.Position.Line, Column: max(tk.Position.Column, 1)}
		}
	}
	return token.Position{Line: 1, Column: 1}
}

func yamlErrorMessage(err error) string {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		return yerr.GetMessage()
	}
	return err.Error()
}

// position returns where a node starts in the source.
func position(n ast.Node) token.Position {
	switch n := n.(type) {
	case *ast.MappingNode:
		if len(n.Values) > 0 {
			return position(n.Values[0])
		}
		return tokenPosition(n.Start)
	case *ast.MappingValueNode:
		return position(n.Key)
	case *ast.SequenceNode:
		return tokenPosition(n.Start)
	case *ast.LiteralNode:
		return tokenPosition(n.Start)
	case nil:
		return token.Position{Line: 1, Column: 1}
	}
	return tokenPosition(n.GetToken())
}

func tokenPosition(tk *token.Token) token.Position {
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return token.Position{Line: 1, Column: 1}
	}
	return token.Position{Line: tk.Position.Line, Column: max(tk.Position.Column, 1)}
}

// yamlPath turns a dotted key into the YAML path the problems carry.
func yamlPath(key string) string {
	if key == "" {
		return "$"
	}
	return "$." + key
}

// supported records a problem and returns false for the YAML features the
// file does not take: anchors, aliases and tags.
func (d *decoder) supported(n ast.Node, key string) bool {
	switch n := n.(type) {
	case *ast.AnchorNode:
		d.problem(tokenPosition(n.Start), yamlPath(key), "anchors (&name) are not supported: write the value out")
		return false
	case *ast.AliasNode:
		d.problem(tokenPosition(n.Start), yamlPath(key), "aliases (*name) are not supported: write the value out")
		return false
	case *ast.TagNode:
		d.problem(tokenPosition(n.Start), yamlPath(key), "tags such as %s are not supported: remove the tag", n.Start.Value)
		return false
	}
	return true
}

// section reads a mapping node into the settings of the struct type t,
// whose dotted key is prefix ("" for the top level).
func (d *decoder) section(n ast.Node, t reflect.Type, prefix string) {
	if !d.supported(n, prefix) {
		return
	}
	var values []*ast.MappingValueNode
	switch n := n.(type) {
	case *ast.NullNode:
		return
	case *ast.MappingNode:
		values = n.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{n}
	default:
		what := "the file"
		if prefix != "" {
			what = fmt.Sprintf("%q", prefix)
		}
		d.problem(position(n), yamlPath(prefix), "%s must be a mapping of keys to values, not %s", what, describe(n))
		return
	}
	for _, mv := range values {
		name := keyText(mv.Key)
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		sf, ok := fieldNamed(t, name)
		if !ok {
			d.unknownKey(mv, t, prefix, name)
			continue
		}
		if isSection(sf.Type) {
			d.section(mv.Value, sf.Type, key)
			continue
		}
		d.leaf(mv, key)
	}
}

// keyText returns a mapping key as written.
func keyText(n ast.MapKeyNode) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	return n.GetToken().Value
}

// fieldNamed returns the field of t whose key is name.
func fieldNamed(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if jsonName(sf) == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

func (d *decoder) unknownKey(mv *ast.MappingValueNode, t reflect.Type, prefix, name string) {
	key := name
	if prefix != "" {
		key = prefix + "." + name
	}
	msg := fmt.Sprintf("unknown key %q", name)
	if prefix != "" {
		msg = fmt.Sprintf("unknown key %q in %q", name, prefix)
	}
	if hint := suggest(t, prefix, name); hint != "" {
		msg += fmt.Sprintf(": did you mean %q?", hint)
	} else {
		msg += ": see `triage config schema` for the keys"
	}
	d.problem(position(mv.Key), yamlPath(key), "%s", msg)
}

// leaf reads the value of one setting, checking its YAML type.
func (d *decoder) leaf(mv *ast.MappingValueNode, key string) {
	fd := fieldByKey(key)
	n := mv.Value
	path := yamlPath(key)
	if !d.supported(n, key) {
		return
	}
	if _, null := n.(*ast.NullNode); null || n == nil {
		// An empty value keeps the default.
		return
	}
	v := fd.value(&d.settings.File)
	pos := position(n)
	ok := true
	switch v.Kind() {
	case reflect.String:
		text, scalar := scalarText(n)
		if !scalar {
			d.problem(pos, path, "must be a string, not %s", describe(n))
			return
		}
		v.SetString(text)
	case reflect.Bool:
		b, isBool := n.(*ast.BoolNode)
		if !isBool {
			d.problem(pos, path, "must be true or false, not %s", describe(n))
			return
		}
		v.SetBool(b.Value)
	case reflect.Int:
		ok = d.integer(n, v, key)
	case reflect.Float64:
		ok = d.number(n, v, key)
	case reflect.Slice:
		ok = d.stringList(n, v, key)
	}
	if ok {
		d.settings.sources[key] = Source{Kind: FromFile, Name: d.file, Line: pos.Line, Column: pos.Column}
	}
}

func (d *decoder) integer(n ast.Node, v reflect.Value, key string) bool {
	in, isInt := n.(*ast.IntegerNode)
	if !isInt {
		d.problem(position(n), yamlPath(key), "must be a whole number, not %s", describe(n))
		return false
	}
	var x int64
	switch value := in.Value.(type) {
	case int64:
		x = value
	case uint64:
		if value > math.MaxInt32 {
			x = math.MaxInt32 + 1
		} else {
			x = int64(value)
		}
	}
	if x > math.MaxInt32 || x < math.MinInt32 {
		d.problem(position(n), yamlPath(key), "out of range: %s", in.GetToken().Value)
		return false
	}
	v.SetInt(x)
	return true
}

func (d *decoder) number(n ast.Node, v reflect.Value, key string) bool {
	switch n := n.(type) {
	case *ast.FloatNode:
		v.SetFloat(n.Value)
		return true
	case *ast.IntegerNode:
		switch value := n.Value.(type) {
		case int64:
			v.SetFloat(float64(value))
		case uint64:
			v.SetFloat(float64(value))
		}
		return true
	}
	d.problem(position(n), yamlPath(key), "must be a number, not %s", describe(n))
	return false
}

func (d *decoder) stringList(n ast.Node, v reflect.Value, key string) bool {
	seq, isSeq := n.(*ast.SequenceNode)
	if !isSeq {
		d.problem(position(n), yamlPath(key), "must be a list of strings, such as [alice, bob], not %s", describe(n))
		return false
	}
	list := make([]string, 0, len(seq.Values))
	ok := true
	for i, item := range seq.Values {
		itemKey := fmt.Sprintf("%s[%d]", key, i)
		if !d.supported(item, itemKey) {
			ok = false
			continue
		}
		text, scalar := scalarText(item)
		if !scalar {
			d.problem(position(item), yamlPath(itemKey), "list items must be strings, not %s", describe(item))
			ok = false
			continue
		}
		list = append(list, text)
	}
	if ok {
		v.Set(reflect.ValueOf(list))
	}
	return ok
}

// scalarText returns the text of a scalar node: the decoded value of a
// string, or the source text of a number or boolean.
func scalarText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return strings.TrimRight(n.Value.Value, "\n"), true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// describe names a node's YAML type in messages.
func describe(n ast.Node) string {
	switch n := n.(type) {
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	case *ast.IntegerNode:
		return "a whole number"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.NullNode:
		return "an empty value"
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case nil:
		return "nothing"
	default:
		return fmt.Sprintf("%s", n.Type())
	}
}
