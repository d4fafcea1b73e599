package triage

import "time"

// ScriptState is where a ticket stands in the troubleshooting script that
// took it. The engine keeps it on the ticket and passes it back to the
// script on the ticket's next event.
type ScriptState struct {
	// Name and Version are the script document the ticket started on. A
	// ticket stays on this version when the script is edited.
	Name    string `json:"name"`
	Version int    `json:"version"`
	// Step is the current step; EnteredAt is when the ticket entered it.
	Step      string    `json:"step"`
	EnteredAt time.Time `json:"entered_at"`
	// Visits counts the entries into each step.
	Visits map[string]int `json:"visits,omitempty"`
	// RepliesInStep counts the customer replies received in Step.
	RepliesInStep int `json:"replies_in_step"`
	// Keywords are the trigger phrases that matched when the script took
	// the ticket.
	Keywords []string `json:"keywords,omitempty"`
	// Finished is set once the script escalated, handed over or resolved
	// the ticket, or the escalation policy took it out of the script.
	Finished bool `json:"finished"`
	// TimeoutAt is when the current step's wait for a reply times out;
	// nil when the ticket is not waiting.
	TimeoutAt *time.Time `json:"timeout_at,omitempty"`
	// LimitReached is set when one event fired the most transitions the
	// language allows and the engine handed the ticket to a human.
	LimitReached bool `json:"limit_reached,omitempty"`
	// Messages holds the last MaxScriptMessages messages the script sent
	// to the customer or showed the agent, oldest first.
	Messages []ScriptMessage `json:"messages,omitempty"`
}

// MaxScriptMessages bounds ScriptState.Messages.
const MaxScriptMessages = 20

// ScriptMessage is one message a script produced: "send" for the customer,
// "prompt" for the agent.
type ScriptMessage struct {
	At   time.Time `json:"at"`
	Step string    `json:"step"`
	Kind string    `json:"kind"`
	Text string    `json:"text"`
}

// Clone returns a deep copy of s, or nil for nil.
func (s *ScriptState) Clone() *ScriptState {
	if s == nil {
		return nil
	}
	c := *s
	if s.Visits != nil {
		c.Visits = make(map[string]int, len(s.Visits))
		for k, v := range s.Visits {
			c.Visits[k] = v
		}
	}
	c.Keywords = append([]string(nil), s.Keywords...)
	c.TimeoutAt = cloneTime(s.TimeoutAt)
	c.Messages = append([]ScriptMessage(nil), s.Messages...)
	return &c
}
