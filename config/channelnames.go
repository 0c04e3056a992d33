package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Where a channel is used, for ChannelName.Use.
const (
	UseTeam   = "channel"         // a team's own channel, where posts go
	UseIntake = "intake.channels" // a channel requests are taken in
	UseReport = "report.channel"  // where the weekly report goes
	UseRule   = "rules[].channel" // a rule's channel matcher
)

// ChannelName is a channel written as "#name" in the config. Slack's Events
// API and its readers take ids only, so serve looks each name up at start;
// File and Line place it for the error when Slack does not know it.
type ChannelName struct {
	Name string // without the '#'
	Use  string // UseTeam, UseIntake, UseReport or UseRule
	File string
	Line int
}

// noteChannel records s, found at n for use, when it is a "#name".
func (d *decoder) noteChannel(n *yaml.Node, s, use string) {
	name, ok := strings.CutPrefix(s, "#")
	if !ok {
		return
	}
	cn := ChannelName{Name: name, Use: use, File: d.file}
	if n != nil {
		cn.Line = n.Line
	}
	d.names = append(d.names, cn)
}

// channelValue is the parse function of a single channel field used as use.
func (d *decoder) channelValue(n *yaml.Node, use string) func(string) (string, *problem) {
	return func(s string) (string, *problem) {
		if p := checkChannel(s); p != nil {
			return "", p
		}
		d.noteChannel(n, s, use)
		return s, nil
	}
}

// channels decodes a rule's `channel` list.
func (d *decoder) channels(n *yaml.Node) []string {
	var out []string
	for _, it := range d.items("`channel`", n) {
		if p := checkChannel(it.text); p != nil {
			d.report(it.node, "`channel` item", p)
			continue
		}
		d.noteChannel(it.node, it.text, UseRule)
		out = append(out, it.text)
	}
	return out
}
