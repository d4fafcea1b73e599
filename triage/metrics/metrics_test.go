package metrics

import "testing"

func TestRejectionClass(t *testing.T) {
	cases := map[string]string{
		"invalid JSON: unexpected end of JSON input":                                  "invalid_json",
		"line longer than 1048576 bytes":                                              "line_too_long",
		`field "at": missing or year 1: give an RFC 3339 time with a UTC offset or Z`: "field_at",
		`field "conversation" or "id": contains a NUL byte`:                           "field_conversation",
		`field "role": "robot" is not one of customer, agent, bot`:                    "field_role",
		`field "password": secret`:                                                    "other",
		"something else went wrong":                                                   "other",
	}
	for message, want := range cases {
		if got := RejectionClass(message); got != want {
			t.Errorf("RejectionClass(%q) = %q, want %q", message, got, want)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:9464", "[::1]:9464", "localhost:9464", "127.0.0.2:1"} {
		if err := CheckLoopback(addr); err != nil {
			t.Errorf("CheckLoopback(%q) = %v, want nil", addr, err)
		}
	}
	for _, addr := range []string{"0.0.0.0:9464", ":9464", "192.168.1.10:9464", "example.com:80", "9464"} {
		if err := CheckLoopback(addr); err == nil {
			t.Errorf("CheckLoopback(%q) = nil, want an error", addr)
		}
	}
}
