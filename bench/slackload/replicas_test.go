package main

import (
	"path/filepath"
	"testing"

	"github.com/sprintguard/sprintguard/config"
	"github.com/sprintguard/sprintguard/examples"
)

// TestForReplica: a replica's config loads, on its own admin port, and on
// PostgreSQL with the URL from DATABASE_URL.
func TestForReplica(t *testing.T) {
	base, err := benchConfig(examples.Config, "http://127.0.0.1:4000/", "127.0.0.1:4001", filepath.Join(t.TempDir(), "sg.db"))
	if err != nil {
		t.Fatal(err)
	}
	const url = "postgres://bench@localhost/sg"
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "s3cret", "DATABASE_URL": url}
	for _, tc := range []struct {
		name     string
		postgres bool
		driver   string
	}{
		{"bolt", false, config.DriverBolt},
		{"postgres", true, config.DriverPostgres},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := forReplica(base, tc.postgres)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(filepath.Join(t.TempDir(), "sprintguard.yaml"), out, func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("the replica's config does not load: %v", err)
			}
			if cfg.Server.AdminListen == "127.0.0.1:8081" || cfg.Server.AdminListen == "" {
				t.Errorf("admin_listen = %q, want a port of its own", cfg.Server.AdminListen)
			}
			if cfg.Storage.Driver != tc.driver {
				t.Errorf("driver = %q, want %q", cfg.Storage.Driver, tc.driver)
			}
			if tc.postgres && cfg.Storage.URL.Reveal() != url {
				t.Errorf("url = %q, want DATABASE_URL's", cfg.Storage.URL.Reveal())
			}
		})
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
