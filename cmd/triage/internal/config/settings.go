package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/triagedesk/triage/scripts"
)

// SourceKind is the layer that a setting's value came from.
type SourceKind string

// The layers, from lowest to highest precedence.
const (
	FromDefault SourceKind = "default"
	FromFile    SourceKind = "file"
	FromEnv     SourceKind = "env"
	FromFlag    SourceKind = "flag"
)

// Source is the origin of one setting's effective value.
type Source struct {
	Kind SourceKind
	// Name is the file path, the environment variable or the flag
	// (without dashes); empty for a default.
	Name string
	// Line and Column locate the value in the file, 1-based.
	Line, Column int
}

// String formats the source as "default", "FILE:LINE", "env NAME" or
// "flag --NAME".
func (s Source) String() string {
	switch s.Kind {
	case FromFile:
		return fmt.Sprintf("%s:%d", s.Name, s.Line)
	case FromEnv:
		return "env " + s.Name
	case FromFlag:
		return "flag --" + s.Name
	}
	return string(FromDefault)
}

// Settings are the effective settings with the source of each.
type Settings struct {
	File
	// Path is the configuration file that was read, or "".
	Path string

	sources map[string]Source
	// fileProblems are the problems found in the file, reported with
	// their line and column.
	fileProblems []scripts.Problem
	// otherProblems are invalid values from the environment or flags.
	otherProblems []string
}

// New returns the built-in defaults.
func New() *Settings {
	return &Settings{File: Defaults(), sources: map[string]Source{}}
}

// Source returns where the setting with the dotted key came from.
func (s *Settings) Source(key string) Source {
	if src, ok := s.sources[key]; ok {
		return src
	}
	return Source{Kind: FromDefault}
}

// ReadFile reads the configuration file at path over the current values.
// It returns an error only when the file cannot be read; the problems in
// its content are kept for Check. Relative paths inside the file are taken
// relative to the file's folder.
func (s *Settings) ReadFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read configuration file: %w", err)
	}
	s.Path = path
	d := &decoder{settings: s, file: path}
	d.decode(src)
	s.resolveFilePaths()
	return nil
}

// pathKeys are the settings that hold file paths.
var pathKeys = []string{"database", "socket", "token_file", "webhook.secret_file"}

// resolveFilePaths makes the paths set in the file absolute, relative to
// the file's folder, and expands a leading "~/" to the home folder.
func (s *Settings) resolveFilePaths() {
	dir := filepath.Dir(s.Path)
	for _, key := range pathKeys {
		if s.Source(key).Kind != FromFile {
			continue
		}
		v := fieldByKey(key).value(&s.File)
		p := v.String()
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				p = filepath.Join(home, rest)
			}
		}
		if p != "" && !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		v.SetString(p)
	}
}

// ApplyEnv sets every setting whose environment variable lookup returns a
// non-empty value. A value that does not parse is kept as a problem for
// Check and leaves the setting as it was.
func (s *Settings) ApplyEnv(lookup func(string) (string, bool)) {
	for i := range fields {
		fd := &fields[i]
		if fd.Env == "" {
			continue
		}
		raw, ok := lookup(fd.Env)
		if !ok || raw == "" {
			continue
		}
		if err := setFromString(fd.value(&s.File), raw); err != nil {
			s.otherProblems = append(s.otherProblems, fmt.Sprintf("invalid %s %q: %v", fd.Env, raw, err))
			continue
		}
		s.sources[fd.Key] = Source{Kind: FromEnv, Name: fd.Env}
	}
}

// setFromString parses raw into v by v's type. Lists are comma-separated.
func setFromString(v reflect.Value, raw string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return errors.New("want true or false")
		}
		v.SetBool(b)
	case reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return errors.New("want a whole number")
		}
		v.SetInt(int64(n))
	case reflect.Float64:
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return errors.New("want a number")
		}
		v.SetFloat(x)
	case reflect.Slice:
		var list []string
		for item := range strings.SplitSeq(raw, ",") {
			if item = strings.TrimSpace(item); item != "" {
				list = append(list, item)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

// SetFlag sets the setting that the flag named flag overrides to value,
// which must have the setting's type (bool for a negating flag). It
// returns false when no setting has that flag.
func (s *Settings) SetFlag(flag string, value any) bool {
	for i := range fields {
		fd := &fields[i]
		if fd.Flag != flag {
			continue
		}
		v := fd.value(&s.File)
		if fd.Negate {
			v.SetBool(!value.(bool))
		} else {
			v.Set(reflect.ValueOf(value).Convert(fd.typ))
		}
		s.sources[fd.Key] = Source{Kind: FromFlag, Name: flag}
		return true
	}
	return false
}

// ResolvePaths fills the path defaults that depend on the environment: the
// database under dataHome, and the socket under runtimeDir, or beside the
// database when runtimeDir is empty or relative, because the XDG base
// directory specification ignores relative paths.
func (s *Settings) ResolvePaths(dataHome, runtimeDir string) {
	if s.Database == "" {
		s.Database = filepath.Join(dataHome, "triage", "triage.db")
	}
	if s.Socket != "" {
		return
	}
	if runtimeDir != "" && filepath.IsAbs(runtimeDir) {
		s.Socket = filepath.Join(runtimeDir, "triage", "triage.sock")
		return
	}
	s.Socket = filepath.Join(filepath.Dir(s.Database), "triage.sock")
}
