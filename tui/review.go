package tui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/client"
)

// reviewState is the open ticket's review mark: the latest review of its
// latest escalation, and the note input while the agent marks it.
type reviewState struct {
	// loaded is set once the review of the open ticket has been read.
	loaded bool
	// record is the Seq of the latest escalation, and current is its
	// review, or nil when it has none.
	record  uint64
	current *triage.Review

	// active is set while the note input has focus; verdict and target
	// are what enter saves.
	active  bool
	verdict triage.Verdict
	target  uint64
	input   lineInput
	saving  bool
}

// reset clears the review state of the previous ticket.
func (r *reviewState) reset() {
	r.loaded, r.record, r.current = false, 0, nil
	r.active, r.saving = false, false
	r.input.value = ""
}

type (
	reviewLoadedMsg struct {
		id     string
		record uint64
		review *triage.Review
		err    error
	}
	reviewSavedMsg struct {
		id     string
		review *triage.Review
		err    error
	}
)

// loadReview reads the latest escalation of the open ticket with its
// review, when the desk serves history.
func (m *Model) loadReview() tea.Cmd {
	if m.historyDesk == nil || m.detailID == "" {
		return nil
	}
	return loadReviewCmd(m.ctx, m.historyDesk, m.detailID)
}

func loadReviewCmd(ctx context.Context, desk HistoryDesk, id string) tea.Cmd {
	return func() tea.Msg {
		msg := reviewLoadedMsg{id: id}
		q := client.HistoryQuery{Ticket: id, Kind: string(triage.KindEscalated)}
		msg.err = desk.History(ctx, q, func(e *triage.HistoryEntry) error {
			if e.Ticket == id && e.Kind == triage.KindEscalated {
				msg.record, msg.review = e.Seq, e.Review
			}
			return nil
		})
		return msg
	}
}

func (m *Model) handleReviewLoaded(msg reviewLoadedMsg) {
	if msg.id != m.detailID {
		return
	}
	if msg.err != nil {
		m.setError("load review failed: " + sanitizeLine(msg.err.Error()))
		return
	}
	m.review.loaded = true
	m.review.record, m.review.current = msg.record, msg.review
}

// latestEscalation returns the Seq of the open ticket's latest escalation
// record, or 0 when it has none.
func (m *Model) latestEscalation() uint64 {
	if m.detail != nil {
		for i := len(m.detail.History) - 1; i >= 0; i-- {
			if rec := m.detail.History[i]; rec != nil && rec.Kind == triage.KindEscalated {
				return rec.Seq
			}
		}
	}
	return m.review.record
}

// startReview opens the note input for marking the open ticket's latest
// escalation with verdict.
func (m *Model) startReview(verdict triage.Verdict) tea.Cmd {
	if m.historyDesk == nil || m.detailID == "" || m.review.saving {
		return nil
	}
	record := m.latestEscalation()
	if record == 0 {
		m.setError(fmt.Sprintf("ticket %s has no escalation to review", sanitizeLine(m.detailID)))
		return nil
	}
	m.review.active = true
	m.review.verdict = verdict
	m.review.target = record
	m.review.input.value = ""
	m.syncKeys()
	m.layout()
	return nil
}

// reviewPrompt is the text before the note input.
func (m *Model) reviewPrompt() string {
	return fmt.Sprintf("mark %s: note (optional) ", verdictText(m.review.verdict))
}

// handleReviewKey edits the note: enter saves, esc cancels, ctrl+c quits,
// and every other key, q included, goes to the input.
func (m *Model) handleReviewKey(msg tea.KeyMsg) tea.Cmd {
	switch {
	case msg.Type == tea.KeyCtrlC:
		m.shutdown()
		return tea.Quit
	case key.Matches(msg, m.keys.Cancel):
		m.endReview()
		m.setStatus("review cancelled")
		return nil
	case key.Matches(msg, m.keys.Save):
		note := m.review.input.value
		id, record, verdict := m.detailID, m.review.target, m.review.verdict
		m.endReview()
		m.review.saving = true
		m.setStatus(fmt.Sprintf("marking %s %s…", sanitizeLine(id), verdictText(verdict)))
		return saveReviewCmd(m.ctx, m.historyDesk, id, record, verdict, note)
	}
	m.review.input.update(msg)
	return nil
}

func (m *Model) endReview() {
	m.review.active = false
	m.syncKeys()
	m.layout()
}

func saveReviewCmd(ctx context.Context, desk HistoryDesk, id string, record uint64, verdict triage.Verdict, note string) tea.Cmd {
	return func() tea.Msg {
		rev, err := desk.Review(ctx, id, record, verdict, note)
		return reviewSavedMsg{id: id, review: rev, err: err}
	}
}

func (m *Model) handleReviewSaved(msg reviewSavedMsg) {
	m.review.saving = false
	if msg.err != nil {
		m.setError(actionError(actionReview, msg.id, msg.err))
		return
	}
	m.setStatus(fmt.Sprintf("marked %s %s", sanitizeLine(msg.id), verdictText(msg.review.Verdict)))
	m.history.stale = true
	if msg.id == m.detailID && msg.review != nil {
		m.review.loaded = true
		m.review.record, m.review.current = msg.review.Record, msg.review
	}
}

// verdictText words a verdict for the screen.
func verdictText(v triage.Verdict) string {
	if v == triage.VerdictUnwarranted {
		return "not warranted"
	}
	return string(v)
}

// reviewSummary is the ticket header's account of the review, or "" when
// the desk does not serve reviews or the ticket was never escalated.
func (m *Model) reviewSummary() string {
	if m.historyDesk == nil || !m.review.loaded || m.latestEscalation() == 0 {
		return ""
	}
	r := m.review.current
	if r == nil || r.Record != m.latestEscalation() {
		return "not reviewed"
	}
	text := "reviewed: " + verdictText(r.Verdict) + " by " + sanitizeLine(r.Agent)
	if r.Verdict == triage.VerdictWarranted {
		return m.styles.Live.Render(text)
	}
	return m.styles.Warm.Render(text)
}
