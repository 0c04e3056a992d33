package exportgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Slot values. Services are grouped by the requester group that owns them so
// people ask about their own systems most of the time.
var (
	servicesByGroup = map[string][]string{
		"payments":  {"payments-gateway", "ledger-service", "checkout-api", "fraud-scorer", "refunds-worker"},
		"mobile":    {"mobile-bff", "notifications-worker", "user-profile-svc", "push-gateway"},
		"support":   {"checkout-api", "orders-api", "email-sender", "support-portal"},
		"product":   {"checkout-api", "pricing-engine", "search-api", "mobile-bff"},
		"analytics": {"events-collector", "search-api", "orders-api"},
		"security":  {"auth-service", "sso-proxy", "secrets-operator"},
	}
	allServices = []string{"checkout-api", "payments-gateway", "ledger-service", "mobile-bff", "search-api",
		"notifications-worker", "auth-service", "user-profile-svc", "pricing-engine", "orders-api",
		"fraud-scorer", "email-sender", "webhooks-relay", "inventory-sync", "events-collector"}
	envs        = []string{"prod", "production", "staging", "staging", "dev", "sandbox", "preprod", "qa"}
	prodEnvs    = []string{"prod", "production", "prod-eu", "prod-us"}
	regions     = []string{"eu-west-1", "us-east-1", "eu-central-1", "us-west-2", "ap-southeast-2"}
	regionNames = []string{"EU", "US", "German", "Australian", "UK", "French", "Brazilian"}
	buckets     = []string{"prod-payments", "payments-reports", "analytics-raw", "mobile-crash-reports",
		"support-exports", "ml-features", "backups-eu", "invoices-archive", "partner-uploads"}
	hosts = []string{"status.acme.io", "api-eu.acme.io", "pay.acme.io", "docs.acme.io", "grafana.internal.acme.io",
		"sso.acme.io", "partners.acme.io", "m.acme.io", "hooks.acme.io", "cdn-eu.acme.io", "sandbox-api.acme.io"}
	namespaces = []string{"payments", "mobile", "checkout", "search", "support-tools", "growth", "ledger"}
	repos      = []string{"acme/checkout-api", "acme/mobile-app", "acme/infra-live", "acme/terraform-modules",
		"acme/helm-charts", "acme/ledger", "acme/web-storefront", "acme/data-pipelines"}
	databases = []string{"payments-db", "orders-db", "the orders read replica", "ledger-db", "users-db", "search-es cluster"}
	queues    = []string{"payouts-queue", "email-outbox", "webhook-retries", "order-events", "push-notifications"}
	tools     = []string{"Grafana", "Argo CD", "Vault", "Sentry", "Kibana", "the AWS console", "PagerDuty", "Terraform Cloud", "Datadog"}
	roles     = []string{"read-only", "admin", "edit", "deployer", "viewer", "maintainer"}
	features  = []string{"one-click checkout", "Apple Pay", "the new onboarding flow", "subscriptions", "refund self-service",
		"dark mode", "loyalty points", "gift cards", "the partner API"}
	campaigns = []string{"Black Friday", "back-to-school", "Cyber Monday", "spring sale", "app store feature"}
	tests     = []string{"TestCheckoutFlow/apple_pay", "TestLedgerReconcile", "payments_e2e::refund_partial",
		"OrdersApiIT.shouldRetryWebhook", "search.spec.ts > facets", "TestPushTokenRefresh"}
	cves   = []string{"CVE-2026-1042", "CVE-2025-48734", "CVE-2026-21518", "CVE-2025-32463", "CVE-2026-0912"}
	things = []string{"refund", "payout", "chargeback", "order", "subscription", "webhook"}
	cities = []string{"Lisbon", "Berlin", "Madrid", "Warsaw", "Dublin", "Austin", "Chicago"}

	dags       = []string{"daily_revenue", "customer_ltv", "events_ingest", "stripe_sync", "marketing_attribution", "churn_features", "support_tickets_sync", "app_store_reviews"}
	models     = []string{"fct_orders", "dim_customers", "stg_payments", "fct_subscriptions", "int_refunds", "mart_finance_daily", "fct_app_sessions", "dim_products"}
	schemas    = []string{"analytics", "marts", "raw_stripe", "raw_zendesk", "finance", "product_events", "sandbox_analytics"}
	columns    = []string{"refund_reason", "first_order_at", "country_code", "is_b2b", "campaign_id", "device_os", "plan_tier", "ltv_eur"}
	dashboards = []string{"Revenue Daily", "Support SLA", "Mobile Funnel", "Payments Reconciliation", "Exec KPIs", "Churn Cohorts", "Checkout Conversion"}
	sources    = []string{"the Stripe dashboard", "the finance spreadsheet", "Zendesk", "App Store Connect", "the billing export", "Google Analytics"}
	metrics    = []string{"net revenue", "active subscribers", "refund rate", "MAU", "CSAT", "conversion rate", "churn"}
	datasets   = []string{"all refunds", "failed payments", "app crashes by OS version", "support tickets tagged `billing`", "orders by country", "signups per campaign"}
)

// slotContext is what slot filling knows about the message being written.
type slotContext struct {
	r         *rand.Rand
	requester person
	team      team
	oncall    string
	helper    string // who answers in the thread
	at        time.Time
	memo      map[string]string // one value per slot name within a message
}

// fill replaces {slot} placeholders; a slot used twice in one template gets
// the same value, so "run #{num}" and its link agree.
func (c *slotContext) fill(tmpl string) string {
	c.memo = map[string]string{}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+j]
		v, ok := c.memo[name]
		if !ok {
			v = c.slot(name)
			c.memo[name] = v
		}
		b.WriteString(v)
		tmpl = tmpl[i+j+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func mention(id string) string { return "<@" + id + ">" }

func (c *slotContext) slot(name string) string {
	r := c.r
	switch name {
	case "svc":
		if own, ok := servicesByGroup[c.requester.group]; ok && r.IntN(10) < 7 {
			return pick(r, own)
		}
		return pick(r, allServices)
	case "svc2":
		return pick(r, allServices)
	case "env":
		return pick(r, envs)
	case "prod":
		return pick(r, prodEnvs)
	case "region":
		return pick(r, regions)
	case "regionname":
		return pick(r, regionNames)
	case "bucket":
		return pick(r, buckets)
	case "host":
		return pick(r, hosts)
	case "ns":
		return pick(r, namespaces)
	case "repo":
		return pick(r, repos)
	case "db":
		return pick(r, databases)
	case "queue":
		return pick(r, queues)
	case "tool":
		return pick(r, tools)
	case "role":
		return pick(r, roles)
	case "feature":
		return pick(r, features)
	case "campaign":
		return pick(r, campaigns)
	case "test":
		return pick(r, tests)
	case "cve":
		return pick(r, cves)
	case "thing":
		return pick(r, things)
	case "city":
		return pick(r, cities)
	case "dag":
		return pick(r, dags)
	case "model":
		return pick(r, models)
	case "model2":
		return pick(r, models)
	case "schema":
		return pick(r, schemas)
	case "col":
		return pick(r, columns)
	case "dashboard":
		return pick(r, dashboards)
	case "source":
		return pick(r, sources)
	case "metric":
		return pick(r, metrics)
	case "dataset":
		return pick(r, datasets)
	case "ver":
		return fmt.Sprintf("v%d.%d.%d", 1+r.IntN(4), r.IntN(30), r.IntN(12))
	case "n":
		return fmt.Sprint(2 + r.IntN(9))
	case "num":
		return fmt.Sprint(10000 + r.IntN(90000))
	case "pr":
		return fmt.Sprint(1200 + r.IntN(3800))
	case "pct":
		return fmt.Sprint(5 * (3 + r.IntN(17)))
	case "mem":
		return fmt.Sprint(1 << (1 + r.IntN(4)))
	case "secs":
		return fmt.Sprintf("%d.%d", 1+r.IntN(9), r.IntN(10))
	case "ip":
		return fmt.Sprintf("203.0.113.%d", 1+r.IntN(254))
	case "key":
		return "AKIA" + strings.ToUpper(randomID(r, 12))
	case "time":
		local := c.at.Add(-time.Duration(10+r.IntN(110)) * time.Minute).UTC()
		return local.Format("15:04")
	case "weekday":
		return c.at.AddDate(0, 0, -1-r.IntN(3)).Weekday().String()
	case "date":
		return c.at.AddDate(0, 0, -3-r.IntN(25)).Format(time.DateOnly)
	case "ticket":
		prefix := pick(r, []string{"PAY", "MOB", "SUP", "CHK", "SEC"})
		n := 100 + r.IntN(2900)
		return fmt.Sprintf("<https://acme.atlassian.net/browse/%s-%d|%s-%d>", prefix, n, prefix, n)
	case "oncall":
		return mention(c.oncall)
	case "requester", "dev":
		return mention(c.requester.id)
	case "helper":
		return mention(c.helper)
	case "teamname":
		return c.team.name
	case "prefix":
		return c.team.ticketPrefix
	case "teammate":
		return mention(pick(r, c.team.members()))
	case "lead":
		return mention(c.team.lead)
	case "peer":
		for {
			p := pick(r, people[7:20])
			if p.id != c.requester.id {
				return mention(p.id)
			}
		}
	case "oncallgroup":
		return "<!subteam^" + c.team.oncallGroup + "|" + c.team.oncallHandle + ">"
	case "slug":
		return pick(r, []string{"s3-access", "argo-sync-stuck", "rotate-aws-keys", "canary-analysis", "dns-changes", "cert-renewal", "oom-kills", "airflow-backfill", "dbt-ci"})
	}
	panic("exportgen: unknown slot {" + name + "}")
}

// randomID returns n lowercase letters and digits.
func randomID(r *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
