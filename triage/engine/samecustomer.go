package engine

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/triagedesk/triage/triage"
)

// SameCustomerWindow is how close in event time two conversations of one
// customer must start for the second to join the first's ticket. Chat
// widgets open a new conversation when a customer reloads the page or
// writes from a second tab; that is one request, not two.
const SameCustomerWindow = time.Minute

// Meta keys of conversation joining: the conversation a joined one's
// events go to, and each customer's latest new conversation.
const (
	metaConversationAlias = "conversation-alias/"
	metaCustomerRecent    = "customer-recent/"
)

// recentConversation is a customer's latest new conversation.
type recentConversation struct {
	Conversation string    `json:"conversation"`
	At           time.Time `json:"at"`
}

// joinSameCustomer moves ev into the conversation it joined: a new
// conversation whose customer started another one within
// SameCustomerWindow, whose ticket is still active, joins that one, and
// all its later events follow. The original id is kept in the event's
// "joined_from" field. It must run before the duplicate check, so that a
// repeated event compares against the stored, joined one.
func (b *batch) joinSameCustomer(ev *triage.Event) error {
	if _, cached := b.convs[ev.Conversation]; cached {
		return nil
	}
	// A conversation that an earlier batch stored is no alias, because a
	// conversation that joins another never gets a record of its own.
	if b.cache != nil && b.cache.has(ev.Conversation) {
		return nil
	}
	target, err := b.tx.Meta(metaConversationAlias + ev.Conversation)
	if err != nil {
		return abort("read conversation alias", err)
	}
	if len(target) > 0 {
		moveEvent(ev, string(target))
		return nil
	}
	conv, err := b.tx.Conversation(ev.Conversation)
	if err != nil {
		return abort("load conversation", err)
	}
	if conv != nil {
		return nil
	}
	key, err := customerKey(b.tx, ev.Customer)
	if err != nil || key == "" {
		return err
	}
	raw, err := b.tx.Meta(metaCustomerRecent + key)
	if err != nil {
		return abort("read the customer's latest conversation", err)
	}
	var recent recentConversation
	if len(raw) > 0 && json.Unmarshal(raw, &recent) == nil && recent.Conversation != ev.Conversation &&
		ev.At.Sub(recent.At).Abs() <= SameCustomerWindow {
		entry, err := b.conversation(recent.Conversation, false, time.Time{})
		if err != nil {
			return err
		}
		if entry != nil && entry.ticket.Status.Active() {
			if err := b.tx.SetMeta(metaConversationAlias+ev.Conversation, []byte(recent.Conversation)); err != nil {
				return abort("store conversation alias", err)
			}
			b.e.log.Info("conversation joined the same customer's ticket",
				"conversation", ev.Conversation, "joined", recent.Conversation, "ticket", entry.ticket.ID)
			moveEvent(ev, recent.Conversation)
			return nil
		}
	}
	data, err := json.Marshal(recentConversation{Conversation: ev.Conversation, At: ev.At})
	if err != nil {
		return abort("encode the customer's latest conversation", err)
	}
	if err := b.tx.SetMeta(metaCustomerRecent+key, data); err != nil {
		return abort("store the customer's latest conversation", err)
	}
	return nil
}

// moveEvent puts ev into conversation target, keeping where it came from.
func moveEvent(ev *triage.Event, target string) {
	if ev.Extra == nil {
		ev.Extra = make(map[string]json.RawMessage, 1)
	}
	from, _ := json.Marshal(ev.Conversation)
	ev.Extra["joined_from"] = from
	ev.Conversation = target
}

// customerKey returns the keyed hash that identifies the customer behind
// c, or "" when c names nobody. An identity the daemon already redacted
// to a hash is that hash.
func customerKey(tx triage.Tx, c *triage.Customer) (string, error) {
	if c == nil || (strings.TrimSpace(c.Email) == "" && strings.TrimSpace(c.Handle) == "") {
		return "", nil
	}
	for _, v := range []string{c.Email, c.Handle} {
		if strings.HasPrefix(v, triage.CustomerHashPrefix) {
			return v, nil
		}
	}
	secret, err := triage.EnsureCustomerSecret(tx)
	if err != nil {
		return "", abort("customer hash secret", err)
	}
	return triage.CustomerHash(secret, c), nil
}
