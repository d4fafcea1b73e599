package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/sentiment"
	"github.com/triagedesk/triage/triage"
)

// maxReasonsOnTicket bounds the reasons a ticket shows in the queue.
const maxReasonsOnTicket = 5

// maxLastMessage bounds the last customer message kept on a ticket.
const maxLastMessage = 280

// batch is the state of one write transaction: the conversations and
// tickets it touched, written back once by flush, and the updates to
// publish after the commit.
type batch struct {
	e       *Engine
	tx      triage.Tx
	convs   map[string]*convEntry
	order   []*convEntry
	updates []triage.Update

	// policy is the escalation policy this batch applies, and scripts
	// finds the troubleshooting scripts.
	policy  *policyVersion
	scripts scriptSource
	// replay is set when the batch runs a dry run with no transaction:
	// records are kept in it instead of the store.
	replay *replayRun
	// sla is the SLA that timers are armed with; timersChanged is set
	// when the batch armed, moved or cancelled a timer.
	sla           *slaConfig
	timersChanged bool
	// timerDriven holds the ids of the tickets a timer moved in this batch.
	timerDriven map[string]bool
	// cache, when set, holds committed conversations from earlier
	// batches; the writer sets it, dry runs leave it nil.
	cache *convCache
}

type convEntry struct {
	conv   *triage.Conversation
	state  sentiment.State
	ticket *triage.Ticket
	dirty  bool
}

func newBatch(e *Engine, tx triage.Tx) *batch {
	return &batch{
		e: e, tx: tx, convs: make(map[string]*convEntry),
		policy:  e.policy.Load(),
		scripts: liveScripts{e: e, tx: tx},
		sla:     e.sla.Load(),
	}
}

// abort wraps a storage error so that it rolls the transaction back.
func abort(op string, err error) error {
	return abortError{fmt.Errorf("%s: %w", op, err)}
}

// conversation returns the cached entry for a conversation, loading it or,
// when create is set and it does not exist, opening it with a new ticket
// at time at.
func (b *batch) conversation(id string, create bool, at time.Time) (*convEntry, error) {
	if c, ok := b.convs[id]; ok {
		return c, nil
	}
	if b.cache != nil {
		if c, ok := b.cache.get(id); ok {
			b.convs[id] = c
			b.order = append(b.order, c)
			return c, nil
		}
	}
	conv, err := b.tx.Conversation(id)
	if err != nil {
		return nil, abort("load conversation", err)
	}
	entry := &convEntry{conv: conv}
	if conv == nil {
		if !create {
			return nil, nil
		}
		if err := b.open(entry, id, at); err != nil {
			return nil, err
		}
	} else {
		if len(conv.ScorerState) > 0 {
			if err := entry.state.UnmarshalBinary(conv.ScorerState); err != nil {
				return nil, abort("decode scorer state of "+id, err)
			}
		}
		t, err := b.tx.Ticket(conv.Ticket)
		if err != nil {
			return nil, abort("load ticket "+conv.Ticket, err)
		}
		entry.ticket = t
	}
	b.convs[id] = entry
	b.order = append(b.order, entry)
	return entry, nil
}

// open creates a conversation and its ticket.
func (b *batch) open(entry *convEntry, id string, at time.Time) error {
	ticketID, err := b.tx.NewTicketID()
	if err != nil {
		return abort("new ticket id", err)
	}
	entry.conv = &triage.Conversation{ID: id, Ticket: ticketID}
	entry.ticket = newTicket(ticketID, id, at)
	entry.dirty = true
	return b.record(entry.ticket, at, triage.KindOpened, "conversation started", nil)
}

// newTicket returns the ticket opened for a new conversation.
func newTicket(id, conversation string, at time.Time) *triage.Ticket {
	return &triage.Ticket{
		ID:           id,
		Conversation: conversation,
		Status:       triage.StatusOpen,
		Queue:        triage.QueueAgents,
		Priority:     triage.PriorityNormal,
		Reasons:      []string{},
		OpenedAt:     at,
		UpdatedAt:    at,
	}
}

// record appends a history record for t and queues it for publishing.
func (b *batch) record(t *triage.Ticket, at time.Time, kind triage.RecordKind, reason string, mod func(*triage.Record)) error {
	rec := &triage.Record{
		At:           at,
		Ticket:       t.ID,
		Conversation: t.Conversation,
		Kind:         kind,
		Queue:        t.Queue,
		Priority:     t.Priority,
		Reason:       reason,
	}
	if mod != nil {
		mod(rec)
	}
	if b.replay != nil {
		b.replay.record(rec)
		return nil
	}
	if err := b.tx.AppendRecord(rec); err != nil {
		return abort("append history record", err)
	}
	b.updates = append(b.updates, triage.Update{Record: rec})
	return nil
}

// applyEvent stores one event and applies it to its conversation.
// prepared, when set, is the event's wording scored ahead. It returns an
// error only for storage failures, which abort the batch.
func (b *batch) applyEvent(ev *triage.Event, prepared *sentiment.Prepared) (Result, error) {
	ev.At = ev.At.UTC()
	if err := ev.Validate(); err != nil {
		return Result{ID: ev.ID, Status: StatusRejected, Error: err.Error()}, nil
	}
	if strings.IndexByte(ev.Conversation, 0) >= 0 || strings.IndexByte(ev.ID, 0) >= 0 {
		return Result{ID: ev.ID, Status: StatusRejected, Error: "field \"conversation\" or \"id\": contains a NUL byte"}, nil
	}
	if err := b.joinSameCustomer(ev); err != nil {
		return Result{}, err
	}
	if ev.ID == "" {
		ev.ID = triage.DeriveID(ev, 0)
	}
	status := StatusAccepted
	existing, err := b.tx.EventByID(ev.ID)
	switch {
	case err == nil && triage.SameContent(&existing.Event, ev):
		return Result{ID: ev.ID, Status: StatusDuplicate}, nil
	case err == nil:
		// The same id with different content: keep both and say so.
		clashID := ev.ID + "~" + triage.DeriveID(ev, 0)[2:14]
		b.e.log.Warn("event id clash: kept both events", "id", ev.ID, "kept_as", clashID, "conversation", ev.Conversation)
		if again, err := b.tx.EventByID(clashID); err == nil && triage.SameContent(&again.Event, ev) {
			return Result{ID: clashID, Status: StatusDuplicate}, nil
		}
		ev.ID = clashID
		status = StatusClash
	case !errors.Is(err, triage.ErrNotFound):
		return Result{}, abort("look up event id", err)
	}

	entry, err := b.conversation(ev.Conversation, true, ev.At)
	if err != nil {
		return Result{}, err
	}
	seq, err := b.tx.NextEventSeq()
	if err != nil {
		return Result{}, abort("next event sequence", err)
	}
	stored := &triage.StoredEvent{Event: *ev, Seq: seq}
	late := entry.conv.Events > 0 && ev.At.Before(entry.conv.LastAt)
	// The ticket opened with the conversation's earliest event, even one
	// that arrives late; its opened record keeps the time it was written
	// with, because history is only appended to.
	if ev.At.Before(entry.ticket.OpenedAt) {
		entry.ticket.OpenedAt = ev.At
	}
	if late {
		if err := b.tx.PutEvent(stored); err != nil {
			return Result{}, abort("store event", err)
		}
		entry.conv.Events++
		if err := b.rescore(entry); err != nil {
			return Result{}, err
		}
	} else {
		if err := b.observe(entry, stored, prepared, false); err != nil {
			return Result{}, err
		}
		if err := b.tx.PutEvent(stored); err != nil {
			return Result{}, abort("store event", err)
		}
		entry.conv.Events++
		entry.conv.LastAt = ev.At
	}
	entry.dirty = true
	return Result{ID: ev.ID, Status: status}, nil
}

// observe scores one event in order and applies it to the ticket, setting
// stored.Analysis. In a replay, lifecycle changes (reopen, close) that were
// applied when the event first arrived are not applied again.
func (b *batch) observe(entry *convEntry, stored *triage.StoredEvent, prepared *sentiment.Prepared, replay bool) error {
	ev := &stored.Event
	t := entry.ticket
	turn, isTurn := b.e.scorer.Load().Observe(&entry.state, sentiment.Event{
		At: ev.At, Role: string(ev.Role), Kind: string(ev.Type), Text: ev.Text, Prepared: prepared,
	})
	if isTurn {
		stored.Analysis = analysisOf(turn)
		b.beginTurn(t, ev, turn)
		return b.customerTurn(entry, ev, turn, replay)
	}
	stored.Analysis = nil
	switch {
	case ev.Type == triage.TypeMessage && ev.Role == triage.RoleAgent:
		at := ev.At
		t.LastAgentAt = &at
		t.WaitingSince = nil
		t.UpdatedAt = ev.At
	case ev.Type == triage.TypeClosed && !replay && t.Status.Active():
		t.Status = triage.StatusClosed
		t.UpdatedAt = ev.At
		return b.record(t, ev.At, triage.KindClosed, "conversation closed by "+string(ev.Role), nil)
	}
	return nil
}

// customerTurn applies a scored customer message to the ticket and runs
// the escalation policy.
func (b *batch) customerTurn(entry *convEntry, ev *triage.Event, turn sentiment.Turn, replay bool) error {
	t := entry.ticket
	if !t.Status.Active() && !replay {
		prev := t.Status
		t.Status = triage.StatusOpen
		t.Queue = triage.QueueAgents
		t.ClaimedBy = nil
		t.EscalatedAt = nil
		t.EscalationReason = ""
		t.Streaks = nil
		reason := fmt.Sprintf("customer wrote again after the ticket was %s", prev)
		if err := b.record(t, ev.At, triage.KindReopened, reason, nil); err != nil {
			return err
		}
	}
	t.Frustration = turn.Frustration
	t.Trend = append(t.Trend, turn.Frustration)
	if len(t.Trend) > triage.TrendLength {
		t.Trend = t.Trend[len(t.Trend)-triage.TrendLength:]
	}
	// A calm turn adds no evidence: the ticket keeps the reasons behind
	// the frustration it still carries.
	if reasons := topReasons(turn.Reasons, maxReasonsOnTicket); len(reasons) > 0 {
		t.Reasons = reasons
	}
	t.LastCustomerMessage = truncate(ev.Text, maxLastMessage)
	t.CustomerTurns++
	if t.WaitingSince == nil {
		at := ev.At
		t.WaitingSince = &at
	}
	t.UpdatedAt = ev.At
	escalated, err := b.applyPolicy(t, ev, turn)
	if err != nil {
		return err
	}
	if escalated {
		b.leaveScript(t)
		return nil
	}
	// NOTE: a customer turn replayed after a late event is scored and
	// checked against the policy again, but it does not step the script a
	// second time, so a late message never moves a ticket through a script.
	if replay {
		return nil
	}
	return b.applyScript(t, ev, turn)
}

// signals builds the condition inputs of a customer turn.
func signals(t *triage.Ticket, ev *triage.Event, turn sentiment.Turn) scripts.Signals {
	sig := scripts.Signals{
		Frustration: turn.Frustration,
		Valence:     turn.Message.Valence,
		Negativity:  turn.Message.Negativity,
		TypingSpeed: turn.TypingSpeed,
		SpeedRatio:  turn.SpeedRatio,
		Burst:       turn.Burst,
		Text:        ev.Text,
		Turn:        t.CustomerTurns,
		Queue:       t.Queue,
		Priority:    t.Priority.String(),
		Status:      string(t.Status),
		Reasons:     reasonRules(turn.Reasons),
	}
	if t.LastAgentAt != nil {
		sig.MinutesSinceAgentReply = ev.At.Sub(*t.LastAgentAt).Minutes()
	}
	sig.Channel = eventChannel(ev)
	return sig
}

// eventChannel returns the channel a source names in an event's
// "channel" field, such as "chat", "email" or "twitter", or "".
func eventChannel(ev *triage.Event) string {
	raw, ok := ev.Extra["channel"]
	if !ok {
		return ""
	}
	var channel string
	if json.Unmarshal(raw, &channel) != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(channel))
}

// applyPolicy evaluates the escalation policy for a customer turn and
// escalates an open ticket when a rule fires, reporting whether it did. A
// policy that fails at run time escalates too, so that no ticket is stuck
// behind a broken rule.
func (b *batch) applyPolicy(t *triage.Ticket, ev *triage.Event, turn sentiment.Turn) (bool, error) {
	pv := b.policy
	decision, streaks, err := pv.policy.Evaluate(signals(t, ev, turn), t.Streaks)
	t.Streaks = streaks
	if err != nil {
		b.e.log.Error("escalation policy failed; escalating to senior", "err", err, "ticket", t.ID, "policy", pv.name)
		decision = &scripts.Decision{
			Rule:     "policy-error",
			Action:   "escalate",
			Queue:    triage.QueueSenior,
			Priority: "high",
			Reason:   "escalation policy failed: " + err.Error(),
		}
	}
	b.tracePolicy(decision)
	if decision == nil || t.Status != triage.StatusOpen {
		return false, nil
	}
	prio, err := triage.ParsePriority(decision.Priority)
	if err != nil {
		prio = triage.PriorityHigh
	}
	if prio > t.Priority {
		t.Priority = prio
	}
	t.Status = triage.StatusEscalated
	t.Queue = decision.Queue
	t.EscalationReason = decision.Reason
	at := ev.At
	t.EscalatedAt = &at
	frustration := turn.Frustration
	err = b.record(t, ev.At, triage.KindEscalated, decision.Reason, func(r *triage.Record) {
		r.Frustration = &frustration
		r.Scores = t.Reasons
		name, version := pv.name, pv.version
		r.Script = &name
		r.ScriptVersion = &version
	})
	if err != nil {
		return true, err
	}
	return true, b.groupEscalation(t, ev.At, decision.Reason, ev.Text)
}

// rescore replays a conversation from its first event after a late event
// was stored, rewriting every analysis. Decisions already recorded stay.
func (b *batch) rescore(entry *convEntry) error {
	var events []*triage.StoredEvent
	err := b.tx.ConversationEvents(entry.conv.ID, func(se *triage.StoredEvent) error {
		events = append(events, se)
		return nil
	})
	if err != nil {
		return abort("read conversation "+entry.conv.ID, err)
	}
	entry.state = sentiment.State{}
	t := entry.ticket
	t.Frustration, t.Trend, t.Reasons, t.Streaks = 0, nil, []string{}, nil
	t.CustomerTurns, t.WaitingSince, t.LastAgentAt = 0, nil, nil
	for _, se := range events {
		if err := b.observe(entry, se, nil, true); err != nil {
			return err
		}
		if err := b.tx.PutEvent(se); err != nil {
			return abort("store rescored event", err)
		}
	}
	if n := len(events); n > 0 && events[n-1].At.After(entry.conv.LastAt) {
		entry.conv.LastAt = events[n-1].At
	}
	return nil
}

// flush writes back every conversation and ticket the batch changed.
func (b *batch) flush() error {
	for _, entry := range b.order {
		if !entry.dirty {
			continue
		}
		state, err := entry.state.MarshalBinary()
		if err != nil {
			return abort("encode scorer state", err)
		}
		entry.conv.ScorerState = state
		if err := b.tx.PutConversation(entry.conv); err != nil {
			return abort("store conversation", err)
		}
		entry.ticket.Version++
		if err := b.tx.PutTicket(entry.ticket); err != nil {
			return abort("store ticket", err)
		}
		if err := b.syncTimers(entry.ticket); err != nil {
			return err
		}
		// The ticket is not changed after its batch commits: the next
		// batch works on a copy. So subscribers may share it.
		b.updates = append(b.updates, triage.Update{Ticket: entry.ticket})
	}
	return nil
}

func analysisOf(turn sentiment.Turn) *triage.Analysis {
	a := &triage.Analysis{
		Valence:     turn.Message.Valence,
		Negativity:  turn.Message.Negativity,
		Frustration: turn.Frustration,
		TypingSpeed: turn.TypingSpeed,
		SpeedRatio:  turn.SpeedRatio,
		Language:    turn.Message.Language,
	}
	for _, r := range turn.Reasons {
		reason := triage.Reason{Rule: r.Rule, Text: r.Text, Weight: r.Weight}
		for _, s := range r.Spans {
			reason.Spans = append(reason.Spans, triage.Span{Start: s.Start, End: s.End})
		}
		a.Reasons = append(a.Reasons, reason)
	}
	return a
}

// topReasons returns the texts of up to n reasons that raised frustration,
// largest first.
func topReasons(reasons []sentiment.Reason, n int) []string {
	sorted := append([]sentiment.Reason(nil), reasons...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Weight > sorted[j].Weight })
	out := make([]string, 0, n)
	for _, r := range sorted {
		// Only evidence that raised frustration explains it; calming words
		// and the bookkeeping of rises and decays (weight 0) do not.
		if len(out) == n || r.Weight <= 0 {
			break
		}
		out = append(out, r.Text)
	}
	return out
}

func reasonRules(reasons []sentiment.Reason) []string {
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		out = append(out, r.Rule)
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
