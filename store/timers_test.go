package store_test

import (
	"testing"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

func TestTimerConformance(t *testing.T) {
	storetest.RunTimers(t, func(t *testing.T) triage.Store { return openTemp(t) })
}
