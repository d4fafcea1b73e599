package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap lists every key binding of the console. Bindings that do not
// apply to the current view are disabled, which also hides them from help.
type keyMap struct {
	Up        key.Binding
	Down      key.Binding
	Top       key.Binding
	Bottom    key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Open      key.Binding
	Back      key.Binding
	Claim     key.Binding
	Release   key.Binding
	Resolve   key.Binding
	ToggleAll key.Binding
	Help      key.Binding
	Quit      key.Binding
}

func defaultKeyMap() keyMap {
	return keyMap{
		Up:        key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:      key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Claim:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "claim")),
		Release:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "release")),
		Resolve:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resolve")),
		ToggleAll: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all/escalated")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// setView enables the bindings that act in view v and disables the rest.
func (k *keyMap) setView(v view) {
	inQueue := v == viewQueue
	k.Open.SetEnabled(inQueue)
	k.ToggleAll.SetEnabled(inQueue)
	k.Back.SetEnabled(!inQueue)
	k.Claim.SetEnabled(!inQueue)
	k.Release.SetEnabled(!inQueue)
	k.Resolve.SetEnabled(!inQueue)
}

// ShortHelp returns the bindings of the one-line help bar.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.Open, k.ToggleAll, k.Claim, k.Release, k.Resolve, k.Back,
		k.Up, k.Down, k.Help, k.Quit,
	}
}

// FullHelp returns the columns of the full help shown after "?".
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.ToggleAll, k.Back},
		{k.Claim, k.Release, k.Resolve},
		{k.Help, k.Quit},
	}
}
