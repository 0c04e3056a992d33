package cli

import (
	"strings"
	"testing"
	"time"
)

// TestFaultClock covers SPRINTGUARD_FAULT_CLOCK_OFFSET: unset keeps the
// clock, a duration shifts it either way, anything else is an error that
// names the variable.
func TestFaultClock(t *testing.T) {
	at := time.Date(2026, 11, 30, 14, 59, 0, 0, time.UTC)
	tests := []struct {
		name, value string
		want        time.Time
		err         string
	}{
		{name: "unset", want: at},
		{name: "ahead", value: "26h30m", want: at.Add(26*time.Hour + 30*time.Minute)},
		{name: "behind", value: "-72h", want: at.Add(-72 * time.Hour)},
		{name: "no unit", value: "3600", err: faultClockOffset + `="3600": not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, err := faultClock(func(k string) string {
				if k == faultClockOffset {
					return tt.value
				}
				return ""
			}, func() time.Time { return at })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := now(); !got.Equal(tt.want) {
				t.Errorf("now %v, want %v", got, tt.want)
			}
		})
	}
}
