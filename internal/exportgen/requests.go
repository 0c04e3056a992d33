package exportgen

// request is a template for a top-level request in an intake channel.
type request struct {
	cat    string // category, drives threads and replies
	text   string
	groups []string // requester groups that ask this; nil means anyone
	weight int
}

var (
	eng      = []string{"payments", "mobile", "product", "security"}
	devs     = []string{"payments", "mobile"}
	support  = []string{"support"}
	askData  = []string{"analytics", "product", "support", "payments"}
	security = []string{"security"}
)

var platformRequests = []request{
	// access
	{"access", "can I get read access to the {bucket} bucket?", nil, 6},
	{"access", "could someone grant me {role} on the `{ns}` namespace in {env}?", eng, 4},
	{"access", "need access to {tool} for {peer}, they just joined our team", nil, 3},
	{"access", "I lost access to the {env} kubernetes cluster after the SSO change, kubectl says `error: You must be logged in to the server (Unauthorized)`", devs, 3},
	{"access", "can I get a read-only user on {db}? need to check some {thing}s for a customer ticket", nil, 3},
	{"access", "requesting write access to `{repo}` so I can merge my terraform PR", eng, 2},
	{"access", "who can approve my access request for the {region} AWS account? it's been pending since {weekday}", nil, 2},
	{"access", "my Vault token expired and `vault login -method=oidc` just hangs, can someone help?", devs, 2},
	// deploy
	{"deploy", "deploy of {svc} stuck at canary, can someone look?", devs, 6},
	{"deploy", "my deploy to {env} has been pending for 40 min, Argo says `OutOfSync` but nothing happens", devs, 4},
	{"deploy", "{svc} {ver} rollout is blocked, pipeline fails at the helm upgrade step: <https://github.com/acme/{svc}/actions/runs/{num}|run #{num}>", devs, 4},
	{"deploy", "can someone approve the {prod} deploy for {svc}? release train leaves at 3pm", eng, 3},
	{"deploy", "need a rollback of {svc} in {prod}, the last release broke {feature}", eng, 3},
	{"deploy", "is there a deploy freeze this week? my PR for {svc} is ready", eng, 2},
	{"deploy", "canary for {svc} keeps failing the error-rate gate but the errors look unrelated (404s from crawlers)", devs, 3},
	{"deploy", "when will the fix for {feature} be deployed to {prod}? customers keep asking", []string{"product", "support"}, 3},
	// incident
	{"incident", "API returning 502s for {regionname} customers", nil, 4},
	{"incident", "{svc} p99 latency jumped to {secs}s in {region} since ~{time} UTC", devs, 3},
	{"incident", "getting lots of `connection reset by peer` from {svc} to {db}", devs, 3},
	{"incident", "checkout is down in {region}?? customers can't pay", []string{"support", "product", "payments"}, 2},
	{"incident", "is anyone else seeing timeouts from {svc}? support is getting tickets", nil, 3},
	{"incident", "{host} is returning a certificate error for some users", []string{"support", "product"}, 2},
	{"incident", "pods of {svc} in `{ns}` are in CrashLoopBackOff after the node upgrade", devs, 3},
	{"incident", "queue depth on `{queue}` keeps growing, the workers look stuck", devs, 2},
	{"incident", "customers in {city} report the app is super slow, is something going on?", support, 3},
	// infra changes
	{"infra", "need a new DNS record for {host}", nil, 3},
	{"infra", "could we bump the memory limit of {svc} to {mem}Gi in {env}? it gets OOMKilled a few times a day", devs, 4},
	{"infra", "please create a new S3 bucket for {thing} exports, EU only, with versioning", eng, 2},
	{"infra", "can we get a new namespace `{ns}-sandbox` with the usual quotas?", eng, 2},
	{"infra", "we need a Redis instance for {svc} in staging, something small is fine", devs, 2},
	{"infra", "can someone add {ip} to the allowlist for the partner VPN?", nil, 2},
	{"infra", "need a cron job that runs the {thing} cleanup script nightly in {env}", devs, 2},
	{"infra", "can we raise the HPA max replicas for {svc} ahead of the {campaign} campaign next week?", eng, 2},
	{"infra", "please add a Grafana alert when `{queue}` has more than 10k messages", devs, 2},
	// questions
	{"question", "how do I rotate my AWS keys?", nil, 3},
	{"question", "what's the right way to get secrets into a new service, Vault or sealed secrets?", devs, 3},
	{"question", "where can I find the logs for {svc} from last night? Kibana only shows 24h", nil, 3},
	{"question", "is there a runbook for restoring {db} from a snapshot?", devs, 2},
	{"question", "how do I get a preview environment for my branch?", eng, 3},
	{"question", "what's the difference between the `standard` and `burst` node pools?", devs, 1},
	{"question", "do we have a terraform module for SQS queues with a DLQ?", devs, 2},
	{"question", "who owns {host}? need to change a redirect", nil, 2},
	// cost
	{"cost", "our AWS bill for the {region} account jumped {pct}% this month, any idea why?", []string{"payments", "product"}, 2},
	{"cost", "can someone check why the NAT gateway costs doubled? finance is asking", nil, 1},
	{"cost", "do we still need the {env} cluster for {svc}? it costs ~${n}k/month", []string{"product"}, 1},
	// certificates
	{"cert", "the TLS cert for {host} expires in {n} days, who renews it?", nil, 2},
	{"cert", "getting `x509: certificate signed by unknown authority` when calling {svc} from the new runners", devs, 2},
	{"cert", "need a cert for {host} for the partner integration", eng, 1},
	// CI
	{"ci", "CI is flaky again: `{test}` fails randomly on main", devs, 4},
	{"ci", "GitHub Actions runners are super slow today, jobs queue for 20+ min", devs, 3},
	{"ci", "docker build fails with `no space left on device` on the self-hosted runners", devs, 2},
	{"ci", "can someone clear the build cache? every build of `{repo}` is cold", devs, 1},
	{"ci", "e2e tests time out in the pipeline but pass locally :thinking_face:", devs, 2},
	// security
	{"security", "{cve} affects the base image we use for {svc}, can we get it patched this sprint?", security, 3},
	{"security", "quarterly access review: please confirm who still needs admin on the {region} account", security, 2},
	{"security", "found an IAM user with a 2-year-old access key (`{key}`), can you disable it?", security, 2},
}

var dataRequests = []request{
	{"dashboard", "the {dashboard} dashboard shows no data since yesterday", nil, 5},
	{"dashboard", "numbers in {dashboard} don't match {source}, off by ~{pct}%", askData, 4},
	{"dashboard", "can we add a {col} filter to the {dashboard} dashboard?", askData, 3},
	{"pipeline", "{dag} DAG failed last night, `{model}` is stale", nil, 5},
	{"pipeline", "dbt run fails on `{model}`: `Database Error: column \"{col}\" does not exist`", []string{"analytics"}, 3},
	{"pipeline", "Airflow UI is down? getting a 504 on <https://airflow.internal.acme.io|airflow>", []string{"analytics"}, 2},
	{"pipeline", "can we backfill {dag} from {date}? the upstream API was down", askData, 3},
	{"pipeline", "the {dag} DAG has been running for 6h, normally it takes 40 min", []string{"analytics"}, 2},
	{"data-access", "can I get access to the `{schema}` schema in the warehouse?", nil, 5},
	{"data-access", "need a Looker seat for {peer}, they start on Monday", nil, 2},
	{"data-access", "can I get write access to `sandbox_analytics` to test a model?", []string{"analytics"}, 2},
	{"data-change", "can someone add a column `{col}` to `{model}`? product needs it for the {feature} analysis", askData, 4},
	{"data-change", "can we get {source} data into the warehouse? we want to track {metric}", []string{"product", "support"}, 2},
	{"data-change", "please rename `{col}` in `{model}`, it confuses everyone", []string{"analytics"}, 1},
	{"data-question", "how do I get {dataset} for last quarter? is there a table for that?", nil, 4},
	{"data-question", "is `{model}` the source of truth for {metric} or should I use `{model2}`?", askData, 3},
	{"data-question", "warehouse is super slow today, a simple select on `{model}` takes 10 min", askData, 3},
	{"data-question", "what's the definition of {metric} in the exec deck? finance has a different number", []string{"product", "analytics"}, 2},
	{"export", "need a one-off export of {dataset} for a legal request, CSV is fine", []string{"support", "payments"}, 2},
	{"export", "can you send me {metric} by country for {campaign}? need it for a board slide", []string{"product"}, 2},
	{"cost", "Snowflake credits spiked this week, was that the new `{model}` model?", []string{"analytics"}, 1},
}

// threadChance is how likely a request of each category gets a thread.
var threadChance = map[string]float64{
	"incident": 0.8, "deploy": 0.55, "pipeline": 0.55, "ci": 0.45, "access": 0.35,
	"data-access": 0.3, "question": 0.5, "data-question": 0.5, "infra": 0.35,
	"cost": 0.4, "cert": 0.4, "security": 0.45, "dashboard": 0.5, "data-change": 0.35, "export": 0.35,
}

// incidentRequests are asked by several people at once on incident days.
var incidentRequests = map[string][]string{
	"platform": {
		"is {svc} down? getting 503s everywhere",
		"API returning 502s for {regionname} customers",
		"checkout errors spiking, anyone looking?",
		"support queue is exploding, customers can't log in :sob:",
		"+1 seeing errors on {svc} too",
		"is this related to the {region} outage on the AWS status page?",
	},
	"data": {
		"all dashboards are empty this morning, is the warehouse down?",
		"{dag} failed and `{model}` is stale too, is Airflow ok?",
		"Looker says `query timed out` for everything",
		"the {dashboard} numbers are all zero today",
	},
}
