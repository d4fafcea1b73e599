package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
)

// Messages that the console's commands return to Update. Each stream
// message carries the generation of the subscription it came from, so that
// a message from a stream the console already replaced is dropped.
type (
	queueLoadedMsg struct {
		request int
		tickets []*triage.Ticket
		err     error
	}
	reloadQueueMsg  struct{ request int }
	ticketLoadedMsg struct {
		id     string
		detail *triage.TicketDetail
		err    error
	}
	subscribedMsg struct {
		generation int
		stream     Stream
	}
	updateMsg struct {
		generation int
		update     triage.Update
	}
	streamErrMsg struct {
		generation int
		err        error
	}
	resubscribeMsg struct{ generation int }
	actionDoneMsg  struct {
		action action
		id     string
		ticket *triage.Ticket
		err    error
	}
	tickMsg struct{}
)

// action is a ticket action that an agent starts with a key.
type action int

const (
	actionClaim action = iota
	actionRelease
	actionResolve
	// actionReview marks an escalation; it runs through saveReviewCmd.
	actionReview
)

func (a action) String() string {
	switch a {
	case actionClaim:
		return "claim"
	case actionRelease:
		return "release"
	case actionResolve:
		return "resolve"
	case actionReview:
		return "review"
	}
	return "action"
}

// pastTense is the word the status line uses once the action succeeded.
func (a action) pastTense() string {
	switch a {
	case actionClaim:
		return "claimed"
	case actionRelease:
		return "released"
	case actionResolve:
		return "resolved"
	}
	return "done"
}

func loadQueueCmd(ctx context.Context, desk Desk, all bool, request int) tea.Cmd {
	return func() tea.Msg {
		tickets, err := desk.Queue(ctx, all)
		return queueLoadedMsg{request: request, tickets: tickets, err: err}
	}
}

func loadTicketCmd(ctx context.Context, desk Desk, id string) tea.Cmd {
	return func() tea.Msg {
		detail, err := desk.Ticket(ctx, id)
		return ticketLoadedMsg{id: id, detail: detail, err: err}
	}
}

func subscribeCmd(ctx context.Context, desk Desk, since uint64, epoch string, generation int) tea.Cmd {
	return func() tea.Msg {
		stream, err := desk.Subscribe(ctx, since, epoch)
		if err != nil {
			return streamErrMsg{generation: generation, err: err}
		}
		return subscribedMsg{generation: generation, stream: stream}
	}
}

// nextUpdateCmd waits, in the goroutine Bubble Tea runs commands in, for
// one update of the stream. Update issues it again after each update, so
// the stream is read one message at a time and Update itself never waits.
func nextUpdateCmd(stream Stream, generation int) tea.Cmd {
	return func() tea.Msg {
		u, err := stream.Next()
		if err != nil {
			return streamErrMsg{generation: generation, err: err}
		}
		return updateMsg{generation: generation, update: u}
	}
}

func actionCmd(ctx context.Context, desk Desk, a action, id string) tea.Cmd {
	return func() tea.Msg {
		var t *triage.Ticket
		var err error
		switch a {
		case actionClaim:
			t, err = desk.Claim(ctx, id)
		case actionRelease:
			t, err = desk.Release(ctx, id)
		case actionResolve:
			t, err = desk.Resolve(ctx, id)
		}
		return actionDoneMsg{action: a, id: id, ticket: t, err: err}
	}
}

// tickInterval is how often the console redraws without input, so that
// wait times advance and NEW badges expire.
const tickInterval = time.Second

func tickCmd() tea.Cmd {
	return tea.Tick(tickInterval, func(time.Time) tea.Msg { return tickMsg{} })
}

// Reconnection back-off: the first retry waits retryBase, each further one
// twice as long, up to retryMax.
const (
	retryBase = 500 * time.Millisecond
	retryMax  = 15 * time.Second
)

// retryDelay returns the wait before retry number attempt (from 0).
func retryDelay(attempt int) time.Duration {
	d := retryBase
	for i := 0; i < attempt && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}
