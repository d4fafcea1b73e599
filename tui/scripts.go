package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage"
)

// scriptsPane is what the scripts view shows.
type scriptsPane int

const (
	paneDocuments scriptsPane = iota // the list of documents
	paneDocument                     // one version's text
	paneVersions                     // every version of one document
	paneProblems                     // why the daemon rejected an edit
)

// scriptsState is the scripts view: the documents the daemon keeps
// (scripts, the escalation policy and other settings), one of them open,
// its versions, and the problems of a rejected edit.
type scriptsState struct {
	pane    scriptsPane
	loading bool
	err     string

	docs           []*triage.Document
	cursor, offset int

	// doc is the open version; scroll is the first line shown.
	doc    *triage.Document
	scroll int

	versions         []*triage.Document
	vcursor, voffset int

	// problems lists why the daemon rejected an edit, and rejected is the
	// edited text, which e opens again.
	problems []string
	rejected string
}

type (
	documentsLoadedMsg struct {
		docs []*triage.Document
		err  error
	}
	documentLoadedMsg struct {
		doc *triage.Document
		err error
	}
	versionsLoadedMsg struct {
		docs []*triage.Document
		err  error
	}
	// editorDoneMsg reports that the editor on path exited.
	editorDoneMsg struct {
		doc  *triage.Document
		path string
		// shown is the text the editor was given.
		shown string
		err   error
	}
	documentSavedMsg struct {
		doc  *triage.Document
		body string
		err  error
	}
)

// openScripts switches to the scripts view and loads the list.
func (m *Model) openScripts() tea.Cmd {
	if m.scriptsDesk == nil {
		return nil
	}
	m.view = viewScripts
	m.scripts.pane = paneDocuments
	m.scripts.loading = true
	m.scripts.err = ""
	m.syncKeys()
	m.layout()
	return loadDocumentsCmd(m.ctx, m.scriptsDesk)
}

func loadDocumentsCmd(ctx context.Context, desk ScriptsDesk) tea.Cmd {
	return func() tea.Msg {
		docs, err := desk.Documents(ctx)
		return documentsLoadedMsg{docs: docs, err: err}
	}
}

func loadDocumentCmd(ctx context.Context, desk ScriptsDesk, kind, name string, version int) tea.Cmd {
	return func() tea.Msg {
		doc, err := desk.Document(ctx, kind, name, version)
		return documentLoadedMsg{doc: doc, err: err}
	}
}

func loadVersionsCmd(ctx context.Context, desk ScriptsDesk, kind, name string) tea.Cmd {
	return func() tea.Msg {
		docs, err := desk.DocumentVersions(ctx, kind, name)
		return versionsLoadedMsg{docs: docs, err: err}
	}
}

func saveDocumentCmd(ctx context.Context, desk ScriptsDesk, doc *triage.Document, body string) tea.Cmd {
	return func() tea.Msg {
		source := doc.Kind + "/" + doc.Name
		saved, err := desk.PutDocument(ctx, doc.Kind, doc.Name, source, []byte(body), "edited in the console")
		return documentSavedMsg{doc: saved, body: body, err: err}
	}
}

// updateScripts handles the scripts view's messages and reports whether
// msg was one of them.
func (m *Model) updateScripts(msg tea.Msg) (tea.Cmd, bool) {
	s := &m.scripts
	switch msg := msg.(type) {
	case documentsLoadedMsg:
		s.loading = false
		if msg.err != nil {
			s.err = "load documents failed: " + sanitizeLine(msg.err.Error())
			return nil, true
		}
		s.err = ""
		s.docs = msg.docs
		s.cursor = min(s.cursor, max(len(s.docs)-1, 0))
		return nil, true
	case documentLoadedMsg:
		s.loading = false
		if msg.err != nil {
			m.setError("load document failed: " + sanitizeLine(msg.err.Error()))
			return nil, true
		}
		s.doc, s.scroll = msg.doc, 0
		m.setScriptsPane(paneDocument)
		return nil, true
	case versionsLoadedMsg:
		s.loading = false
		if msg.err != nil {
			m.setError("load versions failed: " + sanitizeLine(msg.err.Error()))
			return nil, true
		}
		s.versions = msg.docs
		s.vcursor, s.voffset = max(len(msg.docs)-1, 0), 0
		m.setScriptsPane(paneVersions)
		m.moveScriptsCursor(s.vcursor)
		return nil, true
	case editorDoneMsg:
		return m.handleEditorDone(msg), true
	case documentSavedMsg:
		return m.handleDocumentSaved(msg), true
	}
	return nil, false
}

func (m *Model) setScriptsPane(p scriptsPane) {
	m.scripts.pane = p
	m.syncKeys()
	m.layout()
}

// selectedDocument is the document under the cursor or open.
func (m *Model) selectedDocument() *triage.Document {
	s := &m.scripts
	switch s.pane {
	case paneDocuments:
		if s.cursor < len(s.docs) {
			return s.docs[s.cursor]
		}
	case paneVersions:
		if s.vcursor < len(s.versions) {
			return s.versions[s.vcursor]
		}
	default:
		return s.doc
	}
	return nil
}

func (m *Model) handleScriptsKey(msg tea.KeyMsg) tea.Cmd {
	s := &m.scripts
	page := max(1, m.scriptsBodyHeight()-1)
	switch {
	case key.Matches(msg, m.keys.Back):
		switch s.pane {
		case paneDocuments:
			m.view = viewQueue
			m.syncKeys()
			m.layout()
			m.restoreCursor()
		case paneProblems:
			s.problems, s.rejected = nil, ""
			m.setStatus("edit discarded")
			m.setScriptsPane(paneDocument)
		default:
			m.setScriptsPane(paneDocuments)
		}
		return nil
	case key.Matches(msg, m.keys.Up):
		m.moveScriptsCursor(m.scriptsCursor() - 1)
	case key.Matches(msg, m.keys.Down):
		m.moveScriptsCursor(m.scriptsCursor() + 1)
	case key.Matches(msg, m.keys.Top):
		m.moveScriptsCursor(0)
	case key.Matches(msg, m.keys.Bottom):
		m.moveScriptsCursor(1 << 30)
	case key.Matches(msg, m.keys.PageUp):
		m.moveScriptsCursor(m.scriptsCursor() - page)
	case key.Matches(msg, m.keys.PageDown):
		m.moveScriptsCursor(m.scriptsCursor() + page)
	case key.Matches(msg, m.keys.Open):
		doc := m.selectedDocument()
		if doc == nil {
			return nil
		}
		s.loading = true
		return loadDocumentCmd(m.ctx, m.scriptsDesk, doc.Kind, doc.Name, doc.Version)
	case key.Matches(msg, m.keys.Versions):
		doc := m.selectedDocument()
		if doc == nil {
			return nil
		}
		s.loading = true
		return loadVersionsCmd(m.ctx, m.scriptsDesk, doc.Kind, doc.Name)
	case key.Matches(msg, m.keys.Edit):
		doc := m.selectedDocument()
		if doc == nil {
			return nil
		}
		shown := doc.Body
		if s.pane == paneProblems {
			shown = s.rejected
		}
		return m.startEditor(doc, shown)
	}
	return nil
}

// scriptsCursor is the position the movement keys change in the pane.
func (m *Model) scriptsCursor() int {
	switch m.scripts.pane {
	case paneDocuments:
		return m.scripts.cursor
	case paneVersions:
		return m.scripts.vcursor
	}
	return m.scripts.scroll
}

// moveScriptsCursor moves the pane's cursor, or its scroll position, to
// i, clamped.
func (m *Model) moveScriptsCursor(i int) {
	s := &m.scripts
	rows := max(1, m.scriptsBodyHeight()-1)
	clampScroll := func(cursor, offset *int, n int) {
		*cursor = min(max(i, 0), max(n-1, 0))
		if *cursor < *offset {
			*offset = *cursor
		}
		if *cursor >= *offset+rows {
			*offset = *cursor - rows + 1
		}
	}
	switch s.pane {
	case paneDocuments:
		clampScroll(&s.cursor, &s.offset, len(s.docs))
	case paneVersions:
		clampScroll(&s.vcursor, &s.voffset, len(s.versions))
	case paneDocument:
		lines := 0
		if s.doc != nil {
			lines = strings.Count(s.doc.Body, "\n") + 1
		}
		s.scroll = min(max(i, 0), max(lines-rows, 0))
	}
}

// editorCommand returns the command that opens path in $VISUAL, else
// $EDITOR, else vi. The setting runs through sh, so it may carry
// arguments, such as "code --wait".
func editorCommand(path string) *exec.Cmd {
	editor := os.Getenv("VISUAL")
	if strings.TrimSpace(editor) == "" {
		editor = os.Getenv("EDITOR")
	}
	if strings.TrimSpace(editor) == "" {
		editor = "vi"
	}
	return exec.Command("sh", "-c", editor+` "$@"`, "sh", path)
}

// startEditor writes shown to a temporary file and suspends the console
// while the editor runs on it.
func (m *Model) startEditor(doc *triage.Document, shown string) tea.Cmd {
	f, err := os.CreateTemp("", "triage-"+safeFileName(doc.Name)+"-*.yaml")
	if err != nil {
		m.setError("create file to edit failed: " + sanitizeLine(err.Error()))
		return nil
	}
	path := f.Name()
	_, err = f.WriteString(shown)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(path)
		m.setError("write file to edit failed: " + sanitizeLine(err.Error()))
		return nil
	}
	return tea.ExecProcess(editorCommand(path), func(err error) tea.Msg {
		return editorDoneMsg{doc: doc, path: path, shown: shown, err: err}
	})
}

// safeFileName keeps the letters, digits, dots and dashes of name.
func safeFileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, name)
}

// handleEditorDone reads the edited file back and saves it through the
// daemon, unless the editor failed or nothing changed.
func (m *Model) handleEditorDone(msg editorDoneMsg) tea.Cmd {
	defer os.Remove(msg.path)
	if msg.err != nil {
		m.setError(fmt.Sprintf("editor failed: %s; the document was not saved", sanitizeLine(msg.err.Error())))
		return nil
	}
	edited, err := os.ReadFile(msg.path)
	if err != nil {
		m.setError("read edited file failed: " + sanitizeLine(err.Error()))
		return nil
	}
	body := string(edited)
	if body == msg.shown || body == msg.doc.Body {
		m.setStatus("edit cancelled, no change")
		return nil
	}
	m.scripts.doc = msg.doc
	m.setStatus(fmt.Sprintf("saving %s %s…", sanitizeLine(msg.doc.Kind), sanitizeLine(msg.doc.Name)))
	return saveDocumentCmd(m.ctx, m.scriptsDesk, msg.doc, body)
}

// handleDocumentSaved shows the saved version, or the problems the
// daemon found in the edit.
func (m *Model) handleDocumentSaved(msg documentSavedMsg) tea.Cmd {
	s := &m.scripts
	if msg.err != nil {
		var verr *scripts.ValidationError
		if !errors.As(msg.err, &verr) {
			m.setError("save failed: " + sanitizeLine(msg.err.Error()))
			return nil
		}
		s.problems = nil
		for _, line := range strings.Split(verr.Error(), "\n") {
			s.problems = append(s.problems, sanitizeLine(line))
		}
		s.rejected = msg.body
		m.setError("the daemon rejected the edit: nothing was saved")
		m.setScriptsPane(paneProblems)
		return nil
	}
	s.problems, s.rejected = nil, ""
	s.doc, s.scroll = msg.doc, 0
	m.setStatus(fmt.Sprintf("saved %s %s version %d", sanitizeLine(msg.doc.Kind), sanitizeLine(msg.doc.Name), msg.doc.Version))
	m.setScriptsPane(paneDocument)
	return loadDocumentsCmd(m.ctx, m.scriptsDesk)
}
