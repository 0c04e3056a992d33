package exportgen

import (
	"strings"
	"time"
)

// The sample workspace shared by examples/sprintguard.yaml and
// examples/slack-export: fixed ids so configuration and export agree.
const (
	teamID = "T0ACMEHQ1"
	domain = "acme.io"
)

// Channel ids.
const (
	chPlatformHelp = "C0PLATHELP"
	chDataHelp     = "C0DATAHELP"
	chPlatform     = "C0PLATFORM"
	chData         = "C0DATA"
	chGeneral      = "C0GENERAL"
	chDeploys      = "C0DEPLOYS"
)

type person struct {
	id, handle, real, display, title, tz string
	group                                string // requester group, "platform", "data" or "bot"
	botID, appID                         string
}

func (p person) email() string { return p.handle + "@" + domain }

var people = []person{
	{id: "U0PLAT001", handle: "alice.martin", real: "Alice Martin", display: "alice", title: "Engineering Manager, Platform", tz: "America/Chicago", group: "platform"},
	{id: "U0PLAT002", handle: "bilal.haddad", real: "Bilal Haddad", display: "bilal", title: "Site Reliability Engineer", tz: "America/Chicago", group: "platform"},
	{id: "U0PLAT003", handle: "chen.wei", real: "Chen Wei", display: "chen.wei", title: "Senior DevOps Engineer", tz: "America/Chicago", group: "platform"},
	{id: "U0PLAT004", handle: "dana.okafor", real: "Dana Okafor", title: "Platform Engineer", tz: "America/Chicago", group: "platform"},
	{id: "U0DATA001", handle: "eva.lindqvist", real: "Eva Lindqvist", display: "eva", title: "Data Engineering Lead", tz: "Europe/Berlin", group: "data"},
	{id: "U0DATA002", handle: "farid.nasser", real: "Farid Nasser", display: "farid", title: "Data Engineer", tz: "Europe/Berlin", group: "data"},
	{id: "U0DATA003", handle: "grace.kim", real: "Grace Kim", title: "Analytics Engineer", tz: "Europe/Berlin", group: "data"},
	{id: "U0PAY001", handle: "hugo.silva", real: "Hugo Silva", display: "hugo", title: "Staff Engineer, Payments", tz: "Europe/Lisbon", group: "payments"},
	{id: "U0PAY002", handle: "ines.moreau", real: "Ines Moreau", display: "ines.m", title: "Backend Engineer, Payments", tz: "Europe/Paris", group: "payments"},
	{id: "U0PAY003", handle: "jonas.becker", real: "Jonas Becker", title: "Backend Engineer, Payments", tz: "Europe/Berlin", group: "payments"},
	{id: "U0MOB001", handle: "kenji.sato", real: "Kenji Sato", display: "kenji", title: "iOS Engineer", tz: "America/Los_Angeles", group: "mobile"},
	{id: "U0MOB002", handle: "lena.novak", real: "Lena Novak", title: "Android Engineer", tz: "Europe/Prague", group: "mobile"},
	{id: "U0SUP001", handle: "maya.cohen", real: "Maya Cohen", display: "maya (support)", title: "Customer Support Lead", tz: "America/New_York", group: "support"},
	{id: "U0SUP002", handle: "nikhil.rao", real: "Nikhil Rao", display: "nikhil", title: "Support Engineer", tz: "Asia/Kolkata", group: "support"},
	{id: "U0SUP003", handle: "olga.petrova", real: "Olga Petrova", display: "olga", title: "Support Engineer", tz: "Europe/Warsaw", group: "support"},
	{id: "U0PM0001", handle: "pablo.ruiz", real: "Pablo Ruiz", display: "pablo", title: "Product Manager, Checkout", tz: "Europe/Madrid", group: "product"},
	{id: "U0PM0002", handle: "quinn.taylor", real: "Quinn Taylor", display: "quinn", title: "Product Manager, Mobile", tz: "America/New_York", group: "product"},
	{id: "U0ANA001", handle: "rosa.alves", real: "Rosa Alves", display: "rosa", title: "Data Analyst", tz: "Europe/Lisbon", group: "analytics"},
	{id: "U0ANA002", handle: "sam.oneil", real: "Sam O'Neil", display: "sam", title: "Senior Data Analyst", tz: "Europe/Dublin", group: "analytics"},
	{id: "U0SEC001", handle: "tariq.aziz", real: "Tariq Aziz", display: "tariq (security)", title: "Security Engineer", tz: "Europe/London", group: "security"},
	{id: "U0BOTDEPL", handle: "deploybot", real: "deploybot", tz: "America/Los_Angeles", group: "bot", botID: "B0DEPLOY1", appID: "A0DEPLOY1"},
	{id: "U0BOTPAGE", handle: "pagerbot", real: "pagerbot", tz: "America/Los_Angeles", group: "bot", botID: "B0PAGER01", appID: "A0PAGER01"},
}

func personByID(id string) person {
	for _, p := range people {
		if p.id == id {
			return p
		}
	}
	panic("exportgen: unknown person " + id)
}

// team is one of the two teams that run an intake channel.
type team struct {
	name, intake, channel, group string
	lead                         string
	rotation                     []string
	tz                           string
	handoff                      time.Weekday
	handoffHour                  int
	rotationStart                string // date of the first handoff
	share                        float64
	oncallGroup                  string // user group id and handle for @mentions
	oncallHandle                 string
	ticketPrefix                 string
}

var teams = []team{
	{
		name: "platform", intake: chPlatformHelp, channel: chPlatform, group: "platform",
		lead: "U0PLAT001", rotation: []string{"U0PLAT002", "U0PLAT003", "U0PLAT004"},
		tz: "America/Chicago", handoff: time.Monday, handoffHour: 10, rotationStart: "2026-01-05",
		share: 0.62, oncallGroup: "S0PLATONCALL", oncallHandle: "@platform-oncall", ticketPrefix: "PLAT",
	},
	{
		name: "data", intake: chDataHelp, channel: chData, group: "data",
		lead: "U0DATA001", rotation: []string{"U0DATA002", "U0DATA003"},
		tz: "Europe/Berlin", handoff: time.Tuesday, handoffHour: 9, rotationStart: "2026-01-06",
		share: 0.38, oncallGroup: "S0DATAONCALL", oncallHandle: "@data-oncall", ticketPrefix: "DATA",
	},
}

func (t team) members() []string {
	return append([]string{t.lead}, t.rotation...)
}

// onCall returns who holds the team's rotation at instant at: shifts are one
// week long and change at the handoff weekday and local hour.
func (t team) onCall(at time.Time, loc *time.Location) string {
	local := at.In(loc)
	start, _ := time.ParseInLocation(time.DateOnly, t.rotationStart, loc)
	days := int(civilDays(local) - civilDays(start))
	// Step back to the most recent handoff at or before local.
	back := (int(local.Weekday()) - int(t.handoff) + 7) % 7
	if back == 0 && local.Hour() < t.handoffHour {
		back = 7
	}
	// days-back is a whole number of weeks because rotationStart falls on
	// the handoff weekday, so truncating division is exact.
	weeks := (days - back) / 7
	n := len(t.rotation)
	return t.rotation[((weeks%n)+n)%n]
}

// civilDays counts calendar days since the epoch for the local date of t,
// so DST changes do not shift the count.
func civilDays(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

type channelDef struct {
	id, name, purpose, topic string
	general                  bool
}

var channelDefs = []channelDef{
	{id: chGeneral, name: "general", general: true, purpose: "Company-wide announcements and work-based matters", topic: "All-hands Thursdays 16:00 CET"},
	{id: chPlatformHelp, name: "platform-help", purpose: "Ask the platform team: access, deploys, infra, CI. Emergencies: page <!subteam^S0PLATONCALL|@platform-oncall>", topic: "Please use /sg ask for new requests :ticket:"},
	{id: chDataHelp, name: "data-help", purpose: "Questions and requests for the data team: warehouse, dbt, Airflow, dashboards", topic: "On call: <!subteam^S0DATAONCALL|@data-oncall>"},
	{id: chPlatform, name: "platform", purpose: "Platform team internal channel"},
	{id: chData, name: "data-team", purpose: "Data team internal channel"},
	{id: chDeploys, name: "deploys", purpose: "Deploy notifications from deploybot", topic: "Freeze calendar: <https://wiki.acme.io/release/freeze|wiki>"},
}

func channelIndex(id string) int {
	for i, c := range channelDefs {
		if c.id == id {
			return i
		}
	}
	panic("exportgen: unknown channel " + id)
}

// zoneLabels are the long names Slack shows in tz_label.
var zoneLabels = map[string][2]string{
	"America/Chicago":     {"Central Standard Time", "Central Daylight Time"},
	"America/New_York":    {"Eastern Standard Time", "Eastern Daylight Time"},
	"America/Los_Angeles": {"Pacific Standard Time", "Pacific Daylight Time"},
	"Europe/Berlin":       {"Central European Time", "Central European Summer Time"},
	"Europe/Paris":        {"Central European Time", "Central European Summer Time"},
	"Europe/Madrid":       {"Central European Time", "Central European Summer Time"},
	"Europe/Prague":       {"Central European Time", "Central European Summer Time"},
	"Europe/Warsaw":       {"Central European Time", "Central European Summer Time"},
	"Europe/Lisbon":       {"Western European Time", "Western European Summer Time"},
	"Europe/London":       {"Greenwich Mean Time", "British Summer Time"},
	"Europe/Dublin":       {"Greenwich Mean Time", "Irish Standard Time"},
	"Asia/Kolkata":        {"India Standard Time", "India Standard Time"},
}

func firstName(real string) string {
	f, _, _ := strings.Cut(real, " ")
	return f
}

func lastName(real string) string {
	_, l, _ := strings.Cut(real, " ")
	return l
}
