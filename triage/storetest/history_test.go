package storetest_test

import "github.com/triagedesk/triage/triage"

// The write methods of reviews and purges, refused in a read transaction.
func (readOnlyTx) PutReview(*triage.Review) error { return errReadOnly }
func (readOnlyTx) DeleteRecord(*triage.Record, func(*triage.Review) error) error {
	return errReadOnly
}
func (readOnlyTx) DeleteConversation(string, func(*triage.StoredEvent) error) error {
	return errReadOnly
}
func (readOnlyTx) DeleteTicket(string) error { return errReadOnly }
