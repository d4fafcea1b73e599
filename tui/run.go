package tui

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
)

// Run shows the console full-screen on the terminal, with mouse wheel
// scrolling, until the agent quits or ctx is cancelled. It returns ctx's
// error in the second case.
func Run(ctx context.Context, opts Options) error {
	if opts.Desk == nil {
		return errors.New("run console: Options.Desk is nil")
	}
	m := newModel(ctx, opts)
	// The caller's ctx ends on SIGINT and SIGTERM. Bubble Tea's own
	// handler for them is off: when both see one signal, Bubble Tea's may
	// block on sending its quit message after the program has stopped
	// reading, and the console then never exits.
	p := tea.NewProgram(m,
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
		tea.WithContext(ctx),
		tea.WithoutSignalHandler(),
	)
	_, err := p.Run()
	m.shutdown()
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
			return ctx.Err()
		}
		return fmt.Errorf("run console: %w", err)
	}
	return nil
}
