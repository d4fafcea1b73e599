package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap lists every key binding of the console. Bindings that do not
// apply to the current view are disabled, which also hides them from help.
type keyMap struct {
	Up         key.Binding
	Down       key.Binding
	Top        key.Binding
	Bottom     key.Binding
	PageUp     key.Binding
	PageDown   key.Binding
	Open       key.Binding
	Back       key.Binding
	Claim      key.Binding
	Release    key.Binding
	Resolve    key.Binding
	Warranted  key.Binding
	Unwarrant  key.Binding
	Reply      key.Binding
	ToggleAll  key.Binding
	History    key.Binding
	Scripts    key.Binding
	Range      key.Binding
	QueueOf    key.Binding
	KindOf     key.Binding
	Charts     key.Binding
	Edit       key.Binding
	Versions   key.Binding
	Save       key.Binding
	Cancel     key.Binding
	Help       key.Binding
	Quit       key.Binding
	inputFocus bool
	// replying is set while the reply box has focus: enter is a new line
	// there, not save.
	replying bool
	// view is the view the bindings are set for; it picks the short help.
	view view
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
		Warranted: key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "warranted")),
		Unwarrant: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "not warranted")),
		Reply:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reply")),
		ToggleAll: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all/escalated")),
		History:   key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Scripts:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "scripts")),
		Range:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "range")),
		QueueOf:   key.NewBinding(key.WithKeys("Q"), key.WithHelp("Q", "queue")),
		// k moves up in every list, so the kind filter takes K.
		KindOf:   key.NewBinding(key.WithKeys("K"), key.WithHelp("K", "kind")),
		Charts:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "charts")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Versions: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "versions")),
		Save:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// keyState is what decides which bindings act: the view, the optional
// parts of the daemon's API, and the scripts view's pane.
type keyState struct {
	view        view
	hasHistory  bool
	hasScripts  bool
	hasReply    bool
	scriptsPane scriptsPane
	// inputFocus is set while a text input takes the keys.
	inputFocus bool
	replying   bool
}

// set enables the bindings that act in state s and disables the rest.
func (k *keyMap) set(s keyState) {
	all := []*key.Binding{
		&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.Open, &k.Back,
		&k.Claim, &k.Release, &k.Resolve, &k.Warranted, &k.Unwarrant, &k.Reply, &k.ToggleAll,
		&k.History, &k.Scripts, &k.Range, &k.QueueOf, &k.KindOf, &k.Charts,
		&k.Edit, &k.Versions, &k.Save, &k.Cancel, &k.Help,
	}
	k.inputFocus = s.inputFocus
	k.replying = s.replying
	k.view = s.view
	if s.inputFocus {
		for _, b := range all {
			b.SetEnabled(false)
		}
		k.Save.SetEnabled(true)
		k.Cancel.SetEnabled(true)
		k.Quit.SetHelp("ctrl+c", "quit")
		return
	}
	k.Quit.SetHelp("q", "quit")
	for _, b := range all {
		b.SetEnabled(false)
	}
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.Help} {
		b.SetEnabled(true)
	}
	switch s.view {
	case viewQueue:
		k.Open.SetEnabled(true)
		k.ToggleAll.SetEnabled(true)
		k.History.SetEnabled(s.hasHistory)
		k.Scripts.SetEnabled(s.hasScripts)
	case viewTicket:
		k.Back.SetEnabled(true)
		k.Claim.SetEnabled(true)
		k.Release.SetEnabled(true)
		k.Resolve.SetEnabled(true)
		k.Warranted.SetEnabled(s.hasHistory)
		k.Unwarrant.SetEnabled(s.hasHistory)
		k.Reply.SetEnabled(s.hasReply)
	case viewHistory:
		k.Back.SetEnabled(true)
		k.Open.SetEnabled(true)
		k.Range.SetEnabled(true)
		k.QueueOf.SetEnabled(true)
		k.KindOf.SetEnabled(true)
		k.Charts.SetEnabled(true)
	case viewScripts:
		k.Back.SetEnabled(true)
		switch s.scriptsPane {
		case paneDocuments, paneVersions:
			k.Open.SetEnabled(true)
			k.Versions.SetEnabled(s.scriptsPane == paneDocuments)
			k.Edit.SetEnabled(s.scriptsPane == paneDocuments)
		case paneDocument:
			k.Edit.SetEnabled(true)
			k.Versions.SetEnabled(true)
		case paneProblems:
			k.Edit.SetEnabled(true)
			k.Edit.SetHelp("e", "edit again")
		}
		if s.scriptsPane != paneProblems {
			k.Edit.SetHelp("e", "edit")
		}
	}
}

// ShortHelp returns the bindings of the one-line help bar.
func (k keyMap) ShortHelp() []key.Binding {
	if k.replying {
		return []key.Binding{k.Cancel, k.Quit}
	}
	if k.inputFocus {
		return []key.Binding{k.Save, k.Cancel, k.Quit}
	}
	// Each view's list fits in 80 cells; the full help has the rest.
	var bindings []key.Binding
	switch k.view {
	case viewQueue:
		bindings = []key.Binding{k.Open, k.ToggleAll, k.History, k.Scripts}
		if !k.History.Enabled() && !k.Scripts.Enabled() {
			bindings = append(bindings, k.Up, k.Down)
		}
	case viewTicket:
		if k.Warranted.Enabled() {
			bindings = []key.Binding{k.Claim, k.Resolve, k.Warranted, k.Unwarrant, k.Back}
		} else {
			bindings = []key.Binding{k.Claim, k.Release, k.Resolve, k.Back, k.Up, k.Down}
		}
	case viewHistory:
		bindings = []key.Binding{k.Open, k.Range, k.QueueOf, k.KindOf, k.Charts}
	case viewScripts:
		bindings = []key.Binding{k.Open, k.Edit, k.Versions, k.Back, k.Up, k.Down}
	}
	return append(bindings, k.Help, k.Quit)
}

// FullHelp returns the columns of the full help shown after "?".
func (k keyMap) FullHelp() [][]key.Binding {
	if k.replying {
		return [][]key.Binding{{k.Cancel, k.Quit}}
	}
	if k.inputFocus {
		return [][]key.Binding{{k.Save, k.Cancel, k.Quit}}
	}
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.ToggleAll, k.History, k.Scripts, k.Back},
		{k.Claim, k.Release, k.Resolve, k.Reply, k.Warranted, k.Unwarrant},
		{k.Range, k.QueueOf, k.KindOf, k.Charts, k.Edit, k.Versions},
		{k.Help, k.Quit},
	}
}
