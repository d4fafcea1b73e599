package tui

import (
	"context"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/triagedesk/triage/triage"
)

// view is the screen the console shows.
type view int

const (
	viewQueue view = iota
	viewTicket
	viewHistory
	viewScripts
)

func (v view) String() string {
	switch v {
	case viewTicket:
		return "ticket"
	case viewHistory:
		return "history"
	case viewScripts:
		return "scripts"
	}
	return "queue"
}

// connState is the state of the live update stream.
type connState int

const (
	connConnecting connState = iota
	connLive
	connDown
)

// newBadgeTTL is the time, on the injected clock, for which a ticket that
// arrived through the stream keeps its NEW badge unless the agent selects
// it.
const newBadgeTTL = 30 * time.Second

// Minimum terminal size; below it the console shows only a notice.
const (
	minWidth  = 40
	minHeight = 8
)

// Model is the console's Bubble Tea model. Create it with New; it uses a
// pointer receiver because it holds the whole queue.
type Model struct {
	desk Desk
	// historyDesk and scriptsDesk are desk when it implements them, or
	// nil, which hides the views they serve.
	historyDesk HistoryDesk
	scriptsDesk ScriptsDesk
	// replyDesk is desk when it sends replies, or nil, which hides the
	// reply box.
	replyDesk ReplyDesk
	reply     replyState
	agent     string
	now       func() time.Time
	ctx       context.Context
	cancel    context.CancelFunc
	styles    Styles
	keys      keyMap
	help      help.Model

	width, height int
	helpHeight    int
	view          view

	queue      queueList
	all        bool
	cursor     int
	offset     int
	selectedID string
	// newAt holds, per ticket id, when the ticket arrived through the
	// stream; the ticket shows a NEW badge until newBadgeTTL later.
	newAt map[string]time.Time
	// versions holds the latest ticket version applied per id, removed
	// tickets included, so that an older copy never overwrites a newer one.
	versions map[string]uint64

	// loading is set while a queue snapshot is requested; updates that
	// arrive meanwhile wait in pending and are applied on top of it.
	loading      bool
	queueRequest int
	pending      []*triage.Ticket
	loadRetries  int
	loadedOnce   bool

	stream      Stream
	generation  int
	conn        connState
	seq         uint64
	epoch       string
	retries     int
	streamErr   string
	quitting    bool
	detail      *triage.TicketDetail
	detailID    string
	detailErr   string
	detailBusy  bool
	detailStale bool
	viewport    viewport.Model
	status      string
	statusIsErr bool
	// notice is the daemon's latest message for every console; it shows
	// in the status line until the next notice or key press.
	notice       string
	actionActive bool

	// ticketReturn is the view that esc returns to from the ticket view.
	ticketReturn view
	review       reviewState
	history      historyState
	scripts      scriptsState
}

// New returns the console's model for opts. It panics when opts.Desk is
// nil, which is a programming error. Run wraps it in a full-screen program;
// tests drive it directly or through teatest.
func New(opts Options) tea.Model {
	return newModel(context.Background(), opts)
}

func newModel(parent context.Context, opts Options) *Model {
	if opts.Desk == nil {
		panic("tui: Options.Desk is nil")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithCancel(parent)
	m := &Model{
		desk:     opts.Desk,
		agent:    opts.Agent,
		now:      now,
		ctx:      ctx,
		cancel:   cancel,
		styles:   NewStyles(opts.NoColor),
		keys:     defaultKeyMap(),
		help:     help.New(),
		newAt:    make(map[string]time.Time),
		versions: make(map[string]uint64),
		viewport: viewport.New(0, 0),
		loading:  true,
	}
	if incidents, ok := opts.Desk.(IncidentDesk); ok {
		m.desk = incidentQueueDesk{Desk: opts.Desk, incidents: incidents}
	}
	m.historyDesk, _ = opts.Desk.(HistoryDesk)
	m.scriptsDesk, _ = opts.Desk.(ScriptsDesk)
	m.replyDesk, _ = opts.Desk.(ReplyDesk)
	m.review.input.limit = triage.MaxReviewNote
	m.history.init()
	m.queue.reset(nil)
	m.syncKeys()
	m.help.Styles.ShortKey = m.styles.Title
	m.help.Styles.FullKey = m.styles.Title
	return m
}

// Init subscribes to updates and starts the redraw tick. The queue loads
// when the stream's first update, a Reset, arrives: a snapshot taken after
// the subscription started misses nothing that the stream does not bring.
func (m *Model) Init() tea.Cmd {
	m.generation++
	return tea.Batch(
		subscribeCmd(m.ctx, m.desk, m.seq, m.epoch, m.generation),
		tickCmd(),
	)
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case tea.MouseMsg:
		m.handleMouse(msg)
		return m, nil
	case tickMsg:
		m.expireBadges()
		return m, tickCmd()
	case queueLoadedMsg:
		return m, m.handleQueueLoaded(msg)
	case reloadQueueMsg:
		if msg.request != m.queueRequest || m.quitting {
			return m, nil
		}
		return m, m.reloadQueue()
	case ticketLoadedMsg:
		return m, m.handleTicketLoaded(msg)
	case subscribedMsg:
		return m, m.handleSubscribed(msg)
	case updateMsg:
		return m, m.handleUpdate(msg)
	case streamErrMsg:
		return m, m.handleStreamErr(msg)
	case resubscribeMsg:
		if msg.generation != m.generation || m.quitting {
			return m, nil
		}
		// The status line keeps saying disconnected until the new stream
		// is up.
		m.generation++
		return m, subscribeCmd(m.ctx, m.desk, m.seq, m.epoch, m.generation)
	case actionDoneMsg:
		return m, m.handleActionDone(msg)
	case reviewLoadedMsg:
		m.handleReviewLoaded(msg)
		return m, nil
	case replySentMsg:
		return m, m.handleReplySent(msg)
	case reviewSavedMsg:
		m.handleReviewSaved(msg)
		return m, nil
	case historyChunkMsg:
		return m, m.handleHistoryChunk(msg)
	}
	if cmd, ok := m.updateScripts(msg); ok {
		return m, cmd
	}
	return m, nil
}

// syncKeys enables the key bindings that act in the current state.
func (m *Model) syncKeys() {
	m.keys.set(keyState{
		view:        m.view,
		hasHistory:  m.historyDesk != nil,
		hasScripts:  m.scriptsDesk != nil,
		hasReply:    m.replyDesk != nil,
		scriptsPane: m.scripts.pane,
		inputFocus:  m.inputFocused(),
		replying:    m.reply.active,
	})
}

// inputFocused reports whether a text input takes the keys.
func (m *Model) inputFocused() bool {
	return m.review.active || m.reply.active
}

// shutdown closes the stream and cancels the requests in flight.
func (m *Model) shutdown() {
	m.quitting = true
	m.cancel()
	if m.stream != nil {
		_ = m.stream.Close()
		m.stream = nil
	}
}

// reloadQueue requests a new snapshot; replies to older requests are
// dropped.
func (m *Model) reloadQueue() tea.Cmd {
	m.loading = true
	m.queueRequest++
	return loadQueueCmd(m.ctx, m.desk, m.all, m.queueRequest)
}

func (m *Model) handleQueueLoaded(msg queueLoadedMsg) tea.Cmd {
	if msg.request != m.queueRequest {
		return nil
	}
	m.loading = false
	pending := m.pending
	m.pending = nil
	if msg.err != nil {
		return m.handleQueueLoadFailed(msg.err, pending)
	}
	m.loadRetries = 0

	// A buffered update is new relative to what the agent saw before this
	// snapshot, or, on the first snapshot, relative to the snapshot itself.
	before := m.queue.byID
	m.mergeSnapshot(msg.tickets)
	if !m.loadedOnce {
		before = m.queue.byID
		m.loadedOnce = true
	}

	// NOTE: a buffered update for a ticket that left the queue before the
	// snapshot was taken adds it back, because a snapshot carries no
	// sequence number to compare with. Its next update removes it again.
	for _, t := range pending {
		m.applyTicket(t, true, before[t.ID])
	}
	m.restoreCursor()
	return nil
}

// mergeSnapshot replaces the queue with a snapshot, keeping the copies of
// tickets that the console already has in a newer version.
func (m *Model) mergeSnapshot(tickets []*triage.Ticket) {
	snapshot := make([]*triage.Ticket, 0, len(tickets))
	for _, t := range tickets {
		if t == nil {
			continue
		}
		if t.Version < m.versions[t.ID] {
			// Keep the newer copy if it is still listed, or leave the
			// ticket out if the newer copy removed it.
			t = m.queue.byID[t.ID]
		}
		if t == nil || !listed(t, m.all) {
			continue
		}
		snapshot = append(snapshot, t)
	}
	m.queue.reset(snapshot)
	for _, t := range snapshot {
		m.versions[t.ID] = t.Version
	}
	for id := range m.newAt {
		if m.queue.byID[id] == nil {
			delete(m.newAt, id)
		}
	}
}

// handleQueueLoadFailed reports a failed snapshot, applies the updates
// buffered for it to the current list, and schedules another attempt.
func (m *Model) handleQueueLoadFailed(err error, pending []*triage.Ticket) tea.Cmd {
	m.setError("load queue failed: " + sanitizeLine(err.Error()))
	for _, t := range pending {
		m.applyTicket(t, true, m.queue.byID[t.ID])
	}
	m.restoreCursor()
	if m.quitting {
		return nil
	}
	delay := retryDelay(m.loadRetries)
	m.loadRetries++
	request := m.queueRequest
	return tea.Tick(delay, func(time.Time) tea.Msg { return reloadQueueMsg{request: request} })
}

// ingestTicket applies a changed ticket, or keeps it for later while a
// snapshot loads.
func (m *Model) ingestTicket(t *triage.Ticket, fromStream bool) {
	if t == nil {
		return
	}
	if m.loading {
		m.pending = append(m.pending, t)
		return
	}
	m.applyTicket(t, fromStream, m.queue.byID[t.ID])
	m.restoreCursor()
}

// applyTicket puts t into the queue, or takes it out when it no longer
// belongs there. A ticket from the stream that is not in old (the copy the
// agent last saw, or nil), or newly becomes escalated, gets a NEW badge.
func (m *Model) applyTicket(t *triage.Ticket, fromStream bool, old *triage.Ticket) {
	if seen, ok := m.versions[t.ID]; ok && t.Version < seen {
		return
	}
	m.versions[t.ID] = t.Version
	if !listed(t, m.all) {
		m.queue.remove(t.ID)
		delete(m.newAt, t.ID)
		return
	}
	m.queue.upsert(t)
	escalatedNow := t.Status == triage.StatusEscalated && (old == nil || old.Status != triage.StatusEscalated)
	if fromStream && (old == nil || escalatedNow) && t.ID != m.selectedID {
		m.newAt[t.ID] = m.now()
	}
}

func (m *Model) handleSubscribed(msg subscribedMsg) tea.Cmd {
	if msg.generation != m.generation || m.quitting {
		_ = msg.stream.Close()
		return nil
	}
	m.stream = msg.stream
	m.conn = connLive
	m.streamErr = ""
	return nextUpdateCmd(msg.stream, msg.generation)
}

func (m *Model) handleUpdate(msg updateMsg) tea.Cmd {
	if msg.generation != m.generation || m.quitting {
		return nil
	}
	m.retries = 0
	m.conn = connLive
	next := nextUpdateCmd(m.stream, msg.generation)
	u := msg.update
	if u.Notice != "" {
		m.notice = sanitizeLine(u.Notice)
	}
	if u.Notice != "" && u.Seq == 0 && u.Ticket == nil && u.Record == nil && !u.Reset {
		return next
	}
	// Sequence numbers rise by one per update within an epoch, so a jump
	// means the stream skipped updates.
	gap := m.epoch != "" && u.Epoch == m.epoch && u.Seq > m.seq+1
	changedEpoch := m.epoch != "" && u.Epoch != m.epoch
	m.seq, m.epoch = u.Seq, u.Epoch
	if u.Reset || gap || changedEpoch {
		// The updates in between are lost, so only a snapshot is right.
		m.pending = nil
		reload := m.reloadQueue()
		if m.view == viewTicket && m.detailID != "" {
			return tea.Batch(next, reload, m.loadDetail())
		}
		return tea.Batch(next, reload)
	}
	if _, ok := m.desk.(incidentQueueDesk); ok && u.Incident != nil {
		m.applyIncident(u.Incident)
	}
	m.ingestTicket(u.Ticket, true)
	return tea.Batch(next, m.refreshDetail(u))
}

func (m *Model) handleStreamErr(msg streamErrMsg) tea.Cmd {
	if msg.generation != m.generation || m.quitting {
		return nil
	}
	if m.stream != nil {
		_ = m.stream.Close()
		m.stream = nil
	}
	m.conn = connDown
	m.streamErr = sanitizeLine(msg.err.Error())
	delay := retryDelay(m.retries)
	m.retries++
	generation := m.generation
	retry := tea.Tick(delay, func(time.Time) tea.Msg { return resubscribeMsg{generation: generation} })
	// Without a stream no Reset comes to load the queue, so load it now
	// and show what the daemon holds while the stream reconnects.
	if !m.loadedOnce && m.queueRequest == 0 {
		return tea.Batch(retry, m.reloadQueue())
	}
	return retry
}

func (m *Model) handleActionDone(msg actionDoneMsg) tea.Cmd {
	m.actionActive = false
	if msg.err != nil {
		m.setError(actionError(msg.action, msg.id, msg.err))
		if m.view == viewTicket && m.detailID == msg.id {
			return m.loadDetail()
		}
		return nil
	}
	m.setStatus(msg.action.pastTense() + " " + sanitizeLine(msg.id))
	if msg.ticket == nil {
		return nil
	}
	m.ingestTicket(msg.ticket, false)
	if m.detail != nil && m.detailID == msg.ticket.ID &&
		(m.detail.Ticket == nil || m.detail.Ticket.Version <= msg.ticket.Version) {
		m.detail.Ticket = msg.ticket
		m.renderDetail()
	}
	return nil
}

func (m *Model) setStatus(s string) {
	m.status, m.statusIsErr = s, false
}

func (m *Model) setError(s string) {
	m.status, m.statusIsErr = s, true
}

// expireBadges drops NEW badges older than newBadgeTTL.
func (m *Model) expireBadges() {
	now := m.now()
	for id, at := range m.newAt {
		if now.Sub(at) >= newBadgeTTL {
			delete(m.newAt, id)
		}
	}
}

// isNew reports whether the ticket shows a NEW badge.
func (m *Model) isNew(id string) bool {
	at, ok := m.newAt[id]
	return ok && m.now().Sub(at) < newBadgeTTL
}
