// Package config reads sprintguard's YAML configuration: the schema, its
// defaults, ${ENV} expansion and a validation that reports every problem at
// once as FILE:LINE: what is wrong (hint).
//
// Conventions of the decoded values: durations are time.Duration; dates are
// time.Time values holding a civil date at 00:00 UTC, which the caller
// places in the team's zone (Team.Location); percentages are fractions (20%
// is 0.2); times of day are Clock values in the team's zone. A key that is
// absent, null or expands to an empty string gets its default.
//
// A *Config returned by Load or Parse is not modified afterwards, so it may be
// read from any number of goroutines.
package config

import (
	"time"
	_ "time/tzdata" // the binary ships alone or in a scratch container, which has no zoneinfo
)

// Slack connection modes and tracker kinds.
const (
	ModeSocket   = "socket"
	ModeHTTP     = "http"
	TrackerLocal = "local"
	TrackerJira  = "jira"
)

// Config is a loaded, validated configuration.
type Config struct {
	Path    string // the file as given to Load or Parse
	Storage Storage
	Server  Server
	Slack   Slack
	Tracker Tracker
	// Groups maps a Slack user-group handle, without the @, to its members'
	// user ids; rules refer to them as "@handle".
	Groups    map[string][]string
	Rules     []Rule // the shared rules, from RulesFile or inline
	RulesFile string // resolved path of the shared rules file, or ""
	Teams     []Team
	// People maps Slack users to how schedules, trackers and other systems name them.
	People []Person
	// PagerDuty holds the REST and Events API settings.
	PagerDuty PagerDuty
	// ChannelNames lists every channel written as "#name", wherever it is
	// used, for serve to look up (see ChannelName).
	ChannelNames []ChannelName
}

// Storage drivers.
const (
	DriverBolt     = "bolt"
	DriverPostgres = "postgres"
)

// Storage is where the database lives and how long things are kept. Line
// is the line of the `storage:` key (0 when absent).
type Storage struct {
	Driver    string        // DriverBolt (the default) or DriverPostgres
	Path      string        // bolt: resolved against the config file's directory
	URL       Secret        // postgres: the connection URL, which may hold a password
	Lease     time.Duration // postgres: how long a replica holds the jobs and deliveries it took; 0 is the driver's default
	Line      int
	DedupeTTL time.Duration // how long an event id is remembered (>= 1h)
	Retention time.Duration // how long request text is kept; 0 keeps it forever
}

// Server holds the HTTP listeners.
type Server struct {
	Listen          string // Slack endpoints, health and metrics
	AdminListen     string // always a loopback address
	ShutdownTimeout time.Duration
}

// Slack holds the Slack credentials and endpoints. Line is the line of the
// `slack:` key (0 when absent), which CheckSlack reports against.
type Slack struct {
	Mode          string // ModeSocket or ModeHTTP
	BotToken      Secret // xoxb-...
	AppToken      Secret // xapp-..., Socket Mode only
	SigningSecret Secret // HTTP mode only
	APIURL        string // always ends in "/"
	Command       string // the slash command, e.g. "/sg"
	// Pacing is PacingSlack (the default: every replica's Web API calls
	// together stay within Slack's published limits) or PacingOff (no
	// pacing of our own; only an api_url that is not slack.com may ask
	// for it, since such a proxy or fake enforces its own limits with a
	// 429 and Retry-After, which the gateway honours).
	Pacing string
	Line   int
}

// Slack pacing settings.
const (
	PacingSlack = "slack"
	PacingOff   = "off"
)

// Tracker selects where tickets are created. Line is the line of the
// `tracker:` key (0 when absent), which CheckTracker reports against.
type Tracker struct {
	Kind   string // TrackerLocal or TrackerJira
	Local  LocalTracker
	Jira   JiraTracker
	GitHub GitHubTracker
	GitLab GitLabTracker
	Line   int
}

// LocalTracker keeps tickets in sprintguard's own store.
type LocalTracker struct {
	Prefix string // ticket key prefix, e.g. "REQ" for REQ-42
	URL    string // base URL for ticket links, or ""
}

// JiraTracker creates tickets in Jira Cloud or Server.
type JiraTracker struct {
	URL   string // base URL, e.g. https://acme.atlassian.net
	User  string // the API user, usually an email
	Token Secret
	// JiraProject holds the defaults for every team: project, issue type
	// (default Task), board, urgency to priority, labels.
	JiraProject
	// SyncEvery is how often changes made in Jira are polled (default 1m).
	SyncEvery time.Duration
	// Timeout bounds each call to Jira (default 15s).
	Timeout time.Duration
	// MapTTL is how long a Slack user's Jira account is remembered (default 24h).
	MapTTL time.Duration
}

// Team returns the team with the given name. The pointer refers into
// c.Teams and must be treated as read-only. It may be called concurrently.
func (c *Config) Team(name string) (*Team, bool) {
	for i := range c.Teams {
		if c.Teams[i].Name == name {
			return &c.Teams[i], true
		}
	}
	return nil, false
}
