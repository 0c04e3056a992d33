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
		return obj{"user": botUser()}, nil
	}
	u, ok := s.users[id]
	if !ok {
		return nil, fail("user_not_found")
	}
	return obj{"user": u}, nil
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
			return obj{"user": u}, nil
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
