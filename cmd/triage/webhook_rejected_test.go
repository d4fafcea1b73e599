package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/triagedesk/triage/triage/api"
)

func TestWebhookRejectedKeptForReview(t *testing.T) {
	h := startHookDesk(t, "")
	nullSender := `{"event":"message_created","id":9,"content":"mail ada@example.com","created_at":1772460000,"message_type":0,"sender":null,"conversation":{"id":1}}`
	nullConversation := `{"event":"message_created","id":10,"content":"x","created_at":1772460000,"message_type":0,"sender":{"id":1,"type":"contact"},"conversation":null}`
	for i, body := range []string{nullSender, nullConversation} {
		if status, answer := h.post(t, delivery{body: body, id: fmt.Sprintf("bad-%d", i+1)}); status != http.StatusUnprocessableEntity {
			t.Fatalf("delivery %d: status %d %s, want 422", i+1, status, answer)
		}
	}
	if status, _ := h.post(t, delivery{body: chatwootMessage(3, 1, "incoming", "hi")}); status != http.StatusOK {
		t.Fatalf("a valid delivery was not taken: %d", status)
	}

	res := h.run("", "webhook", "rejected", "--json")
	if res.code != 0 {
		t.Fatalf("webhook rejected exit %d: %s", res.code, res.stderr)
	}
	var list []api.RejectedPayload
	if err := json.Unmarshal([]byte(res.stdout), &list); err != nil {
		t.Fatalf("decode %q: %v", res.stdout, err)
	}
	if len(list) != 2 {
		t.Fatalf("%d rejected payloads kept, want 2: %s", len(list), res.stdout)
	}
	if list[0].Delivery != "bad-1" || !strings.Contains(list[0].Reason, "sender") {
		t.Errorf("first kept payload %+v, want delivery bad-1 and a reason naming the sender", list[0])
	}
	if list[1].Delivery != "bad-2" || !strings.Contains(list[1].Reason, "conversation") {
		t.Errorf("second kept payload %+v, want delivery bad-2 and a reason naming the conversation", list[1])
	}
	if strings.Contains(list[0].Body, "ada@example.com") || !strings.Contains(list[0].Body, "[email]") {
		t.Errorf("kept body is not redacted: %s", list[0].Body)
	}
	if list[0].Bytes != len(nullSender) {
		t.Errorf("kept size %d, want %d", list[0].Bytes, len(nullSender))
	}

	text := h.run("", "webhook", "rejected")
	if !strings.Contains(text.stdout, "delivery bad-2") || !strings.Contains(text.stdout, "reason:") {
		t.Errorf("table output lacks the delivery and reason:\n%s", text.stdout)
	}
}

func TestWebhookRejectedKeepsLastHundred(t *testing.T) {
	h := startHookDesk(t, "")
	for i := range api.MaxRejectedPayloads + 5 {
		h.post(t, delivery{body: "not json", id: fmt.Sprintf("bad-%d", i)})
	}
	var list []api.RejectedPayload
	if err := json.Unmarshal([]byte(h.run("", "webhook", "rejected", "--json").stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != api.MaxRejectedPayloads {
		t.Fatalf("%d kept, want %d", len(list), api.MaxRejectedPayloads)
	}
	if list[0].Delivery != "bad-5" {
		t.Errorf("oldest kept %q, want bad-5", list[0].Delivery)
	}
}
