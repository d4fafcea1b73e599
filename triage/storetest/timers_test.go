package storetest_test

import (
	"time"

	"github.com/triagedesk/triage/triage"
)

// The write methods of timers, refused in a read transaction.
func (readOnlyTx) SetTimer(*triage.Timer) error                  { return errReadOnly }
func (readOnlyTx) CancelTimer(string, triage.TimerKind) error    { return errReadOnly }
func (readOnlyTx) MarkTimerFired(*triage.Timer, time.Time) error { return errReadOnly }
func (readOnlyTx) DeleteTicketTimers(string) error               { return errReadOnly }
