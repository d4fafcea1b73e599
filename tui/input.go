package tui

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// lineInput is a one-line text input that edits at its end: typed text
// and pasted text are appended, backspace deletes a character, ctrl+w a
// word and ctrl+u everything. It stands in for bubbles/textinput, whose
// clipboard dependency this module does not carry.
type lineInput struct {
	value string
	// limit bounds the value in bytes.
	limit int
}

// update applies one key and reports whether the key edited the value.
func (in *lineInput) update(msg tea.KeyMsg) bool {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		text := Sanitize(string(msg.Runes))
		if msg.Type == tea.KeySpace {
			text = " "
		}
		text = strings.NewReplacer("\n", " ", "\t", " ").Replace(text)
		for _, r := range text {
			if in.limit > 0 && len(in.value)+utf8.RuneLen(r) > in.limit {
				break
			}
			in.value += string(r)
		}
		return true
	case tea.KeyBackspace:
		if _, size := utf8.DecodeLastRuneInString(in.value); size > 0 {
			in.value = in.value[:len(in.value)-size]
		}
		return true
	case tea.KeyCtrlW:
		trimmed := strings.TrimRight(in.value, " ")
		in.value = trimmed[:strings.LastIndexByte(trimmed, ' ')+1]
		return true
	case tea.KeyCtrlU:
		in.value = ""
		return true
	}
	return false
}

// view renders the value's tail that fits in width cells, with a block
// cursor after it.
func (in *lineInput) view(width int) string {
	text := in.value + "█"
	for width > 0 && len(text) > 0 && lipgloss.Width(text) > width {
		_, size := utf8.DecodeRuneInString(text)
		text = text[size:]
	}
	return text
}
