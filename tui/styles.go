package tui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles holds every style the console uses, so that colour and no-colour
// rendering differ in one place. The colours are the 16 basic ANSI ones,
// which terminal themes adapt to light and dark backgrounds.
type Styles struct {
	Title    lipgloss.Style
	Dim      lipgloss.Style
	Header   lipgloss.Style
	Selected lipgloss.Style
	Badge    lipgloss.Style
	Mine     lipgloss.Style
	Urgent   lipgloss.Style
	High     lipgloss.Style
	Low      lipgloss.Style
	Hot      lipgloss.Style // frustration at or above 0.8
	Warm     lipgloss.Style // frustration at or above 0.5
	Error    lipgloss.Style
	Notice   lipgloss.Style // a message from the daemon
	Live     lipgloss.Style
	Section  lipgloss.Style
	Customer lipgloss.Style
	Agent    lipgloss.Style
	Negative lipgloss.Style // words that added to a score
	Calming  lipgloss.Style // words that lowered a score
	Key      lipgloss.Style // YAML mapping keys
	String   lipgloss.Style // YAML quoted strings
	Comment  lipgloss.Style // YAML comments

	// NegativeOpen and NegativeClose surround negative words when there is
	// no colour to show them, so that the highlight survives NO_COLOR.
	NegativeOpen, NegativeClose string
}

// NewStyles returns the console's styles. With noColor set, or when
// lipgloss detects a terminal without colour support, the styles carry no
// colour and negative words are marked with « and ».
func NewStyles(noColor bool) Styles {
	if noColor || lipgloss.ColorProfile() == termenv.Ascii {
		return plainStyles()
	}
	red, yellow, green, cyan, gray := lipgloss.Color("1"), lipgloss.Color("3"),
		lipgloss.Color("2"), lipgloss.Color("6"), lipgloss.Color("8")
	s := Styles{
		Title:    lipgloss.NewStyle().Bold(true),
		Dim:      lipgloss.NewStyle().Foreground(gray),
		Header:   lipgloss.NewStyle().Bold(true),
		Selected: lipgloss.NewStyle().Reverse(true),
		Badge:    lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Mine:     lipgloss.NewStyle().Foreground(cyan),
		Urgent:   lipgloss.NewStyle().Bold(true).Foreground(red),
		High:     lipgloss.NewStyle().Foreground(yellow),
		Low:      lipgloss.NewStyle().Foreground(gray),
		Hot:      lipgloss.NewStyle().Bold(true).Foreground(red),
		Warm:     lipgloss.NewStyle().Foreground(yellow),
		Error:    lipgloss.NewStyle().Foreground(red),
		Notice:   lipgloss.NewStyle().Bold(true).Foreground(yellow),
		Live:     lipgloss.NewStyle().Foreground(green),
		Section:  lipgloss.NewStyle().Bold(true),
		Customer: lipgloss.NewStyle().Bold(true),
		Agent:    lipgloss.NewStyle().Foreground(cyan),
		Negative: lipgloss.NewStyle().Bold(true).Foreground(red),
		Calming:  lipgloss.NewStyle().Foreground(green),
		Key:      lipgloss.NewStyle().Foreground(cyan),
		String:   lipgloss.NewStyle().Foreground(green),
		Comment:  lipgloss.NewStyle().Foreground(gray),
	}
	return s
}

// plainStyles keeps bold and reverse, which NO_COLOR allows and
// which an Ascii profile drops by itself, and marks negative words in text.
func plainStyles() Styles {
	bold := lipgloss.NewStyle().Bold(true)
	return Styles{
		Title:         bold,
		Header:        bold,
		Notice:        bold,
		Selected:      lipgloss.NewStyle().Reverse(true),
		Badge:         bold,
		Urgent:        bold,
		Hot:           bold,
		Section:       bold,
		Customer:      bold,
		Negative:      bold,
		NegativeOpen:  "«",
		NegativeClose: "»",
	}
}

// negative renders text as words that added to a score.
func (s Styles) negative(text string) string {
	return s.NegativeOpen + s.Negative.Render(text) + s.NegativeClose
}
