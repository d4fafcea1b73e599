package scripts

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	// The IANA time zone database is embedded so that calendars resolve
	// their zones on hosts without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// KindCalendar is the document kind of business-hours calendars.
const KindCalendar = "calendar"

// DefaultCalendarYAML is the calendar the desk starts with.
const DefaultCalendarYAML = `kind: calendar
name: office-hours
description: >
  Monday to Friday, 09:00 to 17:00 UTC, with no holidays. Change the time
  zone, the hours and the holidays to the desk's own.
time_zone: UTC
hours:
  monday-friday: ["09:00-17:00"]
holidays: []
`

// Calendar is a parsed business-hours calendar: the working hours of each
// weekday in a time zone, and the dates that are holidays.
type Calendar struct {
	Name        string
	Description string
	// TimeZone is the IANA name of Location, such as "Europe/Berlin".
	TimeZone string
	Location *time.Location
	// Hours holds the working intervals of each weekday, indexed by
	// time.Weekday, in order and not overlapping. A gap between two
	// intervals is a break.
	Hours [7][]Interval
	// Holidays are the dates, in the calendar's zone, with no working
	// hours, as "2006-01-02".
	Holidays map[string]bool
}

// Interval is a span of working time within one day, in minutes after
// local midnight. End may be 1440 (24:00).
type Interval struct {
	Start, End int
}

// Limits on a calendar.
const (
	maxHolidays          = 2000
	maxIntervalsPerDay   = 24
	minutesPerDay        = 24 * 60
	maxCalendarSearchDay = 366 * 10
)

var (
	calendarFields = []string{"kind", "name", "description", "time_zone", "hours", "holidays"}
	weekdayNames   = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
	intervalRE     = regexp.MustCompile(`^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$`)
)

// ErrNoBusinessTime is returned by Calendar.Add when no working time is
// found within ten years of the start.
var ErrNoBusinessTime = errors.New("no working hours within ten years")

// ParseCalendar parses and validates a calendar document. source names
// the document in error messages. On failure the error is a
// *ValidationError that lists every problem found.
func ParseCalendar(source string, src []byte) (*Calendar, error) {
	ps := &problems{}
	root := readDocument(src, ps)
	if root == nil {
		return nil, ps.err(source)
	}
	r := newReader(src, ps)
	m := r.mapping(root, "$", "a calendar", position{1, 1})
	if m == nil {
		return nil, ps.err(source)
	}
	r.checkFields(m, "a calendar", calendarFields, "kind", "name", "time_zone", "hours")
	r.checkKind(m, KindCalendar)
	c := &Calendar{Holidays: map[string]bool{}}
	c.Name, _ = r.name(m.get("name"))
	if e := m.get("description"); e != nil {
		c.Description, _ = r.str(e)
	}
	if e := m.get("time_zone"); e != nil {
		if zone, ok := r.str(e); ok {
			loc, err := time.LoadLocation(zone)
			if err != nil || zone == "Local" {
				r.ps.add(e.pos(), e.path, "unknown time zone %q: use an IANA name such as Europe/Berlin, America/Sao_Paulo or UTC", zone)
			} else {
				c.TimeZone, c.Location = zone, loc
			}
		}
	}
	if e := m.get("hours"); e != nil {
		r.weekHours(e, c)
	}
	if e := m.get("holidays"); e != nil {
		r.holidays(e, c)
	}
	if err := ps.err(source); err != nil {
		return nil, err
	}
	return c, nil
}

// weekHours reads the "hours" mapping: a weekday or a range of weekdays
// such as "monday-friday", to a list of "HH:MM-HH:MM" intervals.
func (r *reader) weekHours(e *entry, c *Calendar) {
	m := r.mapping(e.value, e.path, `"hours"`, e.keyPos)
	if m == nil {
		return
	}
	setBy := map[time.Weekday]string{}
	total := 0
	for _, item := range m.entries {
		days, ok := parseWeekdays(item.key)
		if !ok {
			r.ps.add(item.keyPos, item.path, "invalid weekday %q: use a day such as monday, or a range such as monday-friday", item.key)
			continue
		}
		intervals := r.dayIntervals(item)
		for _, d := range days {
			if prev, dup := setBy[d]; dup {
				r.ps.add(item.keyPos, item.path, "%s is already given by %q: give each weekday once", weekdayNames[d], prev)
				continue
			}
			setBy[d] = item.key
			c.Hours[d] = intervals
			total += len(intervals)
		}
	}
	if total == 0 && len(r.ps.list) == 0 {
		r.ps.add(e.pos(), e.path, "no working hours on any day: give at least one interval such as monday: [\"09:00-17:00\"]")
	}
}

// parseWeekdays reads "monday" or a range "monday-friday", which may wrap
// past sunday ("friday-monday").
func parseWeekdays(s string) ([]time.Weekday, bool) {
	first, last, isRange := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "-")
	if !isRange {
		last = first
	}
	from, to := slicesIndex(weekdayNames, first), slicesIndex(weekdayNames, last)
	if from < 0 || to < 0 {
		return nil, false
	}
	var days []time.Weekday
	for d := from; ; d = (d + 1) % 7 {
		days = append(days, time.Weekday(d))
		if d == to {
			return days, true
		}
	}
}

func slicesIndex(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// dayIntervals reads one weekday's intervals. An empty list or value is a
// day off.
func (r *reader) dayIntervals(e *entry) []Interval {
	var texts []string
	var positions []position
	if isNull(e.value) {
		return nil
	}
	if items, paths, ok := r.sequence(e, "intervals"); ok {
		if len(items) > maxIntervalsPerDay {
			r.ps.add(e.pos(), e.path, "%d intervals, more than the limit of %d a day", len(items), maxIntervalsPerDay)
			return nil
		}
		for i, item := range items {
			s, isText := scalarText(item)
			if !isText {
				r.ps.add(nodePosition(item), paths[i], "an interval must be a string such as \"09:00-17:00\", not %s", describeNode(item))
				continue
			}
			texts = append(texts, s)
			positions = append(positions, nodePosition(item))
		}
	}
	var out []Interval
	for i, s := range texts {
		iv, err := parseInterval(s)
		if err != nil {
			r.ps.add(positions[i], e.path, "invalid interval %q: %v", s, err)
			continue
		}
		out = append(out, iv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	for i := 1; i < len(out); i++ {
		if out[i].Start < out[i-1].End {
			r.ps.add(e.pos(), e.path, "intervals %s and %s overlap: merge them or leave a break between them", out[i-1], out[i])
			return nil
		}
	}
	return out
}

// parseInterval reads "HH:MM-HH:MM". The end may be 24:00 and must come
// after the start.
func parseInterval(s string) (Interval, error) {
	m := intervalRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Interval{}, errors.New(`write it as "HH:MM-HH:MM", such as "09:00-17:00"`)
	}
	minutes := func(h, mm string) (int, bool) {
		hv, _ := strconv.Atoi(h)
		mv, _ := strconv.Atoi(mm)
		if mv > 59 || hv > 24 || (hv == 24 && mv != 0) {
			return 0, false
		}
		return hv*60 + mv, true
	}
	start, ok1 := minutes(m[1], m[2])
	end, ok2 := minutes(m[3], m[4])
	switch {
	case !ok1 || !ok2 || start == minutesPerDay:
		return Interval{}, errors.New("hours run from 00:00 to 24:00 and minutes from 00 to 59")
	case end <= start:
		return Interval{}, errors.New("the end must come after the start; split an interval across midnight into two days")
	}
	return Interval{Start: start, End: end}, nil
}

func (iv Interval) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// holidays reads the list of holiday dates, "YYYY-MM-DD".
func (r *reader) holidays(e *entry, c *Calendar) {
	if isNull(e.value) {
		return
	}
	items, paths, ok := r.sequence(e, "dates")
	if !ok {
		return
	}
	if len(items) > maxHolidays {
		r.ps.add(e.pos(), e.path, "%d holidays, more than the limit of %d: remove past years", len(items), maxHolidays)
		return
	}
	for i, item := range items {
		s, isText := scalarText(item)
		if !isText {
			r.ps.add(nodePosition(item), paths[i], "a holiday must be a date such as 2026-12-25, not %s", describeNode(item))
			continue
		}
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			r.ps.add(nodePosition(item), paths[i], "invalid date %q: write it as YYYY-MM-DD, such as 2026-12-25", s)
			continue
		}
		c.Holidays[d.Format(time.DateOnly)] = true
	}
}

// Add returns the instant at which d of working time has passed after
// start. Working time is counted in elapsed time, so an interval that
// spans a daylight-saving change holds one hour more or less than its
// wall-clock length. An interval boundary that falls into a skipped
// wall-clock hour moves to the first instant after the skip, and one that
// falls into a repeated hour takes its first occurrence. When start lies
// outside working hours, counting begins at the next opening, and a zero
// d returns that opening.
func (c *Calendar) Add(start time.Time, d time.Duration) (time.Time, error) {
	loc := c.Location
	local := start.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	remaining := d
	for range maxCalendarSearchDay {
		if !c.Holidays[day.Format(time.DateOnly)] {
			for _, iv := range c.Hours[day.Weekday()] {
				open := wallTime(day, iv.Start, loc)
				end := wallTime(day, iv.End, loc)
				if !end.After(start) {
					continue
				}
				from := open
				if start.After(open) {
					from = start
				}
				avail := end.Sub(from)
				if remaining <= avail {
					return from.Add(remaining), nil
				}
				remaining -= avail
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	return time.Time{}, fmt.Errorf("calendar %s: add %s to %s: %w", c.Name, d, start.Format(time.RFC3339), ErrNoBusinessTime)
}

// wallTime returns the instant at which the wall clock of loc shows the
// given minute of the civil date day (a midnight in UTC). A minute that
// the clock skips maps to the instant of the skip, and a minute it shows
// twice to its first occurrence.
func wallTime(day time.Time, minute int, loc *time.Location) time.Time {
	y, m, d := day.Date()
	t := time.Date(y, m, d, minute/60, minute%60, 0, 0, loc)
	want := time.Date(y, m, d, minute/60, minute%60, 0, 0, time.UTC)
	shown := wallOf(t)
	switch {
	case shown.Before(want):
		// Go placed the time before a forward jump; the first instant
		// showing at least the wanted minute is the end of that zone.
		_, end := t.ZoneBounds()
		return end
	case shown.After(want):
		start, _ := t.ZoneBounds()
		return start
	}
	// In a repeated hour, prefer the earlier occurrence.
	_, offset := t.Zone()
	if start, _ := t.ZoneBounds(); !start.IsZero() {
		_, before := start.Add(-time.Second).Zone()
		if before > offset {
			earlier := t.Add(-time.Duration(before-offset) * time.Second)
			if earlier.Before(start) && wallOf(earlier).Equal(want) {
				return earlier
			}
		}
	}
	return t
}

// wallOf returns t's wall clock in its own location, as the same numbers
// in UTC, so that wall clocks compare as instants.
func wallOf(t time.Time) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, m, d, h, mi, s, t.Nanosecond(), time.UTC)
}
