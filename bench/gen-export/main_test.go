package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/internal/exportgen"
)

func TestRun(t *testing.T) {
	existing := t.TempDir()
	if err := os.WriteFile(filepath.Join(existing, "channels.json"), []byte("[]"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr error // nil: must succeed
		anyErr  bool
	}{
		{"ok", []string{"-o", "OUT", "-weeks", "1", "-per-day", "3", "-seed", "9"}, nil, false},
		{"missing -o", []string{"-weeks", "1"}, flag.ErrHelp, true},
		{"stray argument", []string{"-o", "OUT", "extra"}, flag.ErrHelp, true},
		{"bad start", []string{"-o", "OUT", "-start", "31/08/2026"}, nil, true},
		{"bad weeks", []string{"-o", "OUT", "-weeks", "0"}, nil, true},
		{"existing export", []string{"-o", existing, "-weeks", "1"}, exportgen.ErrExists, true},
		{"existing export forced", []string{"-o", existing, "-weeks", "1", "-force"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "export")
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "OUT", out)
			}
			var stdout, stderr bytes.Buffer
			err := run(args, &stdout, &stderr)
			if !tt.anyErr {
				if err != nil {
					t.Fatalf("run(%q) = %v", args, err)
				}
				if !strings.Contains(stdout.String(), "intake top-level human: ") {
					t.Errorf("stdout lacks the stats: %q", stdout.String())
				}
				return
			}
			if err == nil {
				t.Fatalf("run(%q) succeeded, want an error", args)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("run(%q) = %v, want %v", args, err, tt.wantErr)
			}
		})
	}
}
