package cli

import "testing"

func TestGCSettings(t *testing.T) {
	tests := []struct {
		name             string
		gogc, gomemlimit string
		cgroup           string
		wantPct          int
		wantLimit        int64
	}{
		{"nothing set", "", "", "", serveGCPercent, serveMemoryLimit},
		{"no cgroup limit", "", "", "max\n", serveGCPercent, serveMemoryLimit},
		{"a small container", "", "", "268435456\n", serveGCPercent, 192 << 20},
		{"a large container", "", "", "8589934592\n", serveGCPercent, serveMemoryLimit},
		{"GOGC set: untouched", "100", "", "268435456\n", -1, -1},
		{"GOGC off: untouched", "off", "", "", -1, -1},
		{"GOMEMLIMIT set: only the percent", "", "460MiB", "536870912\n", serveGCPercent, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cg []byte
			if tc.cgroup != "" {
				cg = []byte(tc.cgroup)
			}
			pct, limit := gcSettings(tc.gogc, tc.gomemlimit, cg)
			if pct != tc.wantPct || limit != tc.wantLimit {
				t.Errorf("gcSettings = %d, %d; want %d, %d", pct, limit, tc.wantPct, tc.wantLimit)
			}
		})
	}
}
