package config

import (
	"reflect"
	"testing"
	"time"
)

func TestDurationParse(t *testing.T) {
	cases := []struct {
		in   Duration
		want time.Duration
		ok   bool
	}{
		{"", 0, true},
		{"0", 0, true},
		{"90d", 90 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"36h", 36 * time.Hour, true},
		{"90 days", 0, false},
		{"-1h", 0, false},
		{"x", 0, false},
	}
	for _, tc := range cases {
		got, err := tc.in.Parse()
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error = %v, want ok %v", tc.in, err, tc.ok)
			continue
		}
		if got != tc.want {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		section, name, want string
	}{
		{"", "lead", "leads"},
		{"", "token-file", "token_file"},
		{"", "secret_file", "webhook.secret_file"},
		{"", "webhook_listen", "webhook.listen"},
		{"log", "levle", "level"},
		{"", "colour", ""},
	}
	for _, tc := range cases {
		typ := typeOfSection(tc.section)
		if got := suggest(typ, tc.section, tc.name); got != tc.want {
			t.Errorf("suggest(%q in %q) = %q, want %q", tc.name, tc.section, got, tc.want)
		}
	}
}

// typeOfSection returns the struct type of a top-level section, or File.
func typeOfSection(section string) reflect.Type {
	t := reflect.TypeFor[File]()
	if section == "" {
		return t
	}
	sf, _ := fieldNamed(t, section)
	return sf.Type
}
