// Package metrics exposes sprintguard's Prometheus metrics. Every name
// starts with sprintguard_; the dashboard and alert rules in
// deploy/monitoring use them, and a test checks they exist.
package metrics

import (
	"errors"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/slack-go/slack"

	"github.com/sprintguard/sprintguard/classifier"
	"github.com/sprintguard/sprintguard/store"
	"github.com/sprintguard/sprintguard/triage"
)

// Metrics holds the collectors of one process. Its methods are safe for
// concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	requests       *prometheus.CounterVec
	tickets        *prometheus.CounterVec
	ticketFailures *prometheus.CounterVec
	jobAttempts    *prometheus.CounterVec
	slackCalls     *prometheus.HistogramVec
	slackErrors    *prometheus.CounterVec
	slackLimited   *prometheus.CounterVec
	jiraCalls      *prometheus.HistogramVec
	jiraErrors     *prometheus.CounterVec
	jiraLimited    prometheus.Counter
	acks           *prometheus.HistogramVec
	dutyRuns       *prometheus.CounterVec
	dutyFailures   *prometheus.CounterVec
	handoffs       *prometheus.GaugeVec
	reconnects     prometheus.Counter
}

// Source reads what the gauges show at each scrape.
type Source interface {
	// OutboxStats returns the queued and dead jobs and the oldest queued
	// job's creation time.
	OutboxStats() (queued, dead int, oldest time.Time, err error)
	triage.Store
}

// New registers every collector. settings and now give the budget gauge
// its teams and sprints; version and commit label build_info.
func New(src Source, settings func() *triage.Settings, now func() time.Time, version, commit string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := factory{m.reg}
	m.requests = f.counter("requests_total", "Requests taken in, by team, urgency and outcome.", "team", "urgency", "outcome")
	m.tickets = f.counter("tickets_created_total", "Tickets made, by tracker job outcome.", "kind")
	m.ticketFailures = f.counter("tickets_failed_total", "Failed attempts to make or update tickets, by kind and whether they will be retried.", "kind", "retry")
	m.jobAttempts = f.counter("outbox_attempts_total", "Outbox job attempts, by kind and result (ok, retry, dead).", "kind", "result")
	m.slackCalls = f.histogram("slack_call_duration_seconds", "Slack Web API call latency, by method.", []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}, "method")
	m.slackErrors = f.counter("slack_call_errors_total", "Slack Web API calls that failed, by method.", "method")
	m.slackLimited = f.counter("slack_rate_limited_total", "Slack 429 answers, by method.", "method")
	m.jiraCalls = f.histogram("jira_call_duration_seconds", "Jira REST call latency, by operation.", []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}, "op")
	m.jiraErrors = f.counter("jira_call_errors_total", "Jira calls that failed, by HTTP status (0 for network errors and timeouts).", "status")
	m.jiraLimited = f.plainCounter("jira_rate_limited_total", "Jira 429 answers.")
	m.acks = f.histogram("ack_duration_seconds", "Time from receiving a Slack payload to acknowledging it, by kind.", []float64{.001, .0025, .005, .0075, .01, .015, .025, .05, .1, .25, .5, 1, 3}, "kind")
	m.dutyRuns = f.counter("job_runs_total", "Scheduled duty runs (report, handoff, sprint start), by duty.", "duty")
	m.dutyFailures = f.counter("job_failures_total", "Scheduled duty runs that failed, by duty.", "duty")
	m.reconnects = f.plainCounter("socket_reconnects_total", "Socket Mode connection attempts after the first: after a disconnect, a dropped socket or a failed connect.")
	m.handoffs = f.gauge("handoff_last_timestamp_seconds", "When each team's last handoff was planned, as a Unix time.", "team")

	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), schedCollector{})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "sprintguard_build_info", Help: "Version, commit and Go version; always 1."},
		[]string{"version", "commit", "goversion"})
	build.WithLabelValues(version, commit, runtime.Version()).Set(1)
	m.reg.MustRegister(build)
	m.reg.MustRegister(&storeCollector{src: src, settings: settings, now: now})
	return m
}

// Init makes the labelled series that alerts and dashboards watch exist
// from the start, at zero: every duty's runs and failures, the ticket
// failures, and each team's last handoff, taken from the store's record
// (lastRun) so that a restart does not look like a missed handoff.
func (m *Metrics) Init(duties []string, lastRun func(name string) time.Time) {
	for _, d := range duties {
		m.dutyRuns.WithLabelValues(d)
		m.dutyFailures.WithLabelValues(d)
		if team, ok := strings.CutPrefix(d, "handoff:"); ok {
			if at := lastRun(d); !at.IsZero() {
				m.handoffs.WithLabelValues(team).Set(float64(at.Unix()))
			} else {
				m.handoffs.WithLabelValues(team).SetToCurrentTime()
			}
		}
	}
	for _, kind := range []string{triage.JobCreateTicket, triage.JobUpdateTicket} {
		for _, retry := range []string{"yes", "no"} {
			m.ticketFailures.WithLabelValues(kind, retry)
		}
	}
}

// Labels are the label values whose series exist from the first scrape.
type Labels struct {
	Teams        []string
	SlackMethods []string
	JiraOps      []string // none without Jira
	JobKinds     []string // the outbox's job kinds
	AckKinds     []string // the kinds of Slack payload acknowledged
}

// jiraStatuses are the statuses the Jira error series start with: 0 for
// network errors and timeouts, and the answers of an outage or a refusal.
var jiraStatuses = []int{0, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504}

// InitLabels makes every labelled series that the dashboard and the alert
// rules query exist at zero, so that rate() and the alerts work from the
// first scrape rather than from the first error: Slack calls, errors and
// rate limits by method, Jira calls by operation and errors by status,
// outbox attempts by kind and result, tickets, requests by team, urgency
// and outcome, and acknowledgements by kind.
func (m *Metrics) InitLabels(l Labels) {
	for _, method := range l.SlackMethods {
		m.slackCalls.WithLabelValues(method)
		m.slackErrors.WithLabelValues(method)
		m.slackLimited.WithLabelValues(method)
	}
	if len(l.JiraOps) > 0 {
		for _, op := range l.JiraOps {
			m.jiraCalls.WithLabelValues(op)
		}
		for _, status := range jiraStatuses {
			m.jiraErrors.WithLabelValues(itoa(status))
		}
	}
	for _, kind := range l.JobKinds {
		for _, result := range []string{"ok", "retry", "dead"} {
			m.jobAttempts.WithLabelValues(kind, result)
		}
	}
	m.tickets.WithLabelValues(triage.JobCreateTicket)
	for _, team := range l.Teams {
		for _, u := range []triage.Urgency{classifier.P1, classifier.P2, classifier.P3, classifier.P4} {
			for _, o := range []triage.Outcome{triage.Accepted, triage.Deferred, triage.NeedsApproval, triage.Backlog, triage.Declined} {
				m.requests.WithLabelValues(team, u.String(), string(o))
			}
		}
	}
	for _, kind := range l.AckKinds {
		m.acks.WithLabelValues(kind)
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is the registry, for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Request counts a request taken in.
func (m *Metrics) Request(r *triage.Request) {
	m.requests.WithLabelValues(r.Team, r.Urgency.String(), string(r.Outcome)).Inc()
}

// Job counts an outbox attempt; the ticket kinds also count tickets.
func (m *Metrics) Job(j *triage.Job, err error, _ time.Duration) {
	result := "ok"
	switch {
	case err == nil:
	case triage.IsPermanent(err):
		result = "dead"
	default:
		result = "retry"
	}
	m.jobAttempts.WithLabelValues(j.Kind, result).Inc()
	if j.Kind != triage.JobCreateTicket && j.Kind != triage.JobUpdateTicket {
		return
	}
	if err == nil {
		if j.Kind == triage.JobCreateTicket {
			m.tickets.WithLabelValues(j.Kind).Inc()
		}
		return
	}
	m.ticketFailures.WithLabelValues(j.Kind, map[bool]string{true: "no", false: "yes"}[triage.IsPermanent(err)]).Inc()
}

// SlackCall observes one Web API attempt.
func (m *Metrics) SlackCall(method string, err error, took time.Duration) {
	m.slackCalls.WithLabelValues(method).Observe(took.Seconds())
	if err == nil {
		return
	}
	m.slackErrors.WithLabelValues(method).Inc()
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		m.slackLimited.WithLabelValues(method).Inc()
	}
}

// JiraCall observes one Jira call; status is its HTTP status, 0 when none.
func (m *Metrics) JiraCall(op string, status int, err error, took time.Duration) {
	m.jiraCalls.WithLabelValues(op).Observe(took.Seconds())
	if err == nil {
		return
	}
	m.jiraErrors.WithLabelValues(itoa(status)).Inc()
	if status == http.StatusTooManyRequests {
		m.jiraLimited.Inc()
	}
}

// SocketReconnect counts a Socket Mode reconnect attempt.
func (m *Metrics) SocketReconnect() { m.reconnects.Inc() }

// Ack observes the time to acknowledge a Slack payload.
func (m *Metrics) Ack(kind string, took time.Duration) {
	m.acks.WithLabelValues(kind).Observe(took.Seconds())
}

// Duty counts a scheduled duty's run; a handoff's also sets the team's
// last-handoff time, which the "handoff missed" alert watches.
func (m *Metrics) Duty(name string, err error) {
	m.dutyRuns.WithLabelValues(name).Inc()
	if err != nil {
		m.dutyFailures.WithLabelValues(name).Inc()
		return
	}
	if team, ok := strings.CutPrefix(name, "handoff:"); ok {
		m.handoffs.WithLabelValues(team).SetToCurrentTime()
	}
}

// storeCollector reads the outbox and the budgets at scrape time.
type storeCollector struct {
	src      Source
	settings func() *triage.Settings
	now      func() time.Time
}

var (
	outboxDepthDesc  = prometheus.NewDesc("sprintguard_outbox_depth", "Jobs waiting in the outbox.", nil, nil)
	outboxDeadDesc   = prometheus.NewDesc("sprintguard_outbox_dead_jobs", "Jobs that failed for good and wait for an operator.", nil, nil)
	outboxOldestDesc = prometheus.NewDesc("sprintguard_outbox_oldest_age_seconds", "Age of the oldest queued job (0 when none).", nil, nil)
	budgetDesc       = prometheus.NewDesc("sprintguard_budget_used_ratio", "Interrupt budget used in the current sprint, as a fraction of the budget.", []string{"team"}, nil)
	budgetUsedDesc   = prometheus.NewDesc("sprintguard_budget_used", "Interrupt budget used in the current sprint, in the team's unit.", []string{"team", "unit"}, nil)
	journalSyncDesc  = prometheus.NewDesc("sprintguard_journal_sync_duration_seconds", "How long each fdatasync of the acknowledgement journal took (bbolt storage only); a batch of acknowledgements waits for one.", nil, nil)
	commitDesc       = prometheus.NewDesc("sprintguard_store_commit_duration_seconds", "How long the store's one writer spent on each batch of write transactions, commit and fdatasyncs included (bbolt storage only); its sum over wall time is how busy the writer is.", nil, nil)
	commitSizeDesc   = prometheus.NewDesc("sprintguard_store_commit_transactions", "How many write transactions each batch of the store's one writer ran, those that failed and were rolled back included (bbolt storage only).", nil, nil)
	pagesDesc        = prometheus.NewDesc("sprintguard_store_pages_written_total", "Pages the store's commits wrote (bbolt storage only).", nil, nil)
	commitWriteDesc  = prometheus.NewDesc("sprintguard_store_commit_write_seconds_total", "Time the store's commits spent writing their pages and meta page, both fdatasyncs included (bbolt storage only).", nil, nil)
)

// journalSyncs is what a store with an acknowledgement journal (bbolt's)
// offers: its fdatasyncs' times as a cumulative histogram.
type journalSyncs interface {
	JournalSyncs() store.Histogram
}

// storeWriter is what a store with one writer (bbolt's) offers: its
// batches' times and sizes, and what its commits wrote.
type storeWriter interface {
	WriterBatches() (took, intents store.Histogram)
	WriteStats() store.WriteStats
}

func constHistogram(d *prometheus.Desc, h store.Histogram) prometheus.Metric {
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b] = h.Cumulative[i]
	}
	return prometheus.MustNewConstHistogram(d, h.Count, h.Sum, buckets)
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDepthDesc
	ch <- outboxDeadDesc
	ch <- outboxOldestDesc
	ch <- budgetDesc
	ch <- budgetUsedDesc
	if _, ok := c.src.(journalSyncs); ok {
		ch <- journalSyncDesc
	}
	if _, ok := c.src.(storeWriter); ok {
		ch <- commitDesc
		ch <- commitSizeDesc
		ch <- pagesDesc
		ch <- commitWriteDesc
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	now := c.now()
	if queued, dead, oldest, err := c.src.OutboxStats(); err == nil {
		ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, float64(queued))
		ch <- prometheus.MustNewConstMetric(outboxDeadDesc, prometheus.GaugeValue, float64(dead))
		age := 0.0
		if !oldest.IsZero() {
			age = now.Sub(oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(outboxOldestDesc, prometheus.GaugeValue, age)
	} else {
		ch <- prometheus.NewInvalidMetric(outboxDepthDesc, err)
	}
	if js, ok := c.src.(journalSyncs); ok {
		ch <- constHistogram(journalSyncDesc, js.JournalSyncs())
	}
	if w, ok := c.src.(storeWriter); ok {
		took, intents := w.WriterBatches()
		ch <- constHistogram(commitDesc, took)
		ch <- constHistogram(commitSizeDesc, intents)
		ws := w.WriteStats()
		ch <- prometheus.MustNewConstMetric(pagesDesc, prometheus.CounterValue, float64(ws.Pages))
		ch <- prometheus.MustNewConstMetric(commitWriteDesc, prometheus.CounterValue, ws.Write.Seconds())
	}
	_ = c.src.View(func(tx triage.Tx) error {
		for _, t := range c.settings().Teams {
			n := t.Calendar.At(now).N
			led, err := triage.LedgerOf(tx, t, n)
			if err != nil {
				ch <- prometheus.NewInvalidMetric(budgetDesc, err)
				continue
			}
			ratio := 0.0
			if led.Total > 0 {
				ratio = led.Used() / led.Total
			}
			ch <- prometheus.MustNewConstMetric(budgetDesc, prometheus.GaugeValue, ratio, t.Name)
			ch <- prometheus.MustNewConstMetric(budgetUsedDesc, prometheus.GaugeValue, led.Used(), t.Name, t.Budget.Unit)
		}
		return nil
	})
}
