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
	p := tea.NewProgram(m,
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
		tea.WithContext(ctx),
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
