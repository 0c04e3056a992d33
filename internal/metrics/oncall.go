package metrics

import "github.com/prometheus/client_golang/prometheus"

// OnCall counts the fetches of on-call schedules kept outside the config.
// Its methods are safe for concurrent use.
type OnCall struct {
	refreshes *prometheus.CounterVec
	unmapped  *prometheus.GaugeVec
}

// OnCall registers the on-call schedule metrics; call it once.
func (m *Metrics) OnCall() *OnCall {
	f := factory{m.reg}
	return &OnCall{
		refreshes: f.counter("oncall_refresh_total", "Fetches of on-call schedules from their source, by team, source and result (ok, failed).", "team", "source", "result"),
		unmapped:  f.gauge("oncall_unmapped_people", "People in a team's fetched on-call schedule that match no Slack user.", "team"),
	}
}

// Refresh records one fetch.
func (o *OnCall) Refresh(team, source string, err error, unmapped int) {
	result := "ok"
	if err != nil {
		result = "failed"
	} else {
		o.unmapped.WithLabelValues(team).Set(float64(unmapped))
	}
	o.refreshes.WithLabelValues(team, source, result).Inc()
}
