// Package storetest is the conformance suite for implementations of
// triage.Store. An implementation's own test calls Run with a function
// that opens a new, empty store.
package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/triagedesk/triage/triage"
)

// Run runs every conformance test as a subtest of t. open must return a
// new, empty store for each subtest and register its Close with
// t.Cleanup; the suite never closes a store itself.
func Run(t *testing.T, open func(t *testing.T) triage.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, triage.Store)
	}{
		{"Events/TimeOrderWithLateInserts", testEventOrder},
		{"Events/RoundTrip", testEventRoundTrip},
		{"Events/ConversationPrefixIsolation", testEventPrefixIsolation},
		{"Events/After", testEventsAfter},
		{"Events/EventByID", testEventByID},
		{"Events/ReplaceChangesID", testEventReplaceChangesID},
		{"Events/SameIDDifferentKey", testEventSameIDDifferentKey},
		{"Events/WithoutID", testEventWithoutID},
		{"Events/InvalidConversation", testEventInvalidConversation},
		{"Events/NextEventSeq", testNextEventSeq},
		{"Conversation/Missing", testConversationMissing},
		{"Conversation/RoundTrip", testConversationRoundTrip},
		{"Conversation/InvalidID", testConversationInvalidID},
		{"Ticket/NewTicketID", testNewTicketID},
		{"Ticket/RoundTrip", testTicketRoundTrip},
		{"Ticket/Missing", testTicketMissing},
		{"Ticket/StoresCopy", testTicketStoresCopy},
		{"Ticket/InvalidID", testTicketInvalidID},
		{"Ticket/OutOfRangePriority", testTicketOutOfRangePriority},
		{"Queue/Order", testQueueOrder},
		{"Queue/FollowsChanges", testQueueFollowsChanges},
		{"Queue/WriteDuringIteration", testQueueWriteDuringIteration},
		{"Queue/ReadOwnWrites", testQueueReadOwnWrites},
		{"Records/SeqAssigned", testRecordSeq},
		{"Records/RoundTrip", testRecordRoundTrip},
		{"Records/Range", testRecordsRange},
		{"Records/TicketTrail", testTicketRecords},
		{"Documents/Versions", testDocumentVersions},
		{"Documents/Latest", testDocumentsLatest},
		{"Documents/Missing", testDocumentMissing},
		{"Documents/InvalidName", testDocumentInvalidName},
		{"Meta", testMeta},
		{"Update/RollbackOnError", testRollbackOnError},
		{"Update/RollbackOnPanic", testRollbackOnPanic},
		{"Update/Concurrent", testConcurrentUpdates},
		{"Iteration/ErrStop", testErrStop},
		{"Iteration/ErrorPropagates", testIterationError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// base is the reference time of the fixtures.
var base = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

// at returns base plus the given number of seconds.
func at(seconds float64) time.Time {
	return base.Add(time.Duration(seconds * float64(time.Second)))
}

func ptr[T any](v T) *T { return &v }

// update runs fn in a write transaction and fails the test on error.
func update(t *testing.T, s triage.Store, fn func(triage.Tx) error) {
	t.Helper()
	if err := s.Update(fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read transaction and fails the test on error.
func view(t *testing.T, s triage.Store, fn func(triage.ReadTx) error) {
	t.Helper()
	if err := s.View(fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// assertEqual fails the test when got and want differ, showing both as
// JSON.
func assertEqual(t *testing.T, label string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got: %s\nwant: %s", label, jsonString(got), jsonString(want))
	}
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// assertNotFound fails the test unless err wraps triage.ErrNotFound.
func assertNotFound(t *testing.T, label string, err error) {
	t.Helper()
	if !errors.Is(err, triage.ErrNotFound) {
		t.Errorf("%s: got error %v, want one wrapping triage.ErrNotFound", label, err)
	}
}
