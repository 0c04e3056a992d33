package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// config decodes the top level.
func (d *decoder) config(root *yaml.Node) *Config {
	c := &Config{
		Path:    d.file,
		Storage: Storage{Driver: DriverBolt, Path: "sprintguard.db", DedupeTTL: 24 * time.Hour},
		Server:  Server{Listen: ":8080", AdminListen: "127.0.0.1:8081", ShutdownTimeout: 20 * time.Second},
		Slack:   Slack{Mode: ModeSocket, APIURL: "https://slack.com/api/", Command: "/sg", Pacing: PacingSlack},
		Tracker: Tracker{Kind: TrackerLocal, Local: LocalTracker{Prefix: "REQ"}, Jira: JiraTracker{
			JiraProject: JiraProject{IssueType: "Task"}, SyncEvery: time.Minute, Timeout: 15 * time.Second, MapTTL: 24 * time.Hour},
			GitHub: defaultGitHub(), GitLab: defaultGitLab()},
	}
	if root = deref(root); root.Kind != yaml.MappingNode {
		d.errAt(root, "a config must be a mapping of keys such as `teams:`, got "+kindName(root), "")
		return c
	}
	var rulesFile, rules, teams *yaml.Node
	seen := d.fields(root, "the top level", map[string]func(*yaml.Node){
		"storage":    func(n *yaml.Node) { d.storage(n, &c.Storage) },
		"server":     func(n *yaml.Node) { d.server(n, &c.Server) },
		"slack":      func(n *yaml.Node) { d.slack(n, &c.Slack) },
		"tracker":    func(n *yaml.Node) { d.tracker(n, &c.Tracker) },
		"groups":     func(n *yaml.Node) { c.Groups = d.groups(n) },
		"rules_file": func(n *yaml.Node) { rulesFile = n },
		"rules":      func(n *yaml.Node) { rules = n },
		"teams":      func(n *yaml.Node) { teams = n },
		"people":     func(n *yaml.Node) { c.People = d.people(n) },
		"pagerduty":  func(n *yaml.Node) { d.pagerDuty(n, &c.PagerDuty) },
	})
	if c.PagerDuty.APIURL == "" {
		c.PagerDuty.APIURL = "https://api.pagerduty.com"
	}
	if c.PagerDuty.EventsURL == "" {
		c.PagerDuty.EventsURL = "https://events.pagerduty.com"
	}
	c.Storage.Path = d.resolvePath(c.Storage.Path)
	if k := seen["storage"]; k != nil {
		c.Storage.Line = k.Line
	}
	if k := seen["slack"]; k != nil {
		c.Slack.Line = k.Line
	}
	if k := seen["tracker"]; k != nil {
		c.Tracker.Line = k.Line
	}
	shared := d.ruleSource("the top level", seen["rules_file"], rulesFile, seen["rules"], rules)
	c.Rules, c.RulesFile = shared.rules, shared.file
	c.Teams = d.teams(seen["teams"], teams, shared)
	d.checkPagerDutyToken(c)
	return c
}

// storage decodes `storage:`.
func (d *decoder) storage(n *yaml.Node, s *Storage) {
	urlReported := false
	seen := d.fields(n, "storage", map[string]func(*yaml.Node){
		"driver": func(v *yaml.Node) { d.choice("`driver`", v, &s.Driver, DriverBolt, DriverPostgres) },
		"path":   func(v *yaml.Node) { d.str("`path`", v, &s.Path) },
		"url":    func(v *yaml.Node) { urlReported = d.databaseURL(v, &s.URL) },
		"lease": func(v *yaml.Node) {
			if parsed(d, "`lease`", v, &s.Lease, parseDuration) && s.Lease < time.Second {
				d.errAt(v, "`lease` must be at least 1s", "longer than the slowest Slack or tracker call; a replica that dies holds its work this long")
			}
		},
		"dedupe_ttl": func(v *yaml.Node) {
			if parsed(d, "`dedupe_ttl`", v, &s.DedupeTTL, parseDuration) && s.DedupeTTL < time.Hour {
				d.errAt(v, "`dedupe_ttl` must be at least 1h", "Slack retries events for up to an hour")
				s.DedupeTTL = time.Hour
			}
		},
		"retention": func(v *yaml.Node) {
			if parsed(d, "`retention`", v, &s.Retention, parseRetention) && s.Retention != 0 && s.Retention < day {
				d.errAt(v, "`retention` must be 0 (keep forever) or at least 1d", "")
			}
		},
	})
	d.needDatabaseURL(n, seen, s, urlReported)
}

// parseRetention reads a number of days (the documented form) or a duration.
func parseRetention(s string) (time.Duration, *problem) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return 0, &problem{msg: fmt.Sprintf("must not be negative, got %q", s)}
		}
		return time.Duration(n) * day, nil
	}
	return parseDuration(s)
}

// server decodes `server:`.
func (d *decoder) server(n *yaml.Node, s *Server) {
	d.fields(n, "server", map[string]func(*yaml.Node){
		"listen": func(v *yaml.Node) {
			parsed(d, "`listen`", v, &s.Listen, func(x string) (string, *problem) { return x, checkListen(x) })
		},
		"admin_listen": func(v *yaml.Node) {
			parsed(d, "`admin_listen`", v, &s.AdminListen, func(x string) (string, *problem) { return x, checkLoopback(x) })
		},
		"shutdown_timeout": func(v *yaml.Node) {
			if parsed(d, "`shutdown_timeout`", v, &s.ShutdownTimeout, parseDuration) && s.ShutdownTimeout <= 0 {
				d.errAt(v, "`shutdown_timeout` must be more than 0", "for example 20s")
			}
		},
	})
}

// slack decodes `slack:`. Whether the credentials the mode needs are present
// is CheckSlack's business, so that `check` works without secrets.
func (d *decoder) slack(n *yaml.Node, s *Slack) {
	var pacing *yaml.Node
	defer func() {
		// Checked once the section is read, as api_url may come after it.
		if pacing != nil && s.Pacing == PacingOff && isSlackCom(s.APIURL) {
			d.errAt(pacing, "`pacing: off` is not allowed with api_url "+s.APIURL+": slack.com's limits are shared by every replica and only the pacer keeps them",
				"remove `pacing` (the default is slack); off is for an api_url that enforces its own limits, such as a proxy or a test fake")
		}
	}()
	d.fields(n, "slack", map[string]func(*yaml.Node){
		"mode": func(v *yaml.Node) { d.choice("`mode`", v, &s.Mode, ModeSocket, ModeHTTP) },
		"pacing": func(v *yaml.Node) {
			pacing = v
			d.choice("`pacing`", v, &s.Pacing, PacingSlack, PacingOff)
		},
		"bot_token": func(v *yaml.Node) {
			d.secret("`bot_token`", v, &s.BotToken)
			d.tokenPrefix(v, "`bot_token`", &s.BotToken, "xoxb-", "a bot token (xoxb-...), from OAuth & Permissions")
		},
		"app_token": func(v *yaml.Node) {
			d.secret("`app_token`", v, &s.AppToken)
			d.tokenPrefix(v, "`app_token`", &s.AppToken, "xapp-", "an app-level token (xapp-...) with connections:write, from Basic Information")
		},
		"signing_secret": func(v *yaml.Node) { d.secret("`signing_secret`", v, &s.SigningSecret) },
		"api_url": func(v *yaml.Node) {
			if parsed(d, "`api_url`", v, &s.APIURL, func(x string) (string, *problem) { return x, checkURL(x) }) &&
				!strings.HasSuffix(s.APIURL, "/") {
				s.APIURL += "/"
			}
		},
		"command": func(v *yaml.Node) {
			parsed(d, "`command`", v, &s.Command, func(x string) (string, *problem) {
				if commandRE.MatchString(x) {
					return x, nil
				}
				return "", &problem{msg: fmt.Sprintf("must be a slash command such as /sg, got %q", x), hint: "a / then lowercase letters, digits, - or _"}
			})
		},
	})
}

// tokenPrefix checks a token's kind without ever printing the token.
func (d *decoder) tokenPrefix(n *yaml.Node, label string, s *Secret, prefix, what string) {
	if !s.IsSet() || strings.HasPrefix(s.value, prefix) {
		return
	}
	*s = Secret{}
	d.errAt(n, fmt.Sprintf("%s must start with %s", label, prefix), "use "+what)
}

// tracker decodes `tracker:`.
func (d *decoder) tracker(n *yaml.Node, t *Tracker) {
	url := func(label string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			parsed(d, label, v, dst, func(x string) (string, *problem) { return x, checkURL(x) })
		}
	}
	d.fields(n, "tracker", map[string]func(*yaml.Node){
		"kind":   func(v *yaml.Node) { d.choice("`kind`", v, &t.Kind, trackerKinds...) },
		"github": func(v *yaml.Node) { d.githubTracker(v, &t.GitHub) },
		"gitlab": func(v *yaml.Node) { d.gitlabTracker(v, &t.GitLab) },
		"local": func(v *yaml.Node) {
			d.fields(v, "tracker.local", map[string]func(*yaml.Node){
				"prefix": func(v *yaml.Node) {
					parsed(d, "`prefix`", v, &t.Local.Prefix, func(x string) (string, *problem) {
						if prefixRE.MatchString(x) {
							return x, nil
						}
						return "", &problem{msg: fmt.Sprintf("must be 2-10 capital letters or digits starting with a letter, got %q", x), hint: "for example REQ"}
					})
				},
				"url": url("`url`", &t.Local.URL),
			})
		},
		"jira": func(v *yaml.Node) {
			d.fields(v, "tracker.jira", d.jiraProject(&t.Jira.JiraProject, map[string]func(*yaml.Node){
				"url":        url("`url`", &t.Jira.URL),
				"user":       func(v *yaml.Node) { d.str("`user`", v, &t.Jira.User) },
				"token":      func(v *yaml.Node) { d.secret("`token`", v, &t.Jira.Token) },
				"sync_every": func(v *yaml.Node) { d.durationAtLeast("`sync_every`", v, &t.Jira.SyncEvery, 10*time.Second) },
				"timeout":    func(v *yaml.Node) { d.durationAtLeast("`timeout`", v, &t.Jira.Timeout, time.Second) },
				"user_cache": func(v *yaml.Node) { d.durationAtLeast("`user_cache`", v, &t.Jira.MapTTL, time.Minute) },
			}))
		},
	})
}

// groups decodes `groups:`, handle -> user ids.
func (d *decoder) groups(n *yaml.Node) map[string][]string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errAt(n, "`groups` must be a mapping of handle to user ids, got "+kindName(n), "for example payments: [U0PAY001, U0PAY002]")
		return nil
	}
	out := map[string][]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		name := strings.TrimPrefix(k.Value, "@")
		if !handleRE.MatchString(name) {
			d.errAt(k, fmt.Sprintf("group handle %q must be lowercase letters, digits, -, _ or .", k.Value), "write the handle without @")
			continue
		}
		if _, dup := out[name]; dup {
			d.errAt(k, fmt.Sprintf("group `%s` is defined twice", name), "")
			continue
		}
		out[name] = d.strs(fmt.Sprintf("group `%s`", name), n.Content[i+1], checkUser)
	}
	return out
}
