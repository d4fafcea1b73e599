package scripts

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a document, at a 1-based line and column
// of its source.
type Problem struct {
	Line   int
	Column int
	// Path is the YAML path of the offending node, such as "$.rules[1].when".
	Path string
	// Message states what is wrong and what to do about it.
	Message string
}

// String formats the problem as "line:column: path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%d:%d: %s", p.Line, p.Column, p.Message)
	}
	return fmt.Sprintf("%d:%d: %s: %s", p.Line, p.Column, p.Path, p.Message)
}

// ValidationError lists every problem found in one document. Source names
// the document in messages, for example a file name.
type ValidationError struct {
	Source   string
	Problems []Problem
}

// Error formats every problem on its own line, prefixed with the source.
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.Source != "" {
			b.WriteString(e.Source)
			b.WriteByte(':')
		}
		b.WriteString(p.String())
	}
	if len(e.Problems) == 0 {
		return e.Source + ": invalid document"
	}
	return b.String()
}

// problems collects the problems of one document while it is read.
type problems struct {
	list []Problem
}

// maxProblems bounds the problems one document reports, so that a large
// broken document cannot produce a huge error.
const maxProblems = 100

func (ps *problems) add(pos position, path, format string, args ...any) {
	ps.list = append(ps.list, Problem{
		Line:    pos.line,
		Column:  pos.column,
		Path:    path,
		Message: fmt.Sprintf(format, args...),
	})
}

// err returns a *ValidationError in source order, or nil when there is no
// problem.
func (ps *problems) err(source string) error {
	if len(ps.list) == 0 {
		return nil
	}
	list := append([]Problem(nil), ps.list...)
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Line != list[j].Line {
			return list[i].Line < list[j].Line
		}
		return list[i].Column < list[j].Column
	})
	if len(list) > maxProblems {
		first := list[maxProblems]
		first.Path = ""
		first.Message = fmt.Sprintf("%d more problems not shown; fix the ones above first", len(list)-maxProblems)
		list = append(list[:maxProblems], first)
	}
	return &ValidationError{Source: source, Problems: list}
}

// position is a 1-based line and column in a document's source.
type position struct {
	line, column int
}
