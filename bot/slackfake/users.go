package slackfake

import (
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// AddUser makes a user known to users.info.
func (s *Server) AddUser(u slack.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TeamID == "" {
		u.TeamID = TeamID
	}
	s.users[u.ID] = u
}

// AddUsergroup makes a user group known to the usergroups.* methods.
func (s *Server) AddUsergroup(g slack.UserGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.TeamID == "" {
		g.TeamID = TeamID
	}
	g.IsUserGroup = true
	g.Users = slices.Clone(g.Users)
	g.UserCount = len(g.Users)
	s.groups[g.ID] = &g
}

// GroupMembers returns a user group's members as usergroups.users.update
// left them.
func (s *Server) GroupMembers(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.groups[id]; g != nil {
		return slices.Clone(g.Users)
	}
	return nil
}

func botUser() slack.User {
	return slack.User{
		ID: BotUserID, TeamID: TeamID, Name: BotName, RealName: BotName, IsBot: true,
		Profile: slack.UserProfile{RealName: BotName, DisplayName: BotName, BotID: BotID, ApiAppID: AppID},
	}
}

func (s *Server) userInfo(r *request) (obj, error) {
	id := r.get("user")
	if id == BotUserID {
		return obj{"user": userObject(botUser())}, nil
	}
	u, ok := s.users[id]
	if !ok {
		return nil, fail("user_not_found")
	}
	return obj{"user": userObject(u)}, nil
}

// userObject is u as users.info and users.lookupByEmail send a member of
// a workspace outside Enterprise Grid: the fields of Slack's published
// shape, every one present as Slack sends it (empty strings, not missing
// keys), and no field the real API lacks. The email is only there when
// the user has one, as with a token lacking users:read.email.
func userObject(u slack.User) obj {
	p := u.Profile
	tz, label, offset := u.TZ, u.TZLabel, u.TZOffset
	if tz == "" {
		tz, label, offset = "America/Los_Angeles", "Pacific Standard Time", -28800
	}
	image := func(size string) string { return "https://avatars.slack-edge.com/" + u.ID + "_" + size + ".png" }
	profile := obj{
		"title": p.Title, "phone": p.Phone, "skype": p.Skype,
		"real_name": p.RealName, "real_name_normalized": p.RealName,
		"display_name": p.DisplayName, "display_name_normalized": p.DisplayName,
		"status_text": p.StatusText, "status_emoji": p.StatusEmoji, "status_expiration": p.StatusExpiration,
		"avatar_hash": "g" + strings.ToLower(u.ID), "first_name": p.FirstName, "last_name": p.LastName,
		"status_text_canonical": "", "team": u.TeamID,
		"image_24": image("24"), "image_32": image("32"), "image_48": image("48"),
		"image_72": image("72"), "image_192": image("192"), "image_512": image("512"),
	}
	if p.Email != "" {
		profile["email"] = p.Email
	}
	if u.IsBot {
		profile["bot_id"], profile["api_app_id"], profile["always_active"] = p.BotID, p.ApiAppID, true
	}
	return obj{
		"id": u.ID, "team_id": u.TeamID, "name": u.Name, "deleted": u.Deleted, "color": or(u.Color, "9f69e7"),
		"real_name": u.RealName, "tz": tz, "tz_label": label, "tz_offset": offset, "profile": profile,
		"is_admin": u.IsAdmin, "is_owner": u.IsOwner, "is_primary_owner": u.IsPrimaryOwner,
		"is_restricted": u.IsRestricted, "is_ultra_restricted": u.IsUltraRestricted,
		"is_bot": u.IsBot, "is_app_user": u.IsAppUser, "updated": firstTS / 1_000_000,
		"is_email_confirmed": p.Email != "", "who_can_share_contact_card": "EVERYONE",
	}
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// lookupByEmail finds a known user by profile email, as Slack does:
// users_not_found when none has it.
func (s *Server) lookupByEmail(r *request) (obj, error) {
	email := r.get("email")
	if email == "" {
		return nil, fail("invalid_email")
	}
	for _, u := range s.users {
		if strings.EqualFold(u.Profile.Email, email) {
			return obj{"user": userObject(u)}, nil
		}
	}
	return nil, fail("users_not_found")
}

func (s *Server) authTest(*request) (obj, error) {
	return obj{
		"url": TeamURL, "team": TeamName, "user": BotName, "team_id": TeamID,
		"user_id": BotUserID, "bot_id": BotID, "app_id": AppID, "is_enterprise_install": false,
	}, nil
}

func (s *Server) botInfo(r *request) (obj, error) {
	if id := r.get("bot"); id != "" && id != BotID {
		return nil, fail("bot_not_found")
	}
	return obj{"bot": obj{
		"id": BotID, "app_id": AppID, "user_id": BotUserID, "name": BotName, "deleted": false,
		"updated": firstTS / 1_000_000, "icons": obj{"image_36": TeamURL + "img36.png"},
	}}, nil
}

func (s *Server) listGroups(r *request) (obj, error) {
	ids := make([]string, 0, len(s.groups))
	for id := range s.groups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]slack.UserGroup, 0, len(ids))
	for _, id := range ids {
		g := *s.groups[id]
		if !r.flag("include_users") {
			g.Users = nil
		}
		out = append(out, g)
	}
	return obj{"usergroups": out}, nil
}

func (s *Server) groupMembers(r *request) (obj, error) {
	g := s.groups[r.get("usergroup")]
	if g == nil {
		return nil, fail("no_such_subteam")
	}
	return obj{"users": slices.Clone(g.Users)}, nil
}

func (s *Server) updateGroupMembers(r *request) (obj, error) {
	g := s.groups[r.get("usergroup")]
	if g == nil {
		return nil, fail("no_such_subteam")
	}
	users := splitList(r.get("users"))
	if len(users) == 0 {
		return nil, fail("invalid_users")
	}
	for _, u := range users {
		if !strings.HasPrefix(u, "U") && !strings.HasPrefix(u, "W") {
			return nil, fail("invalid_users")
		}
	}
	g.Users = users
	g.UserCount = len(users)
	g.UpdatedBy = BotUserID
	g.DateUpdate = slack.JSONTime(time.Now().Unix())
	return obj{"usergroup": *g}, nil
}
