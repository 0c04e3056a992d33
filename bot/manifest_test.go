package bot

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sprintguard/sprintguard/config"
)

// manifest is the part of a Slack app manifest that must agree with the bot.
type manifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTab         bool `yaml:"home_tab_enabled"`
			MessagesTab     bool `yaml:"messages_tab_enabled"`
			MessagesTabRead bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			URL          string `yaml:"url"`
			Description  string `yaml:"description"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape bool   `yaml:"should_escape"`
		} `yaml:"slash_commands"`
		Shortcuts []struct {
			Name        string `yaml:"name"`
			Type        string `yaml:"type"`
			CallbackID  string `yaml:"callback_id"`
			Description string `yaml:"description"`
		} `yaml:"shortcuts"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

func loadManifest(t *testing.T) manifest {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "deploy", "slack-app-manifest.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("slack-app-manifest.yaml: %v", err)
	}
	return m
}

// defaultCommand is the slash command a config gets when it names none.
func defaultCommand(t *testing.T) string {
	t.Helper()
	const minimal = `
teams:
  - name: t
    timezone: UTC
    oncall: {rotation: [U01]}
    sprint: {start: 2026-01-05, capacity: 40}
    rules: [{name: fallback, default: true, urgency: P3}]
`
	cfg, err := config.Parse("minimal.yaml", []byte(minimal), func(string) string { return "" })
	if err != nil {
		t.Fatalf("parse a minimal config: %v", err)
	}
	return cfg.Slack.Command
}

func TestManifestMatchesTheBot(t *testing.T) {
	m := loadManifest(t)

	t.Run("metadata and display", func(t *testing.T) {
		if m.Metadata.MajorVersion != 1 {
			t.Errorf("_metadata.major_version %d, want 1", m.Metadata.MajorVersion)
		}
		di := m.DisplayInformation
		if di.Name != "sprintguard" || m.Features.BotUser.DisplayName != "sprintguard" || !m.Features.BotUser.AlwaysOnline {
			t.Errorf("name %q, bot user %+v", di.Name, m.Features.BotUser)
		}
		// Slack refuses a manifest whose descriptions are outside these lengths.
		if n := len(di.Description); n == 0 || n > 140 {
			t.Errorf("description is %d characters, Slack allows 1-140", n)
		}
		if n := len(di.LongDescription); n != 0 && (n < 175 || n > 4000) {
			t.Errorf("long_description is %d characters, Slack allows 175-4000", n)
		}
		home := m.Features.AppHome
		if !home.HomeTab || !home.MessagesTab || home.MessagesTabRead {
			t.Errorf("app_home %+v: the bot needs the Home tab and a writable Messages tab", home)
		}
	})

	t.Run("slash command", func(t *testing.T) {
		want := defaultCommand(t)
		if want == "" {
			t.Fatal("the config has no default slash command")
		}
		if len(m.Features.SlashCommands) != 1 {
			t.Fatalf("%d slash commands, want 1", len(m.Features.SlashCommands))
		}
		c := m.Features.SlashCommands[0]
		if c.Command != want {
			t.Errorf("command %q, want the config default %q", c.Command, want)
		}
		if !c.ShouldEscape || c.Description == "" {
			t.Errorf("should_escape %v (want true: `oncall swap` needs user ids), description %q", c.ShouldEscape, c.Description)
		}
		for _, sub := range []string{"ask <text>", "help", "budget", "oncall", "status [KEY]", "report", "handoff note <text>"} {
			if !strings.Contains(c.UsageHint, sub) {
				t.Errorf("usage_hint %q lacks %q", c.UsageHint, sub)
			}
		}
	})

	t.Run("shortcut", func(t *testing.T) {
		if len(m.Features.Shortcuts) != 1 {
			t.Fatalf("%d shortcuts, want 1", len(m.Features.Shortcuts))
		}
		s := m.Features.Shortcuts[0]
		// Must equal the callback id the bot's interactivity handler routes on.
		if s.CallbackID != "sg_create_request" || s.Type != "message" || s.Name != "Create request" || s.Description == "" {
			t.Errorf("shortcut %+v", s)
		}
	})

	t.Run("events and their scopes", func(t *testing.T) {
		// Every event the bot handles, with the scope Slack requires for it.
		handled := map[string]string{
			"app_mention":      "app_mentions:read",
			"app_home_opened":  "",
			"message.channels": "channels:history",
			"message.groups":   "groups:history",
			"message.im":       "im:history",
			"reaction_added":   "reactions:read",
		}
		for ev, scope := range handled {
			if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, ev) {
				t.Errorf("bot_events lacks %s", ev)
			}
			if scope != "" && !slices.Contains(m.OAuthConfig.Scopes.Bot, scope) {
				t.Errorf("%s is subscribed but its scope %s is missing", ev, scope)
			}
		}
		for _, ev := range m.Settings.EventSubscriptions.BotEvents {
			if _, ok := handled[ev]; !ok {
				t.Errorf("bot_events has %s, which the bot does not handle", ev)
			}
		}
	})

	t.Run("scopes", func(t *testing.T) {
		required := []string{
			"app_mentions:read", "channels:history", "groups:history", "im:history", "mpim:history",
			"channels:read", "groups:read", "im:read", "im:write", "chat:write", "commands",
			"reactions:read", "users:read", "users:read.email", "usergroups:read", "usergroups:write",
			"files:write", "channels:write.topic", "groups:write.topic",
		}
		for _, s := range required {
			if !slices.Contains(m.OAuthConfig.Scopes.Bot, s) {
				t.Errorf("scopes.bot lacks %s", s)
			}
		}
		// conversations.list lists the types serve asks for only with each
		// type's read scope.
		for _, s := range []string{"channels:read", "groups:read"} {
			if !slices.Contains(Methods, "conversations.list") || !slices.Contains(m.OAuthConfig.Scopes.Bot, s) {
				t.Errorf("conversations.list needs %s", s)
			}
		}
		seen := map[string]bool{}
		for _, s := range m.OAuthConfig.Scopes.Bot {
			if seen[s] {
				t.Errorf("scope %s listed twice", s)
			}
			seen[s] = true
		}
	})

	t.Run("request URLs", func(t *testing.T) {
		tests := []struct {
			name, url, path string
		}{
			{"slash command", firstURL(m), "/slack/commands"},
			{"events", m.Settings.EventSubscriptions.RequestURL, "/slack/events"},
			{"interactivity", m.Settings.Interactivity.RequestURL, "/slack/interactivity"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := url.Parse(tt.url)
				if err != nil || u.Scheme != "https" || u.Host == "" || u.Path != tt.path {
					t.Errorf("%q: want an https URL whose path is %s", tt.url, tt.path)
				}
			})
		}
		if !m.Settings.Interactivity.IsEnabled {
			t.Error("interactivity is disabled; the buttons and the shortcut need it")
		}
	})

	t.Run("settings", func(t *testing.T) {
		s := m.Settings
		if !s.SocketModeEnabled || s.OrgDeployEnabled || s.TokenRotationEnabled {
			t.Errorf("socket_mode_enabled %v, org_deploy_enabled %v, token_rotation_enabled %v; want true, false, false",
				s.SocketModeEnabled, s.OrgDeployEnabled, s.TokenRotationEnabled)
		}
	})
}

func firstURL(m manifest) string {
	if len(m.Features.SlashCommands) == 0 {
		return ""
	}
	return m.Features.SlashCommands[0].URL
}
