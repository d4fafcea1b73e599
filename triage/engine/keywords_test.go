package engine

import (
	"context"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// TestKeywordListChangesScores saves an operator keyword list through the
// writer and checks that the next turn with the new phrase scores higher
// than the same turn did before.
func TestKeywordListChangesScores(t *testing.T) {
	e := startEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	turn := func(conv string) float64 {
		t.Helper()
		res, err := e.Ingest(ctx, []triage.Event{{Conversation: conv, At: at, Role: triage.RoleCustomer,
			Type: triage.TypeMessage, Text: "the flux capacitor is at it again"}})
		if err != nil || res[0].Status != StatusAccepted {
			t.Fatalf("ingest: %v %+v", err, res)
		}
		var f float64
		err = e.Store().View(func(tx triage.ReadTx) error {
			c, err := tx.Conversation(conv)
			if err != nil {
				return err
			}
			tk, err := tx.Ticket(c.Ticket)
			f = tk.Frustration
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	before := turn("c-before")
	doc := "kind: keywords\nname: keywords\nkeywords:\n  - phrase: flux capacitor\n    weight: -3.5\n"
	if _, err := e.PutDocument(ctx, KeywordsKind, KeywordsName, []byte(doc), "lead", at, ""); err != nil {
		t.Fatal(err)
	}
	after := turn("c-after")
	if after <= before {
		t.Errorf("frustration with the keyword = %.3f, want above %.3f without it", after, before)
	}
	if _, err := e.PutDocument(ctx, KeywordsKind, "other", []byte("kind: keywords\nname: other\nkeywords: []\n"), "lead", at, ""); err == nil {
		t.Error("a keyword list not named default was accepted")
	}
}

func TestDefaultKeywordListSeeded(t *testing.T) {
	e := startEngine(t)
	err := e.Store().View(func(tx triage.ReadTx) error {
		_, err := tx.Document(KeywordsKind, KeywordsName, 0)
		return err
	})
	if err != nil {
		t.Errorf("default keyword list: %v", err)
	}
}
