package deploy_test

import (
	"net"
	"net/url"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/config"
)

const composeDir = "compose"

// composeFile is the part of a Compose file the checks read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Expose      []string          `yaml:"expose"`
	Ports       []string          `yaml:"ports"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	Deploy struct {
		Replicas int `yaml:"replicas"`
	} `yaml:"deploy"`
}

// composeVar matches Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}.
var composeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// interpolate fills the Compose file's variables from env, as docker
// compose does with .env.
func interpolate(s string, env map[string]string) string {
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		g := composeVar.FindStringSubmatch(m)
		if v := env[g[1]]; v != "" {
			return v
		}
		if strings.HasSuffix(g[2], "-") {
			return g[3]
		}
		return ""
	})
}

// TestComposePostgres parses the Compose example (docker cannot run in the
// tests) and checks its wiring: the bot waits for a healthy database, its
// DATABASE_URL names that service and the database and user it creates,
// the password comes only from .env, and the mounted config loads.
func TestComposePostgres(t *testing.T) {
	data, err := os.ReadFile(composeDir + "/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	env := envFile(t, composeDir+"/sprintguard.env.example")
	db, ok := f.Services["postgres"]
	if !ok {
		t.Fatalf("no postgres service (services %v)", f.Services)
	}
	bot, ok := f.Services["sprintguard"]
	if !ok {
		t.Fatalf("no sprintguard service")
	}
	if p := imagePinProblem(db.Image); p != "" {
		t.Error(p)
	}
	if dep := bot.DependsOn["postgres"]; dep.Condition != "service_healthy" {
		t.Errorf("sprintguard depends on postgres with condition %q, want service_healthy", dep.Condition)
	}
	if len(db.Healthcheck.Test) < 2 || db.Healthcheck.Test[1] != "pg_isready" {
		t.Errorf("postgres healthcheck %v, want pg_isready", db.Healthcheck.Test)
	}
	if !strings.Contains(db.Environment["POSTGRES_PASSWORD"], "${POSTGRES_PASSWORD") || env["POSTGRES_PASSWORD"] == "" {
		t.Errorf("POSTGRES_PASSWORD must come from .env (sprintguard.env.example), not be written in compose.yaml")
	}
	dataVol := false
	for _, v := range db.Volumes {
		name, target, _ := strings.Cut(v, ":")
		if strings.HasPrefix(target, "/var/lib/postgresql/data") {
			_, dataVol = f.Volumes[name]
		}
	}
	if !dataVol {
		t.Errorf("postgres keeps its data in no named volume: %v", db.Volumes)
	}

	raw := bot.Environment["DATABASE_URL"]
	if strings.Contains(raw, env["POSTGRES_PASSWORD"]) {
		t.Errorf("DATABASE_URL has the password written in; it must be ${POSTGRES_PASSWORD}")
	}
	u, err := url.Parse(interpolate(raw, env))
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	host, port, _ := net.SplitHostPort(u.Host)
	pw, _ := u.User.Password()
	switch {
	case u.Scheme != "postgres":
		t.Errorf("DATABASE_URL scheme %q", u.Scheme)
	case host != "postgres" || port != "5432":
		t.Errorf("DATABASE_URL host %s:%s, want the postgres service on 5432", host, port)
	case strings.TrimPrefix(u.Path, "/") != db.Environment["POSTGRES_DB"]:
		t.Errorf("DATABASE_URL database %s, but the service creates %s", u.Path, db.Environment["POSTGRES_DB"])
	case u.User.Username() != db.Environment["POSTGRES_USER"]:
		t.Errorf("DATABASE_URL user %s, but the service creates %s", u.User.Username(), db.Environment["POSTGRES_USER"])
	case pw != env["POSTGRES_PASSWORD"]:
		t.Errorf("DATABASE_URL's password is not POSTGRES_PASSWORD")
	}

	if bot.Deploy.Replicas < 2 {
		t.Errorf("replicas %d: the example is of several replicas on one database", bot.Deploy.Replicas)
	}
	if len(bot.Ports) > 0 {
		t.Errorf("ports %v: a fixed host port collides between replicas", bot.Ports)
	}
	cfgPath := ""
	for i, a := range bot.Command {
		if a == "--config" && i+1 < len(bot.Command) {
			cfgPath = bot.Command[i+1]
		}
	}
	local := ""
	for _, v := range bot.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[1] == cfgPath {
			local = parts[0]
			if len(parts) < 3 || parts[2] != "ro" {
				t.Errorf("the config is mounted writable: %s", v)
			}
		}
	}
	if cfgPath == "" || local == "" {
		t.Fatalf("the sprintguard service's --config %q is not a mounted file (volumes %v)", cfgPath, bot.Volumes)
	}
	text, err := os.ReadFile(path.Join(composeDir, local))
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(name string) string { return interpolate(bot.Environment[name], env) }
	cfg, err := config.Parse(cfgPath, text, getenv)
	if err != nil {
		t.Fatalf("%s does not load with the service's environment:\n%v", local, err)
	}
	if cfg.Storage.Driver != config.DriverPostgres || cfg.Storage.URL.Reveal() != u.String() {
		t.Errorf("the config's storage is %s, not the service's DATABASE_URL", cfg.Storage.Driver)
	}
	_, listen, _ := net.SplitHostPort(cfg.Server.Listen)
	if len(bot.Expose) != 1 || bot.Expose[0] != listen {
		t.Errorf("expose %v, but server.listen is %s", bot.Expose, cfg.Server.Listen)
	}
	for name := range envRefs(t, string(text)) {
		if _, ok := bot.Environment[name]; !ok {
			t.Errorf("the config uses ${%s}, which the service's environment does not set", name)
		}
	}
}
