package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/internal/cli"
)

// Each Slack mode needs its own token only, here as in the README: `check`
// passes the shipped config switched to HTTP mode without SLACK_APP_TOKEN,
// and the manifests start without that key in the Secret; Socket Mode
// without it is still refused, naming app_token.
func TestEachSlackModeNeedsOnlyItsOwnToken(t *testing.T) {
	d := load(t)
	tests := []struct {
		name, mode string
		unset      string
		code       int
		want       string
	}{
		{"http without the app token", "http", "SLACK_APP_TOKEN", cli.ExitOK, "slack http mode, credentials present"},
		{"socket without the signing secret", "socket", "SLACK_SIGNING_SECRET", cli.ExitOK, "slack socket mode, credentials present"},
		{"socket without the app token", "socket", "SLACK_APP_TOKEN", cli.ExitFail, "slack mode `socket` needs `app_token`"},
		{"http without the signing secret", "http", "SLACK_SIGNING_SECRET", cli.ExitFail, "slack mode `http` needs `signing_secret`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := strings.Replace(d.cfgText, "  mode: socket\n", "  mode: "+tt.mode+"\n", 1)
			if tt.mode != "socket" && text == d.cfgText {
				t.Fatal("the ConfigMap's config has no `mode: socket` line to switch")
			}
			path := filepath.Join(t.TempDir(), configKey)
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errs strings.Builder
			env := cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs, Now: time.Now,
				Getenv: func(k string) string {
					if k == tt.unset {
						return ""
					}
					return d.getenv(k)
				}}
			code := cli.Main(context.Background(), []string{"check", "--config", path}, env)
			if code != tt.code || !strings.Contains(out.String()+errs.String(), tt.want) {
				t.Errorf("check: exit %d, want %d with %q\n%s%s", code, tt.code, tt.want, out.String(), errs.String())
			}
		})
	}
	for _, c := range append([]container{d.bot}, d.backupPod().Spec.Containers...) {
		if !runsBinary(c) {
			continue
		}
		i := slices.IndexFunc(c.Env, func(e envVar) bool { return e.Name == "SLACK_APP_TOKEN" })
		if i < 0 || c.Env[i].ValueFrom.SecretKeyRef == nil || !c.Env[i].ValueFrom.SecretKeyRef.Optional {
			t.Errorf("%s: SLACK_APP_TOKEN must come from the Secret as optional, so that HTTP mode starts without it", c.Name)
		}
	}
}
