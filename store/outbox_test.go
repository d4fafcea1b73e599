package store_test

import (
	"testing"

	"github.com/triagedesk/triage/triage"
	"github.com/triagedesk/triage/triage/storetest"
)

func TestOutboxConformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) triage.Store { return openTemp(t) })
}
