package reference

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPathLooksUpwardsAndHonoursTheVariable(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "shared", "reference", "x", "api.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "clone", "tracker", "github")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	t.Setenv(DirEnv, "")
	if got, err := Path("x/api.json"); err != nil || got != file {
		t.Errorf("Path = %q, %v; want %q", got, err, file)
	}
	if _, err := Path("x/none.json"); !errors.Is(err, ErrMissing) {
		t.Errorf("a missing file: %v, want ErrMissing", err)
	}
	t.Setenv(DirEnv, filepath.Join(root, "shared", "reference"))
	if got, err := Path("x/api.json"); err != nil || got != file {
		t.Errorf("with %s: Path = %q, %v", DirEnv, got, err)
	}
	t.Setenv(DirEnv, root)
	if _, err := Path("x/api.json"); !errors.Is(err, ErrMissing) {
		t.Errorf("with %s elsewhere: %v, want ErrMissing", DirEnv, err)
	}
}
