package scripts

import "fmt"

// Parsed is a validated document of one of the kinds this package parses.
// Exactly one of Policy, Script, SLA and Calendar is set.
type Parsed struct {
	Kind     string
	Name     string
	Policy   *Policy
	Script   *Script
	SLA      *SLA
	Calendar *Calendar
	Keywords *KeywordList
}

// ParseDocument reads a document's kind and parses it with the parser of
// that kind: ParsePolicy for "escalation-policy", ParseScript for
// "troubleshooting", ParseSLA for "sla" and ParseCalendar for
// "calendar". source names the document in error messages. On
// failure the error is a *ValidationError that lists every problem found,
// including an unknown kind, at the line and column of the "kind" field.
func ParseDocument(source string, src []byte) (*Parsed, error) {
	kind, name, err := DocumentKind(src)
	if err != nil {
		if verr, ok := err.(*ValidationError); ok {
			verr.Source = source
		}
		return nil, err
	}
	switch kind {
	case KindEscalationPolicy:
		p, err := ParsePolicy(source, src)
		if err != nil {
			return nil, err
		}
		return &Parsed{Kind: kind, Name: name, Policy: p}, nil
	case KindTroubleshooting:
		s, err := ParseScript(source, src)
		if err != nil {
			return nil, err
		}
		return &Parsed{Kind: kind, Name: name, Script: s}, nil
	case KindSLA:
		s, err := ParseSLA(source, src)
		if err != nil {
			return nil, err
		}
		return &Parsed{Kind: kind, Name: name, SLA: s}, nil
	case KindCalendar:
		c, err := ParseCalendar(source, src)
		if err != nil {
			return nil, err
		}
		return &Parsed{Kind: kind, Name: name, Calendar: c}, nil
	case KindKeywords:
		k, err := ParseKeywords(source, src)
		if err != nil {
			return nil, err
		}
		return &Parsed{Kind: kind, Name: name, Keywords: k}, nil
	}
	ps := &problems{}
	ps.add(kindPosition(src), "$.kind", "unknown kind %q: use %q, %q, %q, %q or %q",
		kind, KindEscalationPolicy, KindTroubleshooting, KindSLA, KindCalendar, KindKeywords)
	return nil, ps.err(source)
}

// kindPosition returns the position of the value of the top-level "kind"
// field, or line 1, column 1 when it cannot be found.
func kindPosition(src []byte) position {
	scratch := &problems{}
	root := readDocument(src, scratch)
	if root == nil {
		return position{1, 1}
	}
	r := newReader(src, scratch)
	m := r.mapping(root, "$", "a document", position{1, 1})
	if m == nil {
		return position{1, 1}
	}
	if e := m.get("kind"); e != nil {
		return e.pos()
	}
	return position{1, 1}
}

// NewValidationError returns a *ValidationError with one problem at a
// line and column of source, for checks made outside this package, such
// as a document whose name does not match the name it is saved under.
func NewValidationError(source string, line, column int, path, format string, args ...any) *ValidationError {
	return &ValidationError{Source: source, Problems: []Problem{{
		Line: line, Column: column, Path: path, Message: fmt.Sprintf(format, args...),
	}}}
}
