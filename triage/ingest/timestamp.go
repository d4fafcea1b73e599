package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// stampPattern matches the inside of a transcript timestamp: an optional
// date, a 24-hour or 12-hour time with optional seconds and fraction, and an
// optional zone.
var stampPattern = regexp.MustCompile(`^(?:(\d{4})-(\d{1,2})-(\d{1,2})(?:T|\s+))?` +
	`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?` +
	`\s*(?i:([AP])\.?M\.?)?` +
	`\s*(Z|[+-]\d{2}(?::?\d{2})?|(?i:UTC|GMT))?$`)

// stamp is a parsed transcript timestamp.
type stamp struct {
	text    string // as written, for error messages
	hasDate bool
	date    civilDate
	hour    int
	minute  int
	second  int
	nano    int
	zone    *time.Location // nil when the timestamp has no offset
}

// civilDate is a calendar date without a zone.
type civilDate struct {
	year  int
	month time.Month
	day   int
}

func (d civilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// nextDay returns the date one day after d.
func (d civilDate) nextDay() civilDate {
	return dateOf(time.Date(d.year, d.month, d.day+1, 12, 0, 0, 0, time.UTC))
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

// at returns the time s names on date d, in loc unless s carries a zone.
func (s stamp) at(d civilDate, loc *time.Location) time.Time {
	if s.zone != nil {
		loc = s.zone
	}
	return time.Date(d.year, d.month, d.day, s.hour, s.minute, s.second, s.nano, loc)
}

// parseStamp parses the text between the brackets of a timestamp. matched
// is false when text does not have the form of a timestamp at all. reason
// is set when text has the form but a value is out of range.
func parseStamp(text string) (st stamp, matched bool, reason string) {
	text = strings.TrimSpace(text)
	m := stampPattern.FindStringSubmatch(text)
	if m == nil {
		return stamp{}, false, ""
	}
	st.text = text
	if m[1] != "" {
		st.hasDate = true
		st.date, reason = makeDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
		if reason != "" {
			return stamp{}, true, fmt.Sprintf("invalid timestamp %q: %s", text, reason)
		}
	}

	st.hour, st.minute = atoi(m[4]), atoi(m[5])
	if m[6] != "" {
		st.second = atoi(m[6])
	}
	if m[7] != "" {
		st.nano = atoi((m[7] + "00000000")[:9])
	}

	switch {
	case m[8] != "" && (st.hour < 1 || st.hour > 12):
		return stamp{}, true, fmt.Sprintf("invalid timestamp %q: a 12-hour time has an hour from 1 to 12", text)
	case st.hour > 23:
		return stamp{}, true, fmt.Sprintf("invalid timestamp %q: the hour must be 0 to 23", text)
	case st.minute > 59:
		return stamp{}, true, fmt.Sprintf("invalid timestamp %q: the minute must be 0 to 59", text)
	case st.second > 59:
		return stamp{}, true, fmt.Sprintf("invalid timestamp %q: the second must be 0 to 59", text)
	}
	if m[8] != "" {
		st.hour %= 12
		if strings.EqualFold(m[8], "P") {
			st.hour += 12
		}
	}
	if m[9] != "" {
		zone, ok := parseOffset(m[9])
		if !ok {
			return stamp{}, true, fmt.Sprintf("invalid timestamp %q: the UTC offset is out of range", text)
		}
		st.zone = zone
	}
	return st, true, ""
}

// makeDate checks and returns a calendar date.
func makeDate(year, month, day int) (civilDate, string) {
	if month < 1 || month > 12 {
		return civilDate{}, fmt.Sprintf("month %d is not 1 to 12", month)
	}
	d := civilDate{year, time.Month(month), day}
	if day < 1 || dateOf(time.Date(year, time.Month(month), day, 12, 0, 0, 0, time.UTC)) != d {
		return civilDate{}, fmt.Sprintf("%s is not a date", d)
	}
	return d, ""
}

// parseDate parses a YYYY-MM-DD date.
func parseDate(text string) (civilDate, string) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(text))
	if err != nil {
		return civilDate{}, fmt.Sprintf("invalid date %q: write it as YYYY-MM-DD, such as 2026-03-02", text)
	}
	return dateOf(t), ""
}

// parseOffset parses "Z", "UTC", "GMT", "+02", "+0200" or "+02:00" into a
// fixed zone.
func parseOffset(text string) (*time.Location, bool) {
	switch strings.ToUpper(text) {
	case "Z", "UTC", "GMT":
		return time.UTC, true
	}
	sign := 1
	if text[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(text[1:], ":", "")
	hours := atoi(digits[:2])
	minutes := 0
	if len(digits) == 4 {
		minutes = atoi(digits[2:])
	}
	if hours > 23 || minutes > 59 {
		return nil, false
	}
	return time.FixedZone(text, sign*(hours*3600+minutes*60)), true
}

var offsetPattern = regexp.MustCompile(`^(?:[+-]\d{2}(?::?\d{2})?|(?i:Z|UTC|GMT))$`)

// parseZone parses a "# timezone:" value: an IANA name such as
// Europe/Berlin, or a UTC offset.
func parseZone(text string) (*time.Location, string) {
	text = strings.TrimSpace(text)
	if offsetPattern.MatchString(text) {
		if zone, ok := parseOffset(text); ok {
			return zone, ""
		}
	} else if text != "" && text != "Local" {
		if zone, err := time.LoadLocation(text); err == nil {
			return zone, ""
		}
	}
	return nil, fmt.Sprintf("unknown time zone %q: give an IANA name such as Europe/Berlin, or an offset such as +02:00", text)
}

// atoi converts a string of ASCII digits that the caller has matched.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
