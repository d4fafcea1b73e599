package scripts

import (
	"strings"
	"testing"
)

func TestParseKeywordsDefault(t *testing.T) {
	list, err := ParseKeywords("keywords", []byte(DefaultKeywordsYAML))
	if err != nil {
		t.Fatal(err)
	}
	if list.Name != "keywords" || len(list.Keywords) != 0 {
		t.Errorf("default list = %+v, want an empty list named keywords", list)
	}
}

func TestParseKeywordsEntries(t *testing.T) {
	doc := "kind: keywords\nname: default\nkeywords:\n  - phrase: \"  sync   is broken \"\n    weight: -2.5\n  - phrase: offline\n    weight: 1\n"
	list, err := ParseKeywords("test", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Keyword{{"sync is broken", -2.5}, {"offline", 1}}
	if len(list.Keywords) != len(want) {
		t.Fatalf("got %d keywords, want %d", len(list.Keywords), len(want))
	}
	for i, kw := range list.Keywords {
		if kw != want[i] {
			t.Errorf("keyword %d = %+v, want %+v", i, kw, want[i])
		}
	}
}

func TestParseKeywordsProblems(t *testing.T) {
	entry := func(lines ...string) string {
		return "kind: keywords\nname: default\nkeywords:\n" + strings.Join(lines, "\n") + "\n"
	}
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"weight too large", entry("  - phrase: x", "    weight: 9"), "test:5:13: $.keywords[0].weight: weight 9 is out of range"},
		{"weight zero", entry("  - phrase: x", "    weight: 0"), "weight 0 is out of range"},
		{"weight not a number", entry("  - phrase: x", "    weight: lots"), `"weight" must be a number`},
		{"missing weight", entry("  - phrase: x"), `missing field "weight"`},
		{"unknown field", entry("  - phrase: x", "    weight: -1", "    wieght: -1"), `unknown field "wieght"`},
		{"duplicate phrase", entry("  - phrase: Late", "    weight: -1", "  - phrase: late", "    weight: -2"), `phrase "late" is already listed at $.keywords[0]`},
		{"long phrase", entry("  - phrase: "+strings.Repeat("a", 101), "    weight: -1"), "phrase is 101 bytes long"},
		{"not a list", "kind: keywords\nname: default\nkeywords: refund\n", `"keywords" must be a list`},
		{"wrong kind", "kind: sla\nname: default\nkeywords: []\n", "kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeywords("test", []byte(tc.doc))
			if err == nil {
				t.Fatalf("ParseKeywords succeeded, want a problem containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestParseDocumentKeywords(t *testing.T) {
	parsed, err := ParseDocument("keywords", []byte(DefaultKeywordsYAML))
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Kind != KindKeywords || parsed.Keywords == nil {
		t.Errorf("ParseDocument = %+v, want a keyword list", parsed)
	}
}
