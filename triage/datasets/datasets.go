// Package datasets finds the public, human-rated data sets that tests and
// evaluations read. They are not part of the repository: they live in a
// shared/data folder beside it, or wherever TRIAGE_TESTDATA points.
package datasets

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvVar names the environment variable that overrides the data folder.
const EnvVar = "TRIAGE_TESTDATA"

// Root returns the folder that holds the data sets: $TRIAGE_TESTDATA, or
// shared/data beside the repository root.
func Root() string {
	if dir := os.Getenv(EnvVar); dir != "" {
		return dir
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("..", "shared", "data")
	}
	// This file is triage/datasets/datasets.go: three levels below the
	// folder that holds the repository.
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
}

// Dir returns the folder of one data set. When it is missing the test is
// skipped with a message saying where it was looked for, except under CI
// (CI=true), where the data must be present and the test fails.
func Dir(t testing.TB, set string) string {
	t.Helper()
	dir := filepath.Join(Root(), set)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("data set %s is missing at %s: %v (set %s to its folder)", set, dir, err, EnvVar)
		}
		t.Skipf("data set %s not found at %s; set %s to run this test", set, dir, EnvVar)
	}
	return dir
}
