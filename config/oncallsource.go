package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// On-call schedule sources.
const (
	SourceYAML      = "yaml"
	SourceICal      = "ical"
	SourcePagerDuty = "pagerduty"
)

// defaultRefresh is how often a schedule source is read when `refresh` is
// not given.
const defaultRefresh = 5 * time.Minute

// ICalSource is a team's on-call kept in an iCalendar feed. The URL is a
// Secret: calendar apps hand out secret addresses.
type ICalSource struct {
	URL     Secret
	Refresh time.Duration
}

// PagerDutySource is a team's on-call kept in a PagerDuty schedule.
type PagerDutySource struct {
	Schedule string // schedule id, e.g. PABC123
	Refresh  time.Duration
	// RoutingKey is the Events API integration key of the team's service;
	// empty means the top-level one.
	RoutingKey Secret

	badSchedule bool // given but invalid, already reported
}

// PagerDuty holds the PagerDuty credentials and endpoints. Line is the
// line of the `pagerduty:` key (0 when absent).
type PagerDuty struct {
	Token      Secret // REST API token
	RoutingKey Secret // Events API integration key, for teams without their own
	APIURL     string // default https://api.pagerduty.com
	EventsURL  string // default https://events.pagerduty.com
	Line       int
}

var pagerDutyIDRE = regexp.MustCompile(`^P[A-Z0-9]{5,13}$`)

// oncallSource decodes a team's `source:`, `ical:` and `pagerduty:` keys
// inside `oncall:`; it returns the handlers for d.fields.
func (d *decoder) oncallSource(o *Oncall) map[string]func(*yaml.Node) {
	return map[string]func(*yaml.Node){
		"source": func(v *yaml.Node) {
			d.choice("`source`", v, &o.Source, SourceYAML, SourceICal, SourcePagerDuty)
			o.SourceLine = v.Line
		},
		"ical": func(v *yaml.Node) {
			o.ICal.Refresh = defaultRefresh
			d.fields(v, "ical", map[string]func(*yaml.Node){
				"url": func(u *yaml.Node) {
					d.secret("`url`", u, &o.ICal.URL)
					if path, ok := strings.CutPrefix(o.ICal.URL.Reveal(), "file:"); ok && path != "" {
						// A calendar file kept with the config: relative to it.
						o.ICal.URL = Secret{value: "file:" + d.resolvePath(path)}
						return
					}
					if s := o.ICal.URL.Reveal(); s != "" {
						if p, err := url.Parse(s); err != nil || (p.Scheme != "https" && p.Scheme != "http" && p.Scheme != "webcal") || p.Host == "" {
							// The value may be a secret address: never echo it.
							d.errAt(u, "`url` must be an https:// or webcal:// address of an iCalendar feed, or file: and a path", "the feed's secret address, e.g. url: ${PLATFORM_ONCALL_ICS}")
						}
					}
				},
				"refresh": func(r *yaml.Node) { d.refresh(r, &o.ICal.Refresh) },
			})
		},
		"page": func(v *yaml.Node) {
			d.choice("`page`", v, &o.Page, SourcePagerDuty)
			o.PageLine = v.Line
		},
		"pagerduty": func(v *yaml.Node) {
			o.PagerDuty.Refresh = defaultRefresh
			d.fields(v, "pagerduty", map[string]func(*yaml.Node){
				"schedule": func(s *yaml.Node) {
					o.PagerDuty.badSchedule = !parsed(d, "`schedule`", s, &o.PagerDuty.Schedule, func(x string) (string, *problem) {
						if pagerDutyIDRE.MatchString(x) {
							return x, nil
						}
						return "", &problem{msg: fmt.Sprintf("must be a PagerDuty schedule id such as PABC123, got %q", x), hint: "the id in the schedule's URL: /schedules/PABC123"}
					})
				},
				"refresh":     func(r *yaml.Node) { d.refresh(r, &o.PagerDuty.Refresh) },
				"routing_key": func(r *yaml.Node) { d.secret("`routing_key`", r, &o.PagerDuty.RoutingKey) },
			})
		},
	}
}

// SourceKind returns where the schedule is kept: SourceYAML when Source is
// empty.
func (o Oncall) SourceKind() string {
	if o.Source == "" {
		return SourceYAML
	}
	return o.Source
}

// refresh decodes a refresh interval: at least a minute, so that a typo
// cannot hammer the source.
func (d *decoder) refresh(v *yaml.Node, dst *time.Duration) {
	if parsed(d, "`refresh`", v, dst, parseDuration) && *dst < time.Minute {
		d.errAt(v, fmt.Sprintf("`refresh` must be at least 1m, got %s", *dst), "for example refresh: 5m")
		*dst = time.Minute
	}
}

// checkSource reports what a team's source needs but lacks. at is the
// `oncall:` node.
func (d *decoder) checkSource(name string, at *yaml.Node, o *Oncall, rotationSet bool) {
	if o.SourceLine != 0 && o.Source == "" {
		return // an unknown source, already reported
	}
	switch o.SourceKind() {
	case SourceYAML:
		if !rotationSet {
			d.errAt(at, fmt.Sprintf("team `%s` has no on-call `rotation`", name), "list at least one user id: rotation: [U0123ABCD, ...], or set source: ical or pagerduty")
		}
	case SourceICal:
		if !o.ICal.URL.given() {
			d.errAt(at, fmt.Sprintf("team `%s` follows an iCal feed (`source: ical`) but has no `ical.url`", name), "add ical: {url: ${PLATFORM_ONCALL_ICS}, refresh: 5m}")
		}
	case SourcePagerDuty:
		if o.PagerDuty.Schedule == "" && !o.PagerDuty.badSchedule {
			d.errAt(at, fmt.Sprintf("team `%s` follows PagerDuty (`source: pagerduty`) but has no `pagerduty.schedule`", name), "add pagerduty: {schedule: PABC123, refresh: 5m}")
		}
	}
}

// pagerDuty decodes the top-level `pagerduty:`.
func (d *decoder) pagerDuty(n *yaml.Node, p *PagerDuty) {
	p.Line = n.Line
	d.fields(n, "pagerduty", map[string]func(*yaml.Node){
		"token":       func(v *yaml.Node) { d.secret("`token`", v, &p.Token) },
		"routing_key": func(v *yaml.Node) { d.secret("`routing_key`", v, &p.RoutingKey) },
		"api_url":     func(v *yaml.Node) { d.baseURL("`api_url`", v, &p.APIURL) },
		"events_url":  func(v *yaml.Node) { d.baseURL("`events_url`", v, &p.EventsURL) },
	})
}

// baseURL decodes an http(s) base address without a trailing slash.
func (d *decoder) baseURL(label string, v *yaml.Node, dst *string) {
	parsed(d, label, v, dst, func(s string) (string, *problem) {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", &problem{msg: fmt.Sprintf("must be an http(s) address, got %q", s), hint: "for example https://api.eu.pagerduty.com"}
		}
		return strings.TrimRight(s, "/"), nil
	})
}

// checkPagerDutyToken reports teams that follow PagerDuty while the
// top-level `pagerduty.token` is unset, at each team's `source:` line, and
// teams that page through PagerDuty without a routing key.
func (d *decoder) checkPagerDutyToken(c *Config) {
	for _, t := range c.Teams {
		if t.Oncall.Page == SourcePagerDuty && !t.Oncall.PagerDuty.RoutingKey.given() && !c.PagerDuty.RoutingKey.given() {
			d.errs = append(d.errs, Error{File: t.File, Line: t.Oncall.PageLine,
				Msg:  fmt.Sprintf("team `%s` pages through PagerDuty (`page: pagerduty`) but has no routing key", t.Name),
				Hint: "set pagerduty: {routing_key: ${PAGERDUTY_ROUTING_KEY}} at the top level or in the team's oncall"})
		}
	}
	if c.PagerDuty.Token.given() {
		return
	}
	for _, t := range c.Teams {
		if t.Oncall.Source == SourcePagerDuty {
			d.errs = append(d.errs, Error{File: t.File, Line: t.Oncall.SourceLine,
				Msg:  fmt.Sprintf("team `%s` follows PagerDuty but the top-level `pagerduty.token` is not set", t.Name),
				Hint: "add at the top level pagerduty: {token: ${PAGERDUTY_TOKEN}} and export PAGERDUTY_TOKEN"})
		}
	}
}
