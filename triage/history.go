package triage

import (
	"fmt"
	"strings"
	"time"
)

// Verdict is a reviewer's judgement of one escalation.
type Verdict string

// Verdicts a review can carry.
const (
	VerdictWarranted   Verdict = "warranted"
	VerdictUnwarranted Verdict = "unwarranted"
)

// ParseVerdict reads "warranted" or "unwarranted".
func ParseVerdict(s string) (Verdict, error) {
	switch v := Verdict(strings.ToLower(strings.TrimSpace(s))); v {
	case VerdictWarranted, VerdictUnwarranted:
		return v, nil
	}
	return "", fmt.Errorf("invalid verdict %q: use warranted or unwarranted", s)
}

// MaxReviewNote bounds the note of a review, in bytes.
const MaxReviewNote = 2000

// Review is an agent's mark on one escalation record: was escalating
// right? Reviews are kept beside the history, never inside it, so that
// history records stay immutable. A later review of the same escalation
// supersedes an earlier one, and both are kept.
type Review struct {
	// Seq numbers reviews store-wide, from 1.
	Seq uint64 `json:"seq"`
	// Record is the Seq of the escalation record under review.
	Record  uint64    `json:"record"`
	Ticket  string    `json:"ticket"`
	At      time.Time `json:"at"`
	Agent   string    `json:"agent"`
	Verdict Verdict   `json:"verdict"`
	Note    string    `json:"note,omitempty"`
}

// HistoryEntry is a history record as the history API streams it: the
// record's own fields, and for an escalation its latest review.
type HistoryEntry struct {
	Record
	Review *Review `json:"review,omitempty"`
}

// PurgeSummary counts what one purge removed.
type PurgeSummary struct {
	Before        time.Time `json:"before"`
	Records       int       `json:"records"`
	Reviews       int       `json:"reviews"`
	Tickets       int       `json:"tickets"`
	Conversations int       `json:"conversations"`
	Events        int       `json:"events"`
	// FreePages and PageSize describe the database file after the purge:
	// pages bbolt can reuse for new data. The file does not shrink while
	// the daemon runs; `triage compact` on a stopped daemon does that.
	FreePages int `json:"free_pages"`
	PageSize  int `json:"page_size"`
}

// PurgedItem is one line of a purge export: exactly one of the fields is
// set.
type PurgedItem struct {
	Record       *Record       `json:"record,omitempty"`
	Review       *Review       `json:"review,omitempty"`
	Ticket       *Ticket       `json:"ticket,omitempty"`
	Conversation *Conversation `json:"conversation,omitempty"`
	Event        *StoredEvent  `json:"event,omitempty"`
}

// RuleOf returns the name of the escalation rule behind a record. The
// escalation policy writes reasons that start "rule NAME", optionally
// followed by ":" or " (". A policy that failed at run time is named
// "policy-error". Any other reason is returned whole, so that records
// from other sources still group by something a reader recognises.
func RuleOf(rec *Record) string {
	reason := strings.TrimSpace(rec.Reason)
	if strings.HasPrefix(reason, "escalation policy failed") {
		return "policy-error"
	}
	rest, ok := strings.CutPrefix(reason, "rule ")
	if !ok {
		if reason == "" {
			return "(none)"
		}
		return reason
	}
	if end := strings.IndexAny(rest, ": ("); end >= 0 {
		rest = rest[:end]
	}
	if rest == "" {
		return "(none)"
	}
	return rest
}

// ScriptOf returns "NAME vVERSION" for the script or policy document
// that made a record, followed by " step STEP" when a script step made
// it, or "(none)". The step is read from the reason, which the engine
// writes as "script NAME version N step STEP ...".
func ScriptOf(rec *Record) string {
	if rec.Script == nil || *rec.Script == "" {
		return "(none)"
	}
	if rec.ScriptVersion == nil {
		return *rec.Script
	}
	out := fmt.Sprintf("%s v%d", *rec.Script, *rec.ScriptVersion)
	prefix := fmt.Sprintf("script %s version %d step ", *rec.Script, *rec.ScriptVersion)
	if i := strings.Index(rec.Reason, prefix); i >= 0 {
		step := rec.Reason[i+len(prefix):]
		if end := strings.IndexAny(step, ": "); end >= 0 {
			step = step[:end]
		}
		if step != "" {
			out += " step " + step
		}
	}
	return out
}
