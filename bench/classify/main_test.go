package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The input is as many JSON lines as asked, each one classify accepts:
// text, a channel id, a user and an RFC 3339 time.
func TestWriteLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lines.jsonl")
	n, err := writeLines(filepath.Join(dir, "export"), path, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if n != 5000 {
		t.Fatalf("wrote %d lines, want 5000", n)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	lines, texts, channels := 0, map[string]bool{}, map[string]bool{}
	for sc.Scan() {
		lines++
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var l line
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %d: %v", lines, err)
		}
		if strings.TrimSpace(l.Text) == "" || l.Channel == "" || l.User == "" {
			t.Fatalf("line %d lacks text, channel or user: %s", lines, sc.Text())
		}
		if _, err := time.Parse(time.RFC3339, l.At); err != nil {
			t.Fatalf("line %d: at: %v", lines, err)
		}
		texts[l.Text], channels[l.Channel] = true, true
	}
	if lines != 5000 {
		t.Errorf("read %d lines, want 5000", lines)
	}
	if len(texts) < 100 || len(channels) < 2 {
		t.Errorf("%d distinct texts in %d channels: too uniform to exercise the rules", len(texts), len(channels))
	}
}
