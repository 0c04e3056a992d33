package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
	"gopkg.in/yaml.v3"
)

func TestBenchConfig(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "sprintguard.db")
	out, err := benchConfig(examples.Config, "http://127.0.0.1:4000/", "127.0.0.1:4001", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "s3cret"}
	cfg, err := config.Parse(filepath.Join(t.TempDir(), "sprintguard.yaml"), out, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the bench config does not load: %v", err)
	}
	if err := cfg.CheckSlack(); err != nil {
		t.Errorf("serve would refuse the bench config: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"slack.mode", cfg.Slack.Mode, config.ModeHTTP},
		{"slack.api_url", cfg.Slack.APIURL, "http://127.0.0.1:4000/"},
		{"server.listen", cfg.Server.Listen, "127.0.0.1:4001"},
		{"server.admin_listen", cfg.Server.AdminListen, "127.0.0.1:0"},
		{"storage.path", cfg.Storage.Path, dbPath},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// The teams and rules are the documented ones.
	example, err := config.Parse("sprintguard.yaml", examples.Config, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Teams) != len(example.Teams) || len(cfg.Rules) != len(example.Rules) {
		t.Errorf("bench config has %d teams and %d rules, the example %d and %d",
			len(cfg.Teams), len(cfg.Rules), len(example.Teams), len(example.Rules))
	}
	if !bytes.Contains(out, []byte(intakeChannel)) {
		t.Errorf("bench config lost the %s intake channel", intakeChannel)
	}
}

func TestSetScalar(t *testing.T) {
	src := "a:\n  b: one  # kept\n  c: [x]\nd: two\n"
	tests := []struct {
		name, path string
		err        string // a substring of the error; "" for success
	}{
		{"nested", "a.b", ""},
		{"top level", "d", ""},
		{"missing key", "a.z", "config has no a.z"},
		{"missing parent", "z.b", "config has no z.b"},
		{"not a scalar", "a.c", "is not a scalar"},
		{"below a scalar", "d.e", "config has no d.e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
				t.Fatal(err)
			}
			err := setScalar(&doc, tt.path, "new: value")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("setScalar(%s) = %v, want an error with %q", tt.path, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			out, _ := yaml.Marshal(&doc)
			if err := yaml.Unmarshal(out, &got); err != nil {
				t.Fatalf("unreadable after the change: %v\n%s", err, out)
			}
			v := any(got)
			for _, k := range strings.Split(tt.path, ".") {
				v = v.(map[string]any)[k]
			}
			if v != "new: value" {
				t.Errorf("%s = %v after the change\n%s", tt.path, v, out)
			}
		})
	}
}
