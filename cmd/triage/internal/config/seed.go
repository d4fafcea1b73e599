package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/triagedesk/triage/scripts"
)

// The text of the built-in escalation policy that PolicyYAML rewrites. If
// scripts.DefaultPolicyYAML changes, PolicyYAML returns an error rather
// than a policy without the configured values.
const (
	defaultRuleCondition = "when: frustration >= 0.8\n    for_turns: 2\n"
	defaultRuleReason    = "reason: frustration at or above 0.8 on two consecutive customer turns\n"
)

// PolicyYAML returns the escalation policy to store on first start: the
// built-in policy with the configured threshold and turns, or "" when
// both are the built-in values, so that the daemon seeds its own default.
func (fs FirstStart) PolicyYAML() (string, error) {
	e := fs.Escalation
	builtIn := Defaults().FirstStart.Escalation
	if e == builtIn {
		return "", nil
	}
	body := scripts.DefaultPolicyYAML
	if !strings.Contains(body, defaultRuleCondition) || !strings.Contains(body, defaultRuleReason) {
		return "", fmt.Errorf("the built-in escalation policy no longer has the sustained-frustration rule that first_start.escalation sets")
	}
	threshold := strconv.FormatFloat(e.FrustrationThreshold, 'f', -1, 64)
	body = strings.Replace(body, defaultRuleCondition,
		fmt.Sprintf("when: frustration >= %s\n    for_turns: %d\n", threshold, e.ConsecutiveTurns), 1)
	turns := "one customer turn"
	if e.ConsecutiveTurns > 1 {
		turns = fmt.Sprintf("%d consecutive customer turns", e.ConsecutiveTurns)
	}
	body = strings.Replace(body, defaultRuleReason,
		fmt.Sprintf("reason: frustration at or above %s on %s\n", threshold, turns), 1)
	if _, err := scripts.ParsePolicy("first_start.escalation", []byte(body)); err != nil {
		return "", fmt.Errorf("first_start.escalation makes an invalid policy: %w", err)
	}
	return body, nil
}

// slaTargetLine matches the line of one priority's targets in the
// built-in SLA, such as "  high:   {first_response: 1h, next_response: 2h}".
var slaTargetLine = regexp.MustCompile(`(?m)^  (urgent|high|normal|low): +\{first_response: [^,}]+, next_response: [^}]+\}$`)

// SLAYAML returns the SLA to store on first start: the built-in SLA with
// the configured targets, or "" when all targets are the built-in ones.
func (fs FirstStart) SLAYAML() (string, error) {
	if fs.SLA == Defaults().FirstStart.SLA {
		return "", nil
	}
	targets := map[string]ResponseTargets{
		"urgent": fs.SLA.Urgent, "high": fs.SLA.High, "normal": fs.SLA.Normal, "low": fs.SLA.Low,
	}
	replaced := map[string]bool{}
	body := slaTargetLine.ReplaceAllStringFunc(scripts.DefaultSLAYAML, func(line string) string {
		priority := slaTargetLine.FindStringSubmatch(line)[1]
		replaced[priority] = true
		t := targets[priority]
		return fmt.Sprintf("  %s: {first_response: %s, next_response: %s}", priority, t.FirstResponse, t.NextResponse)
	})
	if len(replaced) != len(targets) {
		return "", fmt.Errorf("the built-in SLA no longer has one target line per priority for first_start.sla to set")
	}
	if _, err := scripts.ParseSLA("first_start.sla", []byte(body)); err != nil {
		return "", fmt.Errorf("first_start.sla makes an invalid SLA: %w", err)
	}
	return body, nil
}
