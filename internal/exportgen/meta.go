package exportgen

import (
	"fmt"
	"path/filepath"
	"time"
)

var userColors = []string{"9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "e0a729", "684b6c", "5b89d5", "53b759"}

// writeMeta writes channels.json, users.json and integration_logs.json once
// the messages are done, so channel members include everyone who joined.
func (g *generator) writeMeta() (int64, error) {
	var total int64
	for _, f := range []struct {
		name string
		v    any
	}{
		{"channels.json", g.channelsJSON()},
		{"users.json", g.usersJSON()},
		{"integration_logs.json", g.integrationsJSON()},
	} {
		n, err := writeJSON(filepath.Join(g.opt.Dir, f.name), f.v)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func (g *generator) created() int64 {
	return g.start.AddDate(-1, -2, 0).Unix()
}

func (g *generator) channelsJSON() []wireChannel {
	var out []wireChannel
	for i, c := range channelDefs {
		creator := teams[0].lead
		if c.id == chDataHelp || c.id == chData {
			creator = teams[1].lead
		}
		created := g.created() + int64(i)*86400*3 + 37*60
		members := []string{}
		for _, p := range people {
			if g.members[i][p.id] {
				members = append(members, p.id)
			}
		}
		ch := wireChannel{
			ID: c.id, Name: c.name, Created: created, Creator: creator, IsGeneral: c.general, Members: members,
			Topic:   wireValue{},
			Purpose: wireValue{Value: c.purpose, Creator: creator, LastSet: created},
		}
		if c.topic != "" {
			ch.Topic = wireValue{Value: c.topic, Creator: creator, LastSet: created + 86400*40}
		}
		out = append(out, ch)
	}
	return out
}

func (g *generator) usersJSON() []wireUser {
	var out []wireUser
	all := append(people[:len(people):len(people)], person{id: "USLACKBOT", handle: "slackbot", real: "Slackbot", display: "Slackbot", tz: "America/Los_Angeles"})
	for i, p := range all {
		loc, err := time.LoadLocation(p.tz)
		if err != nil {
			loc = time.UTC
		}
		at := g.end.In(loc)
		_, offset := at.Zone()
		label := zoneLabels[p.tz][0]
		if at.IsDST() {
			label = zoneLabels[p.tz][1]
		}
		hash := fmt.Sprintf("%x", uint32(i*2654435761))
		img := func(size int) string {
			if p.botID != "" {
				return fmt.Sprintf("https://avatars.slack-edge.com/2025-06-02/%s_%d.png", p.botID, size)
			}
			return fmt.Sprintf("https://secure.gravatar.com/avatar/%s.jpg?s=%d&d=https%%3A%%2F%%2Fa.slack-edge.com%%2Fdf10d%%2Fimg%%2Favatars%%2Fava_%04d-%d.png", hash, size, i%30, size)
		}
		u := wireUser{
			ID: p.id, TeamID: teamID, Name: p.handle, Color: userColors[i%len(userColors)], RealName: p.real,
			TZ: p.tz, TZLabel: label, TZOffset: offset,
			Profile: wireUserProfile{
				Title: p.title, RealName: p.real, RealNameNormalized: p.real, DisplayName: p.display,
				DisplayNameNormalized: p.display, AvatarHash: "g" + hash, FirstName: firstName(p.real), LastName: lastName(p.real),
				Image24: img(24), Image32: img(32), Image48: img(48), Image72: img(72), Image192: img(192), Image512: img(512),
				Team: teamID,
			},
			IsAdmin:                p.id == teams[0].lead || p.id == teams[1].lead,
			IsOwner:                p.id == teams[0].lead,
			IsPrimaryOwner:         p.id == teams[0].lead,
			IsBot:                  p.botID != "",
			Updated:                g.created() + int64(i)*7919,
			IsEmailConfirmed:       p.botID == "" && p.id != "USLACKBOT",
			WhoCanShareContactCard: "EVERYONE",
		}
		if p.botID != "" {
			u.Profile.BotID, u.Profile.APIAppID, u.Profile.AlwaysActive = p.botID, p.appID, true
			u.Profile.FirstName, u.Profile.LastName = p.real, ""
		} else if p.id != "USLACKBOT" {
			u.Profile.Email = p.email()
		} else {
			u.Profile.AlwaysActive = true
		}
		out = append(out, u)
	}
	return out
}

func (g *generator) integrationsJSON() []wireIntegration {
	date := func(days int) string { return fmt.Sprint(g.created() + int64(days)*86400) }
	return []wireIntegration{
		{AppID: "A0DEPLOY1", AppType: "app", UserID: teams[0].lead, UserName: "alice.martin", Date: date(30), ChangeType: "added", Scope: "incoming-webhook", Channel: "deploys"},
		{AppID: "A0PAGER01", AppType: "app", UserID: "U0PLAT002", UserName: "bilal.haddad", Date: date(61), ChangeType: "added", Scope: "chat:write,channels:read,users:read"},
	}
}
