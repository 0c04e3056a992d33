package classifier

import (
	"testing"
	"time"
)

var benchGroups = map[string][]string{
	"leadership":  {"U0CTO", "U0VPENG"},
	"sre":         {"U0SRE1", "U0SRE2", "U0SRE3"},
	"hr-partners": {"U0HR1"},
}

// benchRules is a realistic rule set of a platform team: 50 rules, most
// specific first, as a team would grow it over a year.
func benchRules() []Rule {
	h := time.Hour
	incident := SLA{Ack: 15 * time.Minute, Resolve: 4 * h}
	return []Rule{
		// Tags that apply whatever decides.
		{Name: "tag-prod", Any: []string{"prod", "production", "live site"}, Continue: true, Labels: []string{"prod"}},
		{Name: "tag-customers", Impact: []string{"customers"}, Continue: true, Labels: []string{"customer-impact"}, SLA: SLA{Resolve: 8 * h}},
		{Name: "tag-after-hours", When: "after_hours", Continue: true, Labels: []string{"after-hours"}},
		{Name: "tag-leadership", RequesterIn: []string{"@leadership"}, Continue: true, Labels: []string{"leadership"}},
		// P1: the house is on fire.
		{Name: "sev1-declared", Regex: `(?i)\bsev(?:erity)?[ -]?1\b`, Urgency: P1, Category: "incident", Labels: []string{"sev1"}, SLA: SLA{Ack: 5 * time.Minute, Resolve: 2 * h}},
		{Name: "customer-outage", Any: []string{"outage", "down", "not loading", "unreachable", "502", "503"}, Impact: []string{"customers", "several teams"}, Urgency: P1, Category: "incident", SLA: incident},
		{Name: "incident-type", Type: []string{"incident"}, Any: []string{"outage", "down", "errors", "failing", "broken", "5xx"}, Urgency: P1, Category: "incident", SLA: incident},
		{Name: "security-breach", Any: []string{"breach", "compromised", "leaked credentials", "exfiltration", "ransomware", "phishing"}, Urgency: P1, Category: "security", Team: "security", SLA: incident},
		{Name: "secret-exposed", All: []string{"secret"}, Any: []string{"exposed", "committed", "leaked", "public"}, Urgency: P1, Category: "security", SLA: incident},
		{Name: "cert-expired", Any: []string{"certificate", "cert", "tls", "ssl", "https"}, Regex: `(?i)\bexpir(?:ed|es|ing|y)\b`, Urgency: P1, Category: "certificates", SLA: incident},
		{Name: "db-down", Any: []string{"db", "database", "postgres", "mysql", "rds"}, Regex: `(?i)\b(?:down|unreachable|connection refused|too many connections)\b`, Urgency: P1, Category: "database", SLA: incident},
		// P2: blocks a team today.
		{Name: "cve", Regex: `(?i)\bCVE-\d{4}-\d{4,}\b`, Urgency: P2, Category: "security", Labels: []string{"cve"}, SLA: SLA{Ack: h, Resolve: 72 * h}},
		{Name: "dns-broken", All: []string{"dns"}, Any: []string{"resolve", "resolving", "nxdomain", "servfail", "down", "failing"}, Urgency: P2, Category: "dns"},
		{Name: "deploy-blocked", All: []string{"deploy"}, Any: []string{"blocked", "stuck", "failing", "failed", "broken", "red"}, Urgency: P2, Category: "deploy", SLA: SLA{Ack: h, Resolve: 24 * h}},
		{Name: "pipeline-broken", Any: []string{"pipeline", "ci", "build", "jenkins", "github actions", "runner"}, Regex: `(?i)\b(?:fail(?:ed|ing|s)?|broken|red|stuck)\b`, None: []string{"flaky"}, Urgency: P2, Category: "ci"},
		{Name: "rollback", Any: []string{"rollback", "roll back", "revert", "hotfix"}, Urgency: P2, Category: "deploy"},
		{Name: "disk-full", Regex: `(?i)\bdisk (?:is )?(?:full|space)\b|no space left on device`, Urgency: P2, Category: "infra"},
		{Name: "db-slow", Any: []string{"slow query", "slow queries", "deadlock", "replication lag"}, Urgency: P2, Category: "database"},
		{Name: "k8s-crash", Any: []string{"crashloopbackoff", "oomkilled", "crash loop", "evicted", "pods pending"}, Urgency: P2, Category: "kubernetes"},
		{Name: "locked-out", Any: []string{"locked out", "can't log in", "cannot log in", "lost access", "mfa", "2fa"}, Urgency: P2, Category: "access"},
		{Name: "offboarding", Any: []string{"offboarding", "leaver", "revoke access"}, Urgency: P2, Category: "access", Estimate: 0.5},
		{Name: "access-deadline", Any: []string{"access request", "access", "permission", "permissions", "iam", "sso", "vpn", "ssh"}, NeededWithin: 4 * h, Urgency: P2, Category: "access", Estimate: 0.5},
		{Name: "cost-spike", Any: []string{"cost", "costs", "bill", "billing", "spend"}, Regex: `(?i)\b(?:spike|spiked|doubled|tripled|unexpected)\b|\d+ ?%`, Urgency: P2, Category: "cost"},
		{Name: "restore", Any: []string{"restore", "point in time recovery", "pitr", "deleted by mistake"}, Urgency: P2, Category: "database", Estimate: 1},
		{Name: "ops-after-hours", Channel: []string{"#ops", "C0INCIDENT"}, When: "after_hours", Urgency: P2, Labels: []string{"ops-after-hours"}},
		{Name: "sre-help-urgent", Channel: []string{"#sre-help"}, Any: []string{"urgent", "asap", "blocker", "blocking"}, Urgency: P2},
		{Name: "urgent-wide", Any: []string{"urgent", "asap", "emergency", "critical", "blocker"}, Impact: []string{"several teams", "customers"}, Urgency: P2},
		{Name: "deadline-team", NeededWithin: 24 * h, Impact: []string{"my team", "several teams"}, Urgency: P2, Labels: []string{"deadline"}},
		// P3: normal sprint interrupts.
		{Name: "urgent-just-me", Any: []string{"urgent", "asap", "emergency"}, Impact: []string{"just me"}, Urgency: P3, Labels: []string{"claimed-urgent"}},
		{Name: "cert-renewal", Any: []string{"certificate", "cert", "tls", "ssl", "lets encrypt", "acme"}, Urgency: P3, Category: "certificates", Estimate: 1},
		{Name: "dns-change", Any: []string{"dns", "cname", "a record", "txt record", "mx record", "route53"}, Urgency: P3, Category: "dns", Estimate: 0.5},
		{Name: "deploy-type", Type: []string{"deploy"}, Urgency: P3, Category: "deploy", Estimate: 1},
		{Name: "deploy-words", Any: []string{"deploy", "release", "rollout", "promote to prod"}, Urgency: P3, Category: "deploy", Estimate: 1},
		{Name: "k8s", Any: []string{"kubernetes", "k8s", "namespace", "helm", "pod", "pods", "ingress"}, Urgency: P3, Category: "kubernetes", Estimate: 1},
		{Name: "access-request", Any: []string{"access request", "access", "permission", "permissions", "iam", "role", "sso", "vpn", "ssh", "onboarding"}, Urgency: P3, Category: "access", Estimate: 0.5, Labels: []string{"access"}},
		{Name: "secret-rotation", Any: []string{"rotate", "rotation", "vault", "secret", "secrets", "api key", "token"}, Urgency: P3, Category: "security", Estimate: 0.5},
		{Name: "alerting", Any: []string{"alert", "alerts", "alerting", "pagerduty", "paged", "alertmanager"}, None: []string{"test"}, Urgency: P3, Category: "observability"},
		{Name: "observability", Any: []string{"logs", "logging", "metrics", "dashboard", "grafana", "prometheus", "datadog", "tracing"}, Urgency: P3, Category: "observability", Estimate: 1},
		{Name: "network", Any: []string{"firewall", "security group", "vpc", "peering", "load balancer", "latency", "timeout", "timeouts"}, Urgency: P3, Category: "network"},
		{Name: "infra-type", Type: []string{"infra change"}, Urgency: P3, Category: "infra", Estimate: 2},
		{Name: "terraform", Any: []string{"terraform", "cloudformation", "pulumi", "provision", "bucket", "s3"}, Urgency: P3, Category: "infra", Estimate: 2},
		{Name: "new-environment", Any: []string{"new environment", "sandbox", "preview environment"}, Urgency: P3, Category: "infra", Estimate: 3},
		{Name: "sre-requests", RequesterIn: []string{"@sre", "U0PLATLEAD"}, Urgency: P3, Labels: []string{"internal"}},
		// P4: backlog.
		{Name: "cost-question", Any: []string{"cost", "costs", "billing", "spend", "invoice", "finops", "savings plan"}, Urgency: P4, Category: "cost"},
		{Name: "flaky-tests", Any: []string{"flaky", "flake", "intermittent failure"}, Urgency: P4, Category: "ci"},
		{Name: "upgrades", Any: []string{"upgrade", "bump", "dependabot", "renovate", "end of life", "eol"}, Urgency: P4, Category: "maintenance", Estimate: 2},
		{Name: "on-call-question", Any: []string{"on-call", "oncall", "who is on call", "rota"}, Urgency: P4, Category: "question"},
		{Name: "question-type", Type: []string{"question"}, Urgency: P4, Category: "question"},
		{Name: "question-words", Any: []string{"question", "how do i", "how to", "is it possible", "wondering"}, None: []string{"down", "outage", "broken", "urgent"}, Urgency: P4, Category: "question"},
		{Name: "default", Default: true, Urgency: P3, Category: "other"},
	}
}

type benchCase struct {
	in   Input
	rule string // the rule expected to decide
}

// benchCases are requests as they arrive in Slack, with the rule a reader of
// benchRules expects to decide each one.
func benchCases() []benchCase {
	at := time.Date(2026, 11, 17, 14, 30, 0, 0, time.UTC)
	return []benchCase{
		{Input{Summary: "Checkout page not loading for customers", Details: "Since 14:10 UTC the checkout returns 502 for about a third of requests. Grafana shows the ingress error rate climbing. Support has 40 tickets already. Can someone from platform look now?", Type: "incident", Impact: "customers", Channel: "C0INCIDENT", ChannelName: "incidents", Requester: "U0SUP1", BusinessHours: true, At: at}, "customer-outage"},
		{Input{Summary: "Deploy of billing-api blocked", Details: "The deploy job for billing-api has been stuck in the approval step for an hour, the ArgoCD sync shows OutOfSync and we cannot release the fix for invoice rounding. We need this today.", Type: "deploy", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0DEV1", BusinessHours: true, At: at}, "deploy-blocked"},
		{Input{Summary: "Need read access to the analytics replica", Details: "Hi! I'm new on the data team and need read access to the analytics postgres replica for the quarterly churn report. My manager approved it in the access request form yesterday.", Type: "access", Impact: "just me", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0NEW1", BusinessHours: true, At: at}, "access-request"},
		{Input{Summary: "quick question about on-call", Details: "who is on-call for the platform team this week? I want to ask about the staging cluster upgrade schedule, no rush at all.", Type: "question", Impact: "just me", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0PM1", BusinessHours: true, At: at}, "upgrades"},
		{Input{Summary: "TLS certificate for api.example.com expires Friday", Details: "Got the reminder email from the CA: the wildcard certificate expires in 3 days. Is cert-manager supposed to renew it automatically? It looks like the ACME challenge has been failing silently.", Type: "infra change", Impact: "customers", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0SEC1", BusinessHours: true, At: at}, "cert-expired"},
		{Input{Summary: "CI pipeline red on main", Details: "All builds on main fail at the docker push step with 'denied: requested access to the resource is denied'. Started after lunch. Probably the registry token rotated?", Type: "other", Impact: "several teams", Channel: "C0CI", ChannelName: "ci", Requester: "U0DEV2", BusinessHours: true, At: at}, "pipeline-broken"},
		{Input{Summary: "AWS bill doubled this month", Details: "Finance flagged that our AWS spend doubled compared to October. Cost Explorer points at NAT gateway data transfer in eu-west-1. Can someone check whether a new service is pulling images through the NAT?", Type: "question", Impact: "my team", Channel: "C0FINOPS", ChannelName: "finops", Requester: "U0FIN1", BusinessHours: true, At: at}, "cost-spike"},
		{Input{Summary: "New DNS record for the marketing site", Details: "Marketing is launching promo.example.com next month. Please add a CNAME pointing at the Netlify site; details in the Jira epic. No hurry.", Type: "infra change", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0MKT1", BusinessHours: true, At: at}, "dns-change"},
		{Input{Summary: "Pods in payments namespace in CrashLoopBackOff", Details: "After the node pool upgrade the payments-worker pods are OOMKilled and restarting every minute. Queue depth is growing but customers are not affected yet.", Type: "incident", Impact: "my team", Channel: "C0OPS", ChannelName: "ops", Requester: "U0DEV3", BusinessHours: false, At: at}, "k8s-crash"},
		{Input{Summary: "Secret exposed in public GitHub repo", Details: "GitGuardian alerted that an AWS secret key was committed to a public repository by mistake an hour ago. The key belongs to the data-export IAM user. Rotating it now but need help checking CloudTrail.", Type: "incident", Impact: "several teams", Channel: "C0SEC", ChannelName: "security", Requester: "U0SEC1", BusinessHours: true, At: at}, "secret-exposed"},
		{Input{Summary: "Can we get a new sandbox environment?", Details: "The mobile team would like a sandbox environment for load testing the new sync API. Something like staging but isolated, for two weeks in December.", Type: "other", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0MOB1", BusinessHours: true, At: at}, "new-environment"},
		{Input{Summary: "Grafana dashboard for the search service", Details: "Could you help us build a dashboard with p95 latency, error rate and queue depth for the search service? We already export prometheus metrics on /metrics.", Type: "question", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0DEV4", BusinessHours: true, At: at}, "observability"},
		{Input{Summary: "URGENT vpn not working", Details: "I can't connect to the VPN from the hotel wifi, it times out after the password prompt. I have a demo tomorrow morning.", Type: "access", Impact: "just me", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0SALES1", BusinessHours: false, At: at, NeededBy: at.Add(18 * time.Hour)}, "urgent-just-me"},
		{Input{Summary: "Terraform module for a new S3 bucket", Details: "We need an S3 bucket with versioning and a lifecycle policy for the ML feature store. Happy to open the PR against the infra repo if someone can review it this sprint.", Type: "infra change", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0ML1", BusinessHours: true, At: at}, "infra-type"},
		{Input{Summary: "Postgres replication lag on orders-db", Details: "The replica of orders-db is 20 minutes behind since the nightly batch; reports read stale data. The primary looks fine, CPU at 60%.", Type: "incident", Impact: "several teams", Channel: "C0OPS", ChannelName: "ops", Requester: "U0SRE2", BusinessHours: true, At: at}, "db-slow"},
		{Input{Summary: "sev1: login broken for all users", Details: "Declaring SEV1. SSO login fails with an invalid_grant error for every user since the IdP certificate rotation. Incident channel is #inc-4411.", Type: "incident", Impact: "customers", Channel: "C0INCIDENT", ChannelName: "incidents", Requester: "U0SRE1", BusinessHours: true, At: at}, "sev1-declared"},
		{Input{Summary: "Flaky integration tests in checkout-service", Details: "The checkout integration suite has an intermittent failure around the payment mock, roughly one run in ten. Not blocking, but it is annoying.", Type: "other", Impact: "my team", Channel: "C0CI", ChannelName: "ci", Requester: "U0DEV5", BusinessHours: true, At: at}, "flaky-tests"},
		{Input{Summary: "Offboarding: revoke access for a leaver", Details: "Jane Doe leaves on Friday; please remove her from GitHub, AWS SSO, the VPN and PagerDuty at 17:00.", Type: "access", Impact: "my team", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0HR1", BusinessHours: true, At: at, NeededBy: at.Add(72 * time.Hour)}, "offboarding"},
		{Input{Summary: "Disk almost full on the Jenkins controller", Details: "Jenkins shows 'No space left on device' when archiving artifacts, the controller volume is at 98%. Builds are queued.", Type: "infra change", Impact: "several teams", Channel: "C0CI", ChannelName: "ci", Requester: "U0DEV2", BusinessHours: true, At: at}, "disk-full"},
		{Input{Summary: "hello", Details: "Is anyone around to chat about next quarter's roadmap?", Type: "other", Impact: "just me", Channel: "C0RANDOM", ChannelName: "random", Requester: "U0PM2", BusinessHours: true, At: at}, "default"},
		{Input{Summary: "Please bump the Node base image", Details: "Node 18 reaches end of life; can the base image in the golden pipeline move to Node 22? Renovate has an open PR.", Type: "other", Impact: "several teams", Channel: "C0PLAT", ChannelName: "platform-help", Requester: "U0CTO", BusinessHours: true, At: at}, "upgrades"},
		{Input{Summary: "Anyone around? something looks off", Details: "Seeing odd spikes in latency from the EU gateway, nothing broken yet.", Type: "other", Impact: "my team", Channel: "C0OPS", ChannelName: "ops", Requester: "U0DEV6", BusinessHours: false, At: at}, "ops-after-hours"},
	}
}

func benchInputs() []Input {
	cases := benchCases()
	out := make([]Input, len(cases))
	for i, c := range cases {
		out[i] = c.in
	}
	return out
}

func TestBenchRules(t *testing.T) {
	if n := len(benchRules()); n != 50 {
		t.Fatalf("benchRules has %d rules, want 50", n)
	}
	s := mustCompile(t, benchRules(), Options{Groups: benchGroups})
	for _, c := range benchCases() {
		t.Run(c.in.Summary, func(t *testing.T) {
			if d := s.Classify(c.in); d.Rule != c.rule {
				t.Errorf("decided by %q (%s), want %q", d.Rule, d.Explain(), c.rule)
			}
		})
	}
}

func BenchmarkClassify(b *testing.B) {
	s := mustCompile(b, benchRules(), Options{Groups: benchGroups})
	inputs := benchInputs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Classify(inputs[i%len(inputs)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkClassifyNoPrefilter is the cost when every regex reached has to
// run whole, as for texts that contain the regexes' literals.
func BenchmarkClassifyNoPrefilter(b *testing.B) {
	s := PlainRegexps(mustCompile(b, benchRules(), Options{Groups: benchGroups}))
	inputs := benchInputs()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Classify(inputs[i%len(inputs)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

func BenchmarkCompile(b *testing.B) {
	rules := benchRules()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(rules, Options{Groups: benchGroups}); err != nil {
			b.Fatal(err)
		}
	}
}
