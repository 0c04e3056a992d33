package classifier

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		prose      string // after collapsing whitespace
		code       string // lines joined by " | "
		notInProse []string
	}{
		{name: "link label", in: "see <https://status.example.com/down|status page>",
			prose: "see status page", notInProse: []string{"down", "status.example.com"}},
		{name: "link without label is its host", in: "broken: <https://status.example.com/down/now>",
			prose: "broken: status.example.com", notInProse: []string{"down"}},
		{name: "link whose label is its URL", in: "<http://example.com/shut/down|example.com/shut/down> fails",
			prose: "example.com fails"},
		{name: "bare URL", in: "https://ci.example.com:8443/job/deploy-down/42?x=1, please look",
			prose: "ci.example.com, please look"},
		{name: "URL after punctuation", in: "url:https://status.example.com/down", prose: "url:status.example.com"},
		{name: "URL without scheme", in: "status.example.com/down says ok",
			prose: "status.example.com says ok"},
		{name: "mailto", in: "mail <mailto:ops@example.com|ops@example.com>", prose: "mail example.com"},
		{name: "mentions and specials", in: "<!here> <@U012AB|jane> <#C0OPS|ops-down> <!subteam^S1|@sre> prod is slow",
			prose: "prod is slow", notInProse: []string{"U012AB", "jane", "ops", "sre", "here"}},
		{name: "plain-text mentions", in: "@here @U0PLAT002 can #platform-help look, mail bob@example.com",
			prose: "can look, mail bob@example.com"},
		{name: "emoji codes", in: ":fire::fire: prod :rotating_light: is down :+1::skin-tone-2:",
			prose: "prod is down"},
		{name: "times are not emoji", in: "since 10:30:45 today, ratio 3:1 key:value", prose: "since 10:30:45 today, ratio 3:1 key:value"},
		{name: "escapes", in: "a &lt; b &amp;&amp; c &gt; d &nbsp", prose: "a < b && c > d &nbsp"},
		{name: "lone angle bracket", in: "latency < 5ms and > 2ms", prose: "latency < 5ms and > 2ms"},
		{name: "inline code", in: "getting `x509: certificate has expired` on pull",
			prose: "getting on pull", code: "x509: certificate has expired"},
		{name: "code block", in: "deploys fail:\n```\nserver shutting down\nbye\n```\nany idea?",
			prose: "deploys fail: any idea?", code: "server shutting down\nbye"},
		{name: "unclosed code block", in: "log: ```panic: runtime error\nnode down",
			prose: "log:", code: "panic: runtime error\nnode down"},
		{name: "code block on one line", in: "run ```make down``` then retry", prose: "run then retry", code: "make down"},
		{name: "pasted log lines", in: "the worker keeps restarting\n" +
			"2024-03-07 14:02:11,532 INFO  [main] Server shutting down\n" +
			"2024-03-07T14:02:12Z ERROR worker: connection to db-1 went down\n" +
			"any idea why?",
			prose: "the worker keeps restarting any idea why?",
			code:  "2024-03-07 14:02:11,532 INFO  [main] Server shutting down | 2024-03-07T14:02:12Z ERROR worker: connection to db-1 went down"},
		{name: "syslog and glog", in: "Mar  7 14:02:11 web-3 systemd[1]: Stopping nginx, shutting down\nE0307 14:02:11.123 1 main.go:42] down\nwhy?",
			prose: "why?", code: "Mar  7 14:02:11 web-3 systemd[1]: Stopping nginx, shutting down | E0307 14:02:11.123 1 main.go:42] down"},
		{name: "java stack trace", in: "builds fail with\njava.lang.IllegalStateException: pool is down\n\tat com.acme.Pool.get(Pool.java:42)\n\tat com.acme.Main.main(Main.java:7)\nCaused by: java.net.ConnectException: Connection refused\n... 3 more\nhelp",
			prose: "builds fail with help",
			code:  "java.lang.IllegalStateException: pool is down | \tat com.acme.Pool.get(Pool.java:42) | \tat com.acme.Main.main(Main.java:7) | Caused by: java.net.ConnectException: Connection refused | ... 3 more"},
		{name: "python traceback", in: "cron broke:\nTraceback (most recent call last):\n  File \"/app/job.py\", line 12, in <module>\n    main()\nConnectionError: host is down\nthanks",
			prose: "cron broke: thanks",
			code:  "Traceback (most recent call last): |   File \"/app/job.py\", line 12, in <module> |     main() | ConnectionError: host is down"},
		{name: "go panic", in: "panic: runtime error: invalid memory address\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x1d\nplease help",
			prose: "main.main() please help",
			code:  "panic: runtime error: invalid memory address | goroutine 1 [running]: | \t/src/main.go:12 +0x1d"},
		{name: "logfmt and json", in: "ts=2024-03-07 level=error msg=\"shutting down\"\n{\"level\":\"warn\",\"msg\":\"down\"}\nseen on prod",
			prose: "seen on prod", code: "ts=2024-03-07 level=error msg=\"shutting down\" | {\"level\":\"warn\",\"msg\":\"down\"}"},
		{name: "bracketed level and access log", in: "[WARN] disk almost full\n10.0.0.7 - - [07/Mar/2024:14:02:11 +0000] \"GET /down HTTP/1.1\" 503 0\nthe site returns 503",
			prose: "the site returns 503", code: "[WARN] disk almost full | 10.0.0.7 - - [07/Mar/2024:14:02:11 +0000] \"GET /down HTTP/1.1\" 503 0"},
		{name: "kubectl table", in: "pods are crashing\nNAME          READY   STATUS             RESTARTS   AGE\napi-7d9f      0/1     CrashLoopBackOff   12         1h",
			prose: "pods are crashing", code: "NAME          READY   STATUS             RESTARTS   AGE | api-7d9f      0/1     CrashLoopBackOff   12         1h"},
		{name: "shell prompt and npm", in: "$ npm publish\nnpm ERR! code E503\npublishing is down for me",
			prose: "publishing is down for me", code: "$ npm publish | npm ERR! code E503"},
		{name: "people write these", in: "URGENT: prod is broken\nERROR: the site is down since 10:30\n2024-03-07: we moved the DNS\n14:05 - api went down",
			prose: "URGENT: prod is broken ERROR: the site is down since 10:30 2024-03-07: we moved the DNS 14:05 - api went down"},
		{name: "indented prose is prose", in: "please:\n  - add me to the team\n  - and the VPN", prose: "please: - add me to the team - and the VPN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.in)
			if p := strings.Join(strings.Fields(got.Prose), " "); p != tt.prose {
				t.Errorf("Prose = %q, want %q", p, tt.prose)
			}
			if c := strings.Join(strings.Split(got.Code, "\n"), " | "); c != strings.ReplaceAll(tt.code, "\n", " | ") {
				t.Errorf("Code = %q, want %q", c, tt.code)
			}
			for _, w := range tt.notInProse {
				if strings.Contains(got.Prose, w) {
					t.Errorf("Prose %q contains %q", got.Prose, w)
				}
			}
		})
	}
}

// TestClassifyIn checks that words and regexes see the prose unless a rule
// opts in to code, and that every Input field goes through Normalize.
func TestClassifyIn(t *testing.T) {
	logs := "jobs restart all the time\n```\n2024-03-07 14:02:11 INFO server shutting down\n```"
	tests := []struct {
		name string
		rule Rule
		in   Input
		want bool
	}{
		{"word in a log", Rule{Any: []string{"shutting"}}, Input{Details: logs}, false},
		{"word in a log, opted in", Rule{Any: []string{"shutting"}, In: []string{"text", "code"}}, Input{Details: logs}, true},
		{"word in prose, code only", Rule{Any: []string{"jobs"}, In: []string{"code"}}, Input{Details: logs}, false},
		{"word in code, code only", Rule{All: []string{"shutting down"}, In: []string{"code"}}, Input{Details: logs}, true},
		{"none ignores code", Rule{Any: []string{"jobs"}, None: []string{"shutting"}}, Input{Details: logs}, true},
		{"none sees code when asked", Rule{Any: []string{"jobs"}, None: []string{"shutting"}, In: []string{"text", "code"}}, Input{Details: logs}, false},
		{"regex ignores code", Rule{Regex: `x509`}, Input{Summary: "pull fails: `x509: unknown authority`"}, false},
		{"regex sees code when asked", Rule{Regex: `x509`, In: []string{"text", "code"}}, Input{Summary: "pull fails: `x509: unknown authority`"}, true},
		{"link path in summary", Rule{Any: []string{"down"}}, Input{Summary: "see <https://status.example.com/down|status page>"}, false},
		{"link label in details", Rule{Any: []string{"status page"}}, Input{Details: "see <https://status.example.com/down|status page>"}, true},
		{"phrase does not run from prose into code", Rule{All: []string{"restart 2024"}, In: []string{"text", "code"}}, Input{Details: "please restart\n`2024`"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rule
			r.Name, r.Urgency = "r", P1
			s := mustCompile(t, []Rule{r, {Name: "default", Default: true, Urgency: P4}}, Options{})
			if got := s.Classify(tt.in).Rule == "r"; got != tt.want {
				t.Errorf("matched %v, want %v (text %+v)", got, tt.want, Normalize(tt.in.Summary+"\n"+tt.in.Details))
			}
		})
	}
}

func TestCompileIn(t *testing.T) {
	def := Rule{Name: "default", Default: true, Urgency: P4}
	_, err := Compile([]Rule{{Name: "r", Any: []string{"x"}, In: []string{"text", "logs"}, Urgency: P1}, def}, Options{})
	if err == nil || !strings.Contains(err.Error(), `in[1]: "logs" is not a part of a request`) {
		t.Errorf("bad in value: err = %v", err)
	}
	_, err = Compile([]Rule{{Name: "r", Type: []string{"incident"}, In: []string{"code"}, Urgency: P1}, def}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no any, all, none or regex") {
		t.Errorf("in without words: err = %v", err)
	}
}

// FuzzNormalize checks that no input makes Normalize panic, leak a URL
// scheme or a user mention into the prose, or grow the text beyond what it
// was given.
func FuzzNormalize(f *testing.F) {
	f.Add("see <https://status.example.com/down|status page> <@U012AB> :fire:")
	f.Add("```\n2024-03-07 14:02:11 INFO shutting down\n``` and `x509` https://a.example/b?c=d")
	f.Add("Traceback (most recent call last):\n  File \"x\", line 1\nValueError: x\n&lt;b&gt; <mailto:a@b.c> <#C1|ops>")
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if lower := strings.ToLower(got.Prose); strings.Contains(lower, "http://") || strings.Contains(lower, "https://") {
			t.Errorf("prose %q of %q keeps a URL scheme", got.Prose, s)
		}
		if strings.Contains(got.Prose, "<@U") && !strings.Contains(s, "<<@U") {
			t.Errorf("prose %q of %q keeps a mention", got.Prose, s)
		}
		if len(got.Prose)+len(got.Code) > 2*len(s)+2 {
			t.Errorf("%q grew to %d+%d bytes", s, len(got.Prose), len(got.Code))
		}
	})
}

// The bytes scanURL lets appendProse copy without looking are bytes its
// loop would have copied one at a time: no mark, no word start where a URL
// may begin, no "http://" inside a word.
func TestScanURLSkipsOnlyPlainBytes(t *testing.T) {
	pieces := []string{"see", " ", "\n", "http://a.example/x", "b.example.com/y", "a/b", "foo:bar", ":fire:", "<@U1>", "@name",
		"#chan", "me@x.com", "a&amp;b", "&", "(", ")", "[", "]", "\"", "'", "`", "|", "café", "xhttp", "https", "h", "1", "_", "-", "."}
	rnd := rand.New(rand.NewPCG(5, 8))
	skipped := 0
	for range 20000 {
		s := randomText(rnd, pieces, nil, 10)
		for i := 0; i < len(s); i++ {
			if proseBytes[s[i]] != proseAlnum || !tokenStart(s, i) {
				continue
			}
			n, _, plain := scanURL(s[i:])
			if n > 0 {
				continue
			}
			if plain < 1 {
				t.Fatalf("%q at %d: scanURL lets appendProse skip %d bytes", s, i, plain)
			}
			for j := i + 1; j < i+plain; j++ {
				c, kind := s[j], proseBytes[s[j]]
				if kind == proseMark || kind == proseAlnum && (tokenStart(s, j) || c|0x20 == 'h' && isHTTP(s[j:])) {
					t.Fatalf("%q: scanURL at %d skips byte %d (%q), which appendProse must look at", s, i, j, c)
				}
				skipped++
			}
		}
	}
	if skipped < 10000 {
		t.Fatalf("only %d bytes skipped: the texts test little", skipped)
	}
}
