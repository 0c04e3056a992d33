package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestStorageDriver covers storage.driver and storage.url: the default,
// postgres with a URL from the environment, and each mistake at its line
// without the password in any message.
func TestStorageDriver(t *testing.T) {
	const pw = "hunter2-s3cret"
	vars := map[string]string{"DATABASE_URL": "postgres://sg:" + pw + "@db:5432/sg", "BAD": "mysql://sg:" + pw + "@db/sg"}
	tests := []struct {
		name, storage string
		unsetWarns    bool
		driver        string
		url           bool
		errs, warns   []string
	}{
		{name: "default is bolt", storage: "", driver: DriverBolt},
		{name: "bolt named", storage: "storage:\n  driver: bolt\n", driver: DriverBolt},
		{name: "postgres", storage: "storage:\n  driver: postgres\n  url: ${DATABASE_URL}\n", driver: DriverPostgres, url: true},
		{name: "dsn", storage: "storage:\n  driver: postgres\n  url: host=/run/pg dbname=sg password=" + pw + "\n", driver: DriverPostgres, url: true},
		{name: "bad driver", storage: "storage:\n  driver: postgress\n",
			errs: []string{"v.yaml:2: `driver` must be one of bolt, postgres, got \"postgress\" (did you mean `postgres`?)"}},
		{name: "missing url", storage: "storage:\n  driver: postgres\n",
			errs: []string{"v.yaml:2: storage driver `postgres` needs `url` (add url: ${DATABASE_URL} under storage"}},
		{name: "empty default", storage: "storage:\n  url: ${NOPE:-}\n  driver: postgres\n",
			errs: []string{"v.yaml:3: storage driver `postgres` needs `url`"}},
		{name: "unset variable", storage: "storage:\n  driver: postgres\n  url: ${NOPE}\n",
			errs: []string{"v.yaml:3: environment variable NOPE is not set"}},
		{name: "unset variable offline", storage: "storage:\n  driver: postgres\n  url: ${NOPE}\n", unsetWarns: true, driver: DriverPostgres,
			warns: []string{"v.yaml:3: environment variable NOPE is not set"}},
		{name: "not postgres", storage: "storage:\n  driver: postgres\n  url: ${BAD}\n",
			errs: []string{"v.yaml:3: `url` must be a PostgreSQL URL or key=value connection string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, warns, err := ParseWith("v.yaml", []byte(teamDoc(tt.storage, "")), Options{Getenv: env(vars), UnsetWarns: tt.unsetWarns})
			all := fmt.Sprint(err, warns)
			if strings.Contains(all, pw) {
				t.Fatalf("a message shows the password: %s", all)
			}
			if len(tt.errs) > 0 {
				if err == nil {
					t.Fatalf("no error, want %q", tt.errs)
				}
				for _, w := range tt.errs {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("errors %q, want one to contain %q", err, w)
					}
				}
				if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.errs) {
					t.Errorf("%d errors, want %d: %v", n, len(tt.errs), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWith: %v", err)
			}
			if cfg.Storage.Driver != tt.driver || cfg.Storage.URL.IsSet() != tt.url {
				t.Errorf("driver %q url set %v, want %q %v", cfg.Storage.Driver, cfg.Storage.URL.IsSet(), tt.driver, tt.url)
			}
			if len(warns) != len(tt.warns) {
				t.Fatalf("warnings %v, want %v", warns, tt.warns)
			}
			for i, w := range tt.warns {
				if !strings.HasPrefix(warns[i].Error(), w) {
					t.Errorf("warning %q, want prefix %q", warns[i].Error(), w)
				}
			}
			if tt.url && (cfg.Storage.URL.String() != "[REDACTED]" || strings.Contains(fmt.Sprintf("%+v %#v", cfg.Storage, cfg.Storage), pw)) {
				t.Errorf("the URL prints: %+v", cfg.Storage)
			}
		})
	}
}
