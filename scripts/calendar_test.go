package scripts

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// calendarDoc returns a calendar document with the given zone, hours
// lines and holidays.
func calendarDoc(zone string, hours []string, holidays ...string) string {
	var b strings.Builder
	b.WriteString("kind: calendar\nname: test\ntime_zone: " + zone + "\nhours:\n")
	for _, h := range hours {
		b.WriteString("  " + h + "\n")
	}
	if len(holidays) > 0 {
		b.WriteString("holidays:\n")
		for _, d := range holidays {
			b.WriteString("  - " + d + "\n")
		}
	}
	return b.String()
}

func mustCalendar(t *testing.T, doc string) *Calendar {
	t.Helper()
	c, err := ParseCalendar("test", []byte(doc))
	if err != nil {
		t.Fatalf("ParseCalendar: %v\n%s", err, doc)
	}
	return c
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCalendarAdd(t *testing.T) {
	weekdays := []string{`monday-friday: ["09:00-17:00"]`}
	always := []string{`monday-sunday: ["00:00-24:00"]`}
	tests := []struct {
		name     string
		doc      string
		start    string
		add      time.Duration
		want     string
		wantZone string // the wall clock of want in the calendar's zone
	}{
		{"friday afternoon to monday", calendarDoc("UTC", weekdays),
			"2026-03-06T16:30:00Z", time.Hour, "2026-03-09T09:30:00Z", ""},
		{"ends at closing time", calendarDoc("UTC", weekdays),
			"2026-03-06T16:00:00Z", time.Hour, "2026-03-06T17:00:00Z", ""},
		{"start at closing time", calendarDoc("UTC", weekdays),
			"2026-03-06T17:00:00Z", 30 * time.Minute, "2026-03-09T09:30:00Z", ""},
		{"start on a weekend, zero duration", calendarDoc("UTC", weekdays),
			"2026-03-07T11:00:00Z", 0, "2026-03-09T09:00:00Z", ""},
		{"start before opening", calendarDoc("UTC", weekdays),
			"2026-03-03T07:00:00Z", 90 * time.Minute, "2026-03-03T10:30:00Z", ""},
		{"several days", calendarDoc("UTC", weekdays),
			"2026-03-05T12:00:00Z", 20 * time.Hour, "2026-03-09T16:00:00Z", ""},
		{"lunch break is skipped", calendarDoc("UTC", []string{`monday-friday: ["09:00-12:30", "13:30-17:00"]`}),
			"2026-03-02T12:00:00Z", time.Hour, "2026-03-02T14:00:00Z", ""},
		{"holiday on a monday is skipped", calendarDoc("UTC", weekdays, "2026-03-09"),
			"2026-03-06T16:30:00Z", time.Hour, "2026-03-10T09:30:00Z", ""},
		{"holiday on a weekend changes nothing", calendarDoc("UTC", weekdays, "2026-03-08"),
			"2026-03-06T16:30:00Z", time.Hour, "2026-03-09T09:30:00Z", ""},
		{"one working day a week", calendarDoc("UTC", []string{`wednesday: ["10:00-14:00"]`}),
			"2026-03-05T10:00:00Z", 6 * time.Hour, "2026-03-18T12:00:00Z", ""},
		{"one working day a week, start inside it", calendarDoc("UTC", []string{`wednesday: ["10:00-14:00"]`}),
			"2026-03-04T13:00:00Z", 2 * time.Hour, "2026-03-11T11:00:00Z", ""},
		{"range wrapping past sunday", calendarDoc("UTC", []string{`saturday-monday: ["10:00-11:00"]`}),
			"2026-03-06T12:00:00Z", 150 * time.Minute, "2026-03-09T10:30:00Z", ""},

		// Europe/Berlin moved to summer time on 2026-03-29 at 02:00 and
		// back on 2026-10-25 at 03:00.
		{"berlin friday before spring forward", calendarDoc("Europe/Berlin", weekdays),
			"2026-03-27T15:30:00Z", time.Hour, "2026-03-30T07:30:00Z", "2026-03-30 09:30 CEST"},
		{"berlin around the clock over spring forward", calendarDoc("Europe/Berlin", always),
			"2026-03-28T11:00:00Z", 24 * time.Hour, "2026-03-29T11:00:00Z", "2026-03-29 13:00 CEST"},
		{"berlin night shift in the repeated hour", calendarDoc("Europe/Berlin", []string{`sunday: ["00:00-06:00"]`}),
			"2026-10-24T10:00:00Z", 6*time.Hour + 30*time.Minute, "2026-10-25T04:30:00Z", "2026-10-25 05:30 CET"},
		{"berlin night shift holds seven hours", calendarDoc("Europe/Berlin", []string{`sunday: ["00:00-06:00"]`}),
			"2026-10-24T10:00:00Z", 7 * time.Hour, "2026-10-25T05:00:00Z", "2026-10-25 06:00 CET"},
		{"berlin night shift overflows to next week", calendarDoc("Europe/Berlin", []string{`sunday: ["00:00-06:00"]`}),
			"2026-10-24T10:00:00Z", 7*time.Hour + time.Minute, "2026-10-31T23:01:00Z", "2026-11-01 00:01 CET"},

		// America/Sao_Paulo skipped from 2018-11-04 00:00 to 01:00, and
		// went back from 2019-02-17 00:00 to 2019-02-16 23:00.
		{"sao paulo friday before spring forward", calendarDoc("America/Sao_Paulo", weekdays),
			"2018-11-02T19:30:00Z", time.Hour, "2018-11-05T11:30:00Z", "2018-11-05 09:30 -02"},
		{"sao paulo opening in the skipped hour", calendarDoc("America/Sao_Paulo", []string{`sunday: ["00:00-08:00"]`}),
			"2018-11-03T15:00:00Z", time.Hour, "2018-11-04T04:00:00Z", "2018-11-04 02:00 -02"},
		{"sao paulo short sunday holds seven hours", calendarDoc("America/Sao_Paulo", []string{`sunday: ["00:00-08:00"]`}),
			"2018-11-03T15:00:00Z", 7 * time.Hour, "2018-11-04T10:00:00Z", "2018-11-04 08:00 -02"},
		{"sao paulo short sunday overflows", calendarDoc("America/Sao_Paulo", []string{`sunday: ["00:00-08:00"]`}),
			"2018-11-03T15:00:00Z", 7*time.Hour + time.Minute, "2018-11-11T02:01:00Z", "2018-11-11 00:01 -02"},
		{"sao paulo around the clock over fall back", calendarDoc("America/Sao_Paulo", always),
			"2019-02-17T00:00:00Z", 3 * time.Hour, "2019-02-17T03:00:00Z", "2019-02-17 00:00 -03"},
		{"sao paulo opening in the repeated hour", calendarDoc("America/Sao_Paulo", []string{`saturday: ["23:30-24:00"]`}),
			"2019-02-15T15:00:00Z", time.Hour, "2019-02-17T02:30:00Z", "2019-02-16 23:30 -03"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCalendar(t, tc.doc)
			got, err := c.Add(mustTime(t, tc.start), tc.add)
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			if want := mustTime(t, tc.want); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.start, tc.add, got.UTC().Format(time.RFC3339), tc.want)
			}
			if tc.wantZone != "" {
				if wall := got.In(c.Location).Format("2006-01-02 15:04 MST"); wall != tc.wantZone {
					t.Errorf("wall clock = %s, want %s", wall, tc.wantZone)
				}
			}
		})
	}
}

func TestCalendarAddNoWorkingTime(t *testing.T) {
	var holidays []string
	for d := range 400 {
		holidays = append(holidays, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 7*d).Format(time.DateOnly))
	}
	c := mustCalendar(t, calendarDoc("UTC", []string{`monday: ["09:00-10:00"]`}, holidays...))
	_, err := c.Add(mustTime(t, "2026-03-01T00:00:00Z"), 400*time.Hour)
	if !errors.Is(err, ErrNoBusinessTime) {
		t.Errorf("Add with every working day a holiday: error %v, want ErrNoBusinessTime", err)
	}
}

func TestParseCalendarDefault(t *testing.T) {
	c := mustCalendar(t, DefaultCalendarYAML)
	if c.Name != "office-hours" || c.TimeZone != "UTC" {
		t.Errorf("default calendar: name %q zone %q", c.Name, c.TimeZone)
	}
	if got := c.Hours[time.Wednesday]; len(got) != 1 || got[0] != (Interval{9 * 60, 17 * 60}) {
		t.Errorf("default wednesday hours = %v, want [09:00-17:00]", got)
	}
	if got := c.Hours[time.Saturday]; len(got) != 0 {
		t.Errorf("default saturday hours = %v, want none", got)
	}
}

func TestParseCalendarHolidaysAndBreaks(t *testing.T) {
	c := mustCalendar(t, calendarDoc("Europe/Berlin",
		[]string{`monday-thursday: ["13:30-17:00", "09:00-12:30"]`, `friday: ["09:00-13:00"]`, `saturday: []`},
		"2026-12-25", `"2026-12-26"`))
	if got := c.Hours[time.Monday]; len(got) != 2 || got[0].String() != "09:00-12:30" || got[1].String() != "13:30-17:00" {
		t.Errorf("monday hours = %v, want [09:00-12:30 13:30-17:00] in order", got)
	}
	for _, d := range []string{"2026-12-25", "2026-12-26"} {
		if !c.Holidays[d] {
			t.Errorf("holiday %s missing from %v", d, c.Holidays)
		}
	}
}

func TestParseCalendarProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"unknown zone", calendarDoc("Europe/Atlantis", []string{`monday: ["09:00-17:00"]`}), `unknown time zone "Europe/Atlantis"`},
		{"bad interval", calendarDoc("UTC", []string{`monday: ["9-17"]`}), `invalid interval "9-17"`},
		{"end before start", calendarDoc("UTC", []string{`monday: ["17:00-09:00"]`}), "the end must come after the start"},
		{"minutes out of range", calendarDoc("UTC", []string{`monday: ["09:75-17:00"]`}), "minutes from 00 to 59"},
		{"overlap", calendarDoc("UTC", []string{`monday: ["09:00-12:00", "11:00-17:00"]`}), "overlap"},
		{"weekday twice", calendarDoc("UTC", []string{`monday-friday: ["09:00-17:00"]`, `friday: ["09:00-12:00"]`}), "friday is already given"},
		{"unknown weekday", calendarDoc("UTC", []string{`moonday: ["09:00-17:00"]`}), `invalid weekday "moonday"`},
		{"no hours at all", calendarDoc("UTC", []string{`monday: []`}), "no working hours on any day"},
		{"bad holiday", calendarDoc("UTC", []string{`monday: ["09:00-17:00"]`}, "2026-02-30"), `invalid date "2026-02-30"`},
		{"missing zone", "kind: calendar\nname: x\nhours:\n  monday: [\"09:00-17:00\"]\n", `missing field "time_zone"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCalendar("test", []byte(tc.doc))
			if err == nil {
				t.Fatalf("ParseCalendar succeeded, want a problem containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}
