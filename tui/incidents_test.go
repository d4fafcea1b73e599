package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/triagedesk/triage/triage"
)

// fakeIncidentDesk is a fakeDesk that also serves incidents.
type fakeIncidentDesk struct {
	*fakeDesk
	incidents []*triage.IncidentDetail
}

func (d *fakeIncidentDesk) Incidents(_ context.Context, open bool) ([]*triage.IncidentDetail, error) {
	var out []*triage.IncidentDetail
	for _, inc := range d.incidents {
		if !open || inc.Incident.Status == triage.IncidentOpen {
			out = append(out, inc)
		}
	}
	return out, nil
}

func (d *fakeIncidentDesk) Incident(_ context.Context, id string) (*triage.IncidentDetail, error) {
	for _, inc := range d.incidents {
		if inc.Incident.ID == id {
			return inc, nil
		}
	}
	return nil, fmt.Errorf("incident %s: %w", id, triage.ErrNotFound)
}

func (d *fakeIncidentDesk) ResolveIncident(_ context.Context, id string) (*triage.Incident, error) {
	for _, inc := range d.incidents {
		if inc.Incident.ID == id {
			inc.Incident.Status = triage.IncidentResolved
			inc.Incident.Version++
			return inc.Incident, nil
		}
	}
	return nil, fmt.Errorf("incident %s: %w", id, triage.ErrNotFound)
}

// outageDesk returns a desk whose queue holds three single tickets and
// four outage tickets grouped into incident I-1.
func outageDesk() *fakeIncidentDesk {
	singles := sampleTickets()[:3]
	var members []*triage.Ticket
	inc := &triage.Incident{
		ID: "I-1", Status: triage.IncidentOpen, Rule: "asks-for-human",
		Words: []string{"outage", "down", "login"}, Queue: triage.QueueSenior,
		Priority: triage.PriorityHigh, Version: 4,
		FirstEscalatedAt: baseTime.Add(-6 * time.Minute), LastEscalatedAt: baseTime.Add(-2 * time.Minute),
	}
	inc.OpenedAt = inc.LastEscalatedAt
	for i := range 4 {
		t := ticketAt(fmt.Sprintf("T-11%02d", i), triage.StatusEscalated, triage.PriorityHigh,
			time.Duration(6-i)*time.Minute, 0.6+0.1*float64(i), "the site is down, outage? I can't login")
		t.Incident = "I-1"
		members = append(members, t)
		inc.Members = append(inc.Members, t.ID)
	}
	return &fakeIncidentDesk{
		fakeDesk:  newFakeDesk(append(singles, members...)...),
		incidents: []*triage.IncidentDetail{{Incident: inc, Members: members}},
	}
}

func TestIncidentRowGolden(t *testing.T) {
	desk := outageDesk()
	clock := &testClock{now: baseTime}
	model := newModel(context.Background(), Options{Desk: desk, Agent: "alice", Now: clock.Now})
	view := runModel(t, model, 80, 24)
	if !strings.Contains(view, "I-1") {
		t.Fatalf("queue has no incident row:\n%s", view)
	}
	for _, member := range desk.incidents[0].Members {
		if strings.Contains(view, member.ID) {
			t.Errorf("member %s is listed beside its incident:\n%s", member.ID, view)
		}
	}
	golden.RequireEqual(t, []byte(view))
}

// runModel loads model's queue at the given size without a program and
// returns the screen it renders.
func runModel(t *testing.T, model *Model, width, height int) string {
	t.Helper()
	model.Update(tea.WindowSizeMsg{Width: width, Height: height})
	model.queueRequest++
	tickets, err := model.desk.Queue(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	model.Update(queueLoadedMsg{request: model.queueRequest, tickets: tickets})
	return model.View()
}

func TestIncidentRowHiddenWithAll(t *testing.T) {
	desk := outageDesk()
	model := newModel(context.Background(), Options{Desk: desk, Agent: "alice", Now: func() time.Time { return baseTime }})
	model.all = true
	model.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	model.queueRequest++
	tickets, err := model.desk.Queue(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	model.Update(queueLoadedMsg{request: model.queueRequest, tickets: tickets})
	view := model.View()
	if strings.Contains(view, "I-1") {
		t.Errorf("the all view lists the incident row:\n%s", view)
	}
	if !strings.Contains(view, "T-1100") {
		t.Errorf("the all view lacks member T-1100:\n%s", view)
	}
}

func TestIncidentUpdateResolvedRemovesRow(t *testing.T) {
	desk := outageDesk()
	model := newModel(context.Background(), Options{Desk: desk, Agent: "alice", Now: func() time.Time { return baseTime }})
	runModel(t, model, 80, 24)
	if model.queue.byID["I-1"] == nil {
		t.Fatal("queue has no incident row after the snapshot")
	}
	inc := desk.incidents[0].Incident.Clone()
	inc.Status = triage.IncidentResolved
	inc.Version++
	model.applyIncident(inc)
	if model.queue.byID["I-1"] != nil {
		t.Error("a resolved incident keeps its row")
	}
}
