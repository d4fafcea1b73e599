package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootFollowsEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvVar, dir)
	if got := Root(); got != dir {
		t.Errorf("Root() = %q, want %q", got, dir)
	}
}

func TestDirFindsSet(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "some-set"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, dir)
	if got := Dir(t, "some-set"); got != filepath.Join(dir, "some-set") {
		t.Errorf("Dir = %q", got)
	}
}

func TestRootDefaultBesideRepository(t *testing.T) {
	t.Setenv(EnvVar, "")
	root, err := filepath.Abs(Root())
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(repo), "shared", "data"); root != want {
		t.Errorf("Root() = %q, want %q", root, want)
	}
}
