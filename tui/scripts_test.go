package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
)

func newScriptsDesk() *fullDesk {
	desk := newFullDesk(sampleTickets()...)
	desk.addDocument("escalation-policy", "default", "triage", "kind: escalation-policy\nname: default\n", baseTime.Add(-48*3600e9))
	desk.addDocument("script", "router", "bob", "kind: script\nname: router\n", baseTime.Add(-24*3600e9))
	desk.addDocument("script", "router", "alice", routerScript, baseTime.Add(-3600e9))
	return desk
}

func TestScriptsListOpenAndVersions(t *testing.T) {
	desk := newScriptsDesk()
	h := newHarnessFor(t, desk, desk.fakeDesk, 80, 24)
	h.run(h.key("s"))
	view := h.view()
	for _, want := range []string{"2 documents", "escalation-policy", "router", "v2", "alice", "2026-03-02 13:30"} {
		if !strings.Contains(view, want) {
			t.Errorf("document list lacks %q:\n%s", want, view)
		}
	}
	h.key("j")
	h.run(h.key("enter"))
	view = h.view()
	for _, want := range []string{"script router v2", "saved by alice", "7   - id: restart", `# then wait`} {
		if !strings.Contains(view, want) {
			t.Errorf("document view lacks %q:\n%s", want, view)
		}
	}
	h.run(h.key("v"))
	view = h.view()
	if !strings.Contains(view, "2 versions") || !strings.Contains(view, "bob") {
		t.Errorf("versions pane does not list both versions:\n%s", view)
	}
	h.key("k")
	h.run(h.key("enter"))
	if !strings.Contains(h.view(), "script router v1") {
		t.Errorf("enter on the first version does not show v1:\n%s", h.view())
	}
	h.key("esc")
	h.key("esc")
	if h.m.view != viewQueue {
		t.Errorf("esc esc from a document returned to %s, want the queue", h.m.view)
	}
}

func TestHighlightYAML(t *testing.T) {
	lipgloss.SetColorProfile(termenv.ANSI)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	st := NewStyles(false)
	line := `  say: "it's # not a comment" # a comment`
	got := highlightYAML(line, st)
	for _, want := range []string{st.Key.Render("say"), st.String.Render(`"it's # not a comment"`), st.Comment.Render("# a comment")} {
		if !strings.Contains(got, want) {
			t.Errorf("highlightYAML(%q) = %q lacks %q", line, got, want)
		}
	}
	if plain := highlightYAML(line, NewStyles(true)); plain != line {
		t.Errorf("highlightYAML without colour = %q, want the line unchanged", plain)
	}
	if got := highlightYAML("- plain item", st); strings.Contains(got, "\x1b") {
		t.Errorf("a list item without a key got colour: %q", got)
	}
}

// fakeEditor writes a shell script for $VISUAL that replaces the file it
// edits with versions[n] on its n-th run and copies what it was given to
// seen-n.
func fakeEditor(t *testing.T, versions ...string) (editor, dir string) {
	t.Helper()
	dir = t.TempDir()
	script := "#!/bin/sh\nset -e\ndir=" + dir + "\nn=$(cat $dir/runs 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > $dir/runs\nfor f; do :; done\ncp \"$f\" $dir/seen-$n\n"
	for i, v := range versions {
		src := filepath.Join(dir, "version-"+string(rune('1'+i)))
		if err := os.WriteFile(src, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
		script += "if [ $n -eq " + string(rune('1'+i)) + " ]; then cp " + src + " \"$f\"; fi\n"
	}
	editor = filepath.Join(dir, "editor")
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return editor, dir
}

func TestScriptsEditRejectedThenSaved(t *testing.T) {
	desk := newScriptsDesk()
	broken := strings.Replace(routerScript, "steps:\n", "steps: oops\n", 1)
	fixed := routerScript + "  - id: done\n"
	editor, dir := fakeEditor(t, broken, fixed)
	t.Setenv("VISUAL", editor+" --wait")
	t.Setenv("EDITOR", "false")

	tm := startFullProgram(t, desk, 80, 24)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	waitFor(t, tm, "2 documents")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")})
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	waitFor(t, tm, "edit rejected", "steps must be a list")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	waitFor(t, tm, "saved script router version 3")
	view := finalView(t, tm)
	if !strings.Contains(view, "script router v3") {
		t.Errorf("the saved version is not shown:\n%s", view)
	}

	desk.hmu.Lock()
	defer desk.hmu.Unlock()
	if len(desk.puts) != 2 || desk.puts[0] != broken || desk.puts[1] != fixed {
		t.Errorf("PutDocument bodies = %q, want the broken then the fixed edit", desk.puts)
	}
	first, err := os.ReadFile(filepath.Join(dir, "seen-1"))
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != routerScript {
		t.Errorf("the editor first got %q, want the latest version", first)
	}
	second, err := os.ReadFile(filepath.Join(dir, "seen-2"))
	if err != nil {
		t.Fatal(err)
	}
	if string(second) != broken {
		t.Errorf("the reopened editor got %q, want the rejected edit", second)
	}
}

func TestScriptsEditWithoutChangeSavesNothing(t *testing.T) {
	desk := newScriptsDesk()
	t.Setenv("VISUAL", "true")
	tm := startFullProgram(t, desk, 80, 24)
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")})
	waitFor(t, tm, "2 documents")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	waitFor(t, tm, "edit cancelled, no change")
	finalView(t, tm)
	if len(desk.puts) != 0 {
		t.Errorf("an unchanged edit saved %d versions", len(desk.puts))
	}
}

// startFullProgram runs the console on a fullDesk in a teatest program.
func startFullProgram(t *testing.T, desk *fullDesk, width, height int) *teatest.TestModel {
	t.Helper()
	clock := &testClock{now: baseTime}
	tm := teatest.NewTestModel(t, New(Options{Desk: desk, Agent: "alice", Now: clock.Now}),
		teatest.WithInitialTermSize(width, height))
	t.Cleanup(func() { _ = tm.Quit() })
	waitFor(t, tm, "● live")
	return tm
}
