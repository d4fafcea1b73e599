package config

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/user"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/triagedesk/triage/scripts"
	"github.com/triagedesk/triage/triage/api"
	"github.com/triagedesk/triage/triage/metrics"
)

// Duration is a span of time written as a Go duration with the extra
// units d (days) and w (weeks), such as "90d", "12w" or "36h".
type Duration string

// Parse returns the duration; "" and "0" are zero.
func (d Duration) Parse() (time.Duration, error) {
	s := strings.TrimSpace(string(d))
	if s == "" || s == "0" {
		return 0, nil
	}
	var total time.Duration
	rest := s
	for {
		m := longUnit.FindStringSubmatch(rest)
		if m == nil {
			break
		}
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, err
		}
		unit := 24 * time.Hour
		if m[2] == "w" {
			unit = 7 * 24 * time.Hour
		}
		total += time.Duration(n * float64(unit))
		rest = rest[len(m[0]):]
	}
	if rest != "" {
		short, err := time.ParseDuration(rest)
		if err != nil {
			return 0, err
		}
		total += short
	}
	if total < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return total, nil
}

// longUnit matches a leading count of days or weeks.
var longUnit = regexp.MustCompile(`^(\d+(?:\.\d+)?)([dw])`)

// Target is an SLA response target: a duration such as "15m" or "2d", or
// working time such as "4 business hours".
type Target string

// Check validates the effective settings. It returns the problems in
// values that came from the file, together with those found while reading
// it, as a *scripts.ValidationError with lines and columns, and invalid
// values from the environment or flags as other.
//
// Checks that depend on the machine (files, groups, whether an address is
// loopback) are made here only for values from the file. The daemon makes
// them for values from the environment or flags as it starts.
func (s *Settings) Check() (file *scripts.ValidationError, other error) {
	c := &checker{s: s}
	c.check()

	list := append([]scripts.Problem(nil), s.fileProblems...)
	list = append(list, c.file...)
	if len(list) > 0 {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Line != list[j].Line {
				return list[i].Line < list[j].Line
			}
			return list[i].Column < list[j].Column
		})
		file = &scripts.ValidationError{Source: s.Path, Problems: list}
	}
	others := append(append([]string(nil), s.otherProblems...), c.other...)
	if len(others) > 0 {
		other = fmt.Errorf("%s", strings.Join(others, "\n"))
	}
	return file, other
}

// FileProblems returns the problems found while reading the file, before
// any check of the values, or nil.
func (s *Settings) FileProblems() *scripts.ValidationError {
	if len(s.fileProblems) == 0 {
		return nil
	}
	return &scripts.ValidationError{Source: s.Path, Problems: append([]scripts.Problem(nil), s.fileProblems...)}
}

// checker collects the problems of Settings.Check.
type checker struct {
	s     *Settings
	file  []scripts.Problem
	other []string
}

// problem records a problem with the value of key, by its source.
func (c *checker) problem(key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	src := c.s.Source(key)
	switch src.Kind {
	case FromFile:
		c.file = append(c.file, scripts.Problem{Line: src.Line, Column: src.Column, Path: yamlPath(key), Message: msg})
	case FromEnv:
		c.other = append(c.other, fmt.Sprintf("%s: %s", src.Name, msg))
	case FromFlag:
		c.other = append(c.other, fmt.Sprintf("--%s: %s", src.Name, msg))
	default:
		c.other = append(c.other, fmt.Sprintf("default %s: %s", key, msg))
	}
}

// machineProblem records a problem found by looking at the machine, only
// for a value from the file.
func (c *checker) machineProblem(key, format string, args ...any) {
	if c.s.Source(key).Kind == FromFile {
		c.problem(key, format, args...)
	}
}

func (c *checker) check() {
	f := &c.s.File
	c.checkLog(f.Log)
	if _, err := f.Retention.Parse(); err != nil {
		c.problem("retention", "invalid duration %q: give a duration such as 90d, 12w or 36h, or 0 to keep everything", f.Retention)
	}
	if f.Metrics.HealthMaxPending < -1 {
		c.problem("metrics.health_max_pending", "invalid value %d: give -1 or more", f.Metrics.HealthMaxPending)
	}
	for i, lead := range f.Leads {
		if lead == "" || strings.ContainsAny(lead, " \t,") {
			c.problem("leads", "invalid login %q at index %d: give user names without spaces or commas", lead, i)
		}
	}
	if f.SocketGroup != "" {
		if _, err := user.LookupGroup(f.SocketGroup); err != nil {
			c.machineProblem("socket_group", "group %q not found: %v", f.SocketGroup, err)
		}
	}
	c.checkAPI(f)
	c.checkWebhook(f.Webhook)
	if f.Metrics.Listen != "" {
		if err := metrics.CheckLoopback(f.Metrics.Listen); err != nil {
			c.machineProblem("metrics.listen", "%v", err)
		}
	}
	c.checkFirstStart(f.FirstStart)
}

func (c *checker) checkLog(l Log) {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		c.problem("log.level", "invalid log level %q: use debug, info, warn or error", l.Level)
	}
	switch l.Format {
	case "text", "json":
	default:
		c.problem("log.format", "invalid log format %q: use text or json", l.Format)
	}
}

func (c *checker) checkAPI(f *File) {
	if f.Listen != "" {
		if _, _, err := net.SplitHostPort(f.Listen); err != nil {
			c.problem("listen", "invalid address %q: use HOST:PORT, such as 127.0.0.1:7070", f.Listen)
		} else if !api.IsLoopback(f.Listen) {
			c.machineProblem("listen", "address %q is not a loopback address: the API listens on loopback addresses only, such as 127.0.0.1:7070", f.Listen)
		}
		if f.TokenFile == "" {
			c.machineProblem("listen", "listen needs token_file: the TCP listener requires bearer tokens")
		}
	}
	if f.TokenFile != "" {
		if _, err := api.LoadTokenFile(f.TokenFile); err != nil {
			c.machineProblem("token_file", "%v", err)
		}
	}
}

func (c *checker) checkWebhook(w Webhook) {
	if w.Listen != "" {
		if _, _, err := net.SplitHostPort(w.Listen); err != nil {
			c.problem("webhook.listen", "invalid address %q: use HOST:PORT, such as 127.0.0.1:8088", w.Listen)
		} else if !w.AllowRemote && !api.IsLoopback(w.Listen) {
			c.machineProblem("webhook.listen", "address %s is not a loopback address: put a TLS proxy in front and listen on 127.0.0.1, or set webhook.allow_remote: true", w.Listen)
		}
	}
	if w.SecretFile == "" {
		return
	}
	if w.Listen == "" {
		c.machineProblem("webhook.secret_file", "webhook.secret_file needs webhook.listen")
	}
	data, err := os.ReadFile(w.SecretFile)
	switch {
	case err != nil:
		c.machineProblem("webhook.secret_file", "read webhook secret: %v", err)
	case len(bytes.TrimSpace(data)) == 0:
		c.machineProblem("webhook.secret_file", "webhook secret file %s is empty", w.SecretFile)
	}
}

func (c *checker) checkFirstStart(fs FirstStart) {
	if th := fs.Escalation.FrustrationThreshold; th <= 0 || th > 1 {
		c.problem("first_start.escalation.frustration_threshold", "invalid threshold %v: give a score more than 0 and at most 1, such as 0.8", th)
	}
	if n := fs.Escalation.ConsecutiveTurns; n < 1 || n > 100 {
		c.problem("first_start.escalation.consecutive_turns", "invalid count %d: give 1 to 100 turns", n)
	}
	for _, fd := range fields {
		if fd.typ != targetType {
			continue
		}
		text := string(fd.Value(&c.s.File).(Target))
		if _, err := scripts.ParseTarget(text); err != nil {
			c.problem(fd.Key, "%v", err)
		}
	}
}

var targetType = reflect.TypeFor[Target]()
