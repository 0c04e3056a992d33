// Package ziptest zips folders into archives for tests of code that reads
// zip files, such as Slack exports.
package ziptest

import (
	"archive/zip"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
)

// Files returns the files under dir by their slash-separated path relative
// to dir.
func Files(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Dir writes the files under dir into a new zip archive, each name
// prefixed with prefix, plus the extra entries given, and returns its path.
func Dir(t testing.TB, dir, prefix string, extra map[string]string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "export.zip")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	add := func(n string, data []byte) {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	files := Files(t, dir)
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		add(path.Join(prefix, rel), files[rel])
	}
	for n, body := range extra {
		add(n, []byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}
