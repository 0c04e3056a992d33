package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var (
	userIDRE      = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelIDRE   = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	channelNameRE = regexp.MustCompile(`^#[a-z0-9][a-z0-9._-]{0,79}$`)
	usergroupRE   = regexp.MustCompile(`^S[A-Z0-9]{2,}$`)
	handleRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,79}$`)
	teamNameRE    = regexp.MustCompile(`^[a-z0-9-]{1,63}$`)
	prefixRE      = regexp.MustCompile(`^[A-Z][A-Z0-9]{1,9}$`)
	commandRE     = regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`)
	emojiRE       = regexp.MustCompile(`^[a-z0-9_+'-]+$`)
)

// checkUser accepts a Slack user id.
func checkUser(s string) *problem {
	if userIDRE.MatchString(s) {
		return nil
	}
	return &problem{
		msg:  fmt.Sprintf("must be a Slack user id such as U0123ABCD, got %q", s),
		hint: "in Slack: the person's profile, ⋮ menu, Copy member ID",
	}
}

// checkChannel accepts a channel id or a #name.
func checkChannel(s string) *problem {
	if channelIDRE.MatchString(s) || channelNameRE.MatchString(s) {
		return nil
	}
	hint := "channel names are lowercase letters, digits, -, _ and ."
	if !strings.HasPrefix(s, "#") && channelNameRE.MatchString("#"+s) {
		hint = fmt.Sprintf("write \"#%s\" (quoted, since # starts a YAML comment)", s)
	}
	return &problem{
		msg:  fmt.Sprintf("must be a channel id such as C0123ABCD or a name such as \"#help\", got %q", s),
		hint: hint,
	}
}

// checkHandle accepts a user-group handle written "@handle".
func checkHandle(s string) *problem {
	if strings.HasPrefix(s, "@") && handleRE.MatchString(s[1:]) {
		return nil
	}
	return &problem{
		msg:  fmt.Sprintf("must be a user id such as U0123ABCD or a group handle such as \"@payments\", got %q", s),
		hint: "quote handles: YAML does not allow a bare @",
	}
}

// checkUserOrHandle accepts a user id or "@handle".
func checkUserOrHandle(s string) *problem {
	if strings.HasPrefix(s, "@") {
		return checkHandle(s)
	}
	if userIDRE.MatchString(s) {
		return nil
	}
	return checkHandle(s)
}

// checkURL accepts an absolute http(s) URL.
func checkURL(s string) *problem {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &problem{
			msg:  fmt.Sprintf("must be an http(s) URL, got %q", s),
			hint: "for example https://example.com/",
		}
	}
	return nil
}

// checkListen accepts host:port or :port with a numeric port.
func checkListen(s string) *problem {
	_, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		return &problem{
			msg:  fmt.Sprintf("must be host:port or :port, got %q", s),
			hint: "for example \":8080\" or \"127.0.0.1:8081\"",
		}
	}
	return nil
}

// checkLoopback accepts a listen address bound to loopback only, because the
// admin listener serves backups and debugging that must not reach the network.
func checkLoopback(s string) *problem {
	if p := checkListen(s); p != nil {
		return p
	}
	host, port, _ := net.SplitHostPort(s)
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return &problem{
		msg:  fmt.Sprintf("must be a loopback address, got %q", s),
		hint: fmt.Sprintf("use \"127.0.0.1:%s\"; the admin listener must not be reachable from the network", port),
	}
}

// isSlackCom reports whether the Web API URL s is Slack's own (slack.com
// or a subdomain), whose rate limits sprintguard must keep by itself.
func isSlackCom(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return true // not parsed: assume the strictest case
	}
	h := strings.ToLower(u.Hostname())
	return h == "slack.com" || strings.HasSuffix(h, ".slack.com")
}
