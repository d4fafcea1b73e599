package scripts

import "testing"

func TestPhraseMatching(t *testing.T) {
	tests := []struct {
		phrase       string
		text         string
		wantSays     bool
		wantMentions bool
	}{
		{"speak to a manager", "Can I SPEAK TO A MANAGER?", true, true},
		{"speak to a manager", "speak to a managerial team", false, false},
		{"speak|talk to a|the manager", "talk to the manager", true, true},
		{"refund*", "I was refunded twice", true, true},
		{"refund*", "prefund", false, false},
		{"can't log in", "I can\u2019t log in", true, true},
		{"internet", "no internet since noon", false, true},
		{"internet", "no, internet works", true, true},
		{"manager", "I don't need a manager", false, true},
		{"manager", "I don't care. Get me a manager", true, true},
		{"manager", "why won't you let me see a manager", true, true},
		{"supervisor", "I'm not asking for a supervisor", false, true},
		{"human", "not happy human here", true, true},
		{"two factor", "my two-factor code fails", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.phrase+"/"+tt.text, func(t *testing.T) {
			p, err := compilePhrase(tt.phrase)
			if err != nil {
				t.Fatalf("compilePhrase: %v", err)
			}
			words := splitWords(tt.text)
			if _, got := findPhrase(words, []phrase{p}, true); got != tt.wantSays {
				t.Errorf("says = %v, want %v", got, tt.wantSays)
			}
			if _, got := findPhrase(words, []phrase{p}, false); got != tt.wantMentions {
				t.Errorf("mentions = %v, want %v", got, tt.wantMentions)
			}
		})
	}
}

func TestCompilePhraseRejects(t *testing.T) {
	for _, src := range []string{"", "   ", "a||b", "speak to a manager!", "*", "half-hearted"} {
		if _, err := compilePhrase(src); err == nil {
			t.Errorf("compilePhrase(%q) accepted", src)
		}
	}
}
