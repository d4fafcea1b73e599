package tui

import (
	"fmt"
	"strings"

	"github.com/triagedesk/triage/triage"
)

// Lines of the scripts view above its body: the title and a summary.
const scriptsChromeLines = 2

// scriptsBodyHeight is the number of lines under the summary.
func (m *Model) scriptsBodyHeight() int {
	return max(1, m.height-scriptsChromeLines-m.bottomLines())
}

func (m *Model) scriptsView() string {
	s := &m.scripts
	title, summary := "Scripts and policies", ""
	var body []string
	switch s.pane {
	case paneDocuments:
		summary = plural(len(s.docs), "document", "documents")
		body = m.documentsTable()
	case paneVersions:
		if doc := m.selectedDocument(); doc != nil {
			title = "Versions of " + documentLabel(doc)
		}
		summary = plural(len(s.versions), "version", "versions") + " · enter shows one"
		body = m.versionsTable()
	case paneDocument:
		if s.doc != nil {
			title = documentLabel(s.doc) + fmt.Sprintf(" v%d", s.doc.Version)
			summary = m.savedBy(s.doc)
			if s.doc.Comment != "" {
				summary += " · " + sanitizeLine(s.doc.Comment)
			}
			body = m.documentBody()
		}
	case paneProblems:
		if s.doc != nil {
			title = documentLabel(s.doc) + " · edit rejected"
		}
		summary = "The daemon found these problems. Press e to edit again, or esc to discard the edit."
		for _, p := range s.problems {
			body = append(body, wrapIndented(m.styles.Error.Render(p), m.width, 2)...)
		}
	}
	if s.err != "" {
		summary = m.styles.Error.Render(s.err)
	} else if s.loading {
		summary += " · " + m.styles.Dim.Render("loading…")
	}
	right := ""
	if m.agent != "" {
		right = "agent " + sanitizeLine(m.agent)
	}
	lines := []string{
		spread(m.styles.Title.Render("triage · "+title), m.styles.Dim.Render(right), m.width),
		fit(summary, m.width),
	}
	height := m.scriptsBodyHeight()
	if len(body) > height {
		body = body[:height]
	}
	for _, line := range body {
		lines = append(lines, fit(line, m.width))
	}
	return strings.Join(lines, "\n")
}

func documentLabel(doc *triage.Document) string {
	return sanitizeLine(doc.Kind) + " " + sanitizeLine(doc.Name)
}

// savedBy says who saved a version and when, in the clock's location.
func (m *Model) savedBy(doc *triage.Document) string {
	author := sanitizeLine(doc.Author)
	if author == "" {
		author = "unknown"
	}
	return "saved by " + author + " at " + doc.SavedAt.In(m.now().Location()).Format("2006-01-02 15:04")
}

// Widths of the document list's fixed columns.
const (
	documentKindWidth    = 18
	documentVersionWidth = 7
	documentAuthorWidth  = 10
	documentSavedWidth   = 16
)

// documentRow lays out one row of the list: the name takes the rest.
func (m *Model) documentRow(kind, name, version, author, saved string) string {
	nameWidth := max(m.width-documentKindWidth-documentVersionWidth-documentAuthorWidth-documentSavedWidth-4, 8)
	return strings.Join([]string{
		fit(kind, documentKindWidth), fit(name, nameWidth), fitRight(version, documentVersionWidth),
		fit(author, documentAuthorWidth), fit(saved, documentSavedWidth),
	}, " ")
}

func (m *Model) documentsTable() []string {
	s := &m.scripts
	lines := []string{m.styles.Header.Render(fit(m.documentRow("KIND", "NAME", "VERSION", "AUTHOR", "SAVED AT"), m.width))}
	if len(s.docs) == 0 && !s.loading {
		lines = append(lines, m.styles.Dim.Render("No documents stored."))
	}
	rows := max(1, m.scriptsBodyHeight()-1)
	loc := m.now().Location()
	for i := s.offset; i < min(s.offset+rows, len(s.docs)); i++ {
		d := s.docs[i]
		row := fit(m.documentRow(sanitizeLine(d.Kind), sanitizeLine(d.Name), fmt.Sprintf("v%d", d.Version),
			sanitizeLine(d.Author), d.SavedAt.In(loc).Format("2006-01-02 15:04")), m.width)
		if i == s.cursor {
			row = m.styles.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	return lines
}

func (m *Model) versionsTable() []string {
	s := &m.scripts
	row := func(version, author, saved, comment string) string {
		return strings.Join([]string{fitRight(version, documentVersionWidth), fit(author, documentAuthorWidth),
			fit(saved, documentSavedWidth), comment}, " ")
	}
	lines := []string{m.styles.Header.Render(fit(row("VERSION", "AUTHOR", "SAVED AT", "COMMENT"), m.width))}
	rows := max(1, m.scriptsBodyHeight()-1)
	loc := m.now().Location()
	for i := s.voffset; i < min(s.voffset+rows, len(s.versions)); i++ {
		d := s.versions[i]
		line := fit(row(fmt.Sprintf("v%d", d.Version), sanitizeLine(d.Author),
			d.SavedAt.In(loc).Format("2006-01-02 15:04"), sanitizeLine(d.Comment)), m.width)
		if i == s.vcursor {
			line = m.styles.Selected.Render(line)
		}
		lines = append(lines, line)
	}
	return lines
}

// documentBody renders the open version's visible lines, numbered, with
// YAML colour.
func (m *Model) documentBody() []string {
	s := &m.scripts
	text := strings.ReplaceAll(Sanitize(s.doc.Body), "\t", "    ")
	all := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	numberWidth := len(fmt.Sprint(len(all)))
	height := m.scriptsBodyHeight()
	var lines []string
	for i := s.scroll; i < min(s.scroll+height, len(all)); i++ {
		number := m.styles.Dim.Render(fmt.Sprintf("%*d ", numberWidth, i+1))
		lines = append(lines, number+highlightYAML(all[i], m.styles))
	}
	return lines
}

// highlightYAML colours one line of YAML: comments, mapping keys and
// quoted strings. It reads the line alone, so a block scalar's text is
// coloured as if it were YAML too.
func highlightYAML(line string, st Styles) string {
	code, comment := splitComment(line)
	var b strings.Builder
	rest := code
	// A key is the text before the first ": " or a final ":", after
	// any indentation and list dashes.
	trimmed := strings.TrimLeft(rest, " -")
	indent := rest[:len(rest)-len(trimmed)]
	if i := keyEnd(trimmed); i > 0 {
		b.WriteString(indent)
		b.WriteString(st.Key.Render(trimmed[:i]))
		rest = trimmed[i:]
	}
	b.WriteString(highlightStrings(rest, st))
	if comment != "" {
		b.WriteString(st.Comment.Render(comment))
	}
	return b.String()
}

// keyEnd returns the length of the mapping key that starts s, or 0.
func keyEnd(s string) int {
	if s == "" || s[0] == '"' || s[0] == '\'' || s[0] == '#' {
		return 0
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return i
		}
		if s[i] == '"' || s[i] == '\'' {
			return 0
		}
	}
	return 0
}

// splitComment cuts line at a "#" that starts a comment: at the start or
// after a space, and outside quotes.
func splitComment(line string) (code, comment string) {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' '):
			return line[:i], line[i:]
		}
	}
	return line, ""
}

// highlightStrings colours the quoted strings of s.
func highlightStrings(s string, st Styles) string {
	var b strings.Builder
	for {
		start := strings.IndexAny(s, `"'`)
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := strings.IndexByte(s[start+1:], s[start])
		if end < 0 {
			b.WriteString(s)
			return b.String()
		}
		end += start + 2
		b.WriteString(s[:start])
		b.WriteString(st.String.Render(s[start:end]))
		s = s[end:]
	}
}
