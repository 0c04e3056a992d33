package render

import "testing"

// Each team's ticket links to its own tracker in the Slack report.
func TestReportRef(t *testing.T) {
	for _, tc := range []struct {
		ticket, url string
		want        string
	}{
		{"OPS-12", "https://acme.atlassian.net/browse/OPS-12", "<https://acme.atlassian.net/browse/OPS-12|OPS-12>"},
		{"acme/data#7", "https://github.com/acme/data/issues/7", "<https://github.com/acme/data/issues/7|acme/data#7>"},
		{"acme/ops#3", "https://gitlab.com/acme/ops/-/issues/3", "<https://gitlab.com/acme/ops/-/issues/3|acme/ops#3>"},
		{"REQ-4", "", "REQ-4"},
		{"", "", "#9"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := reportRef(tc.ticket, tc.url, 9); got != tc.want {
				t.Errorf("reportRef = %q, want %q", got, tc.want)
			}
		})
	}
}
