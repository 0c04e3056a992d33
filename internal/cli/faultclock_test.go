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

// TestKillAfterAcks covers SPRINTGUARD_FAULT_KILL_AFTER_ACKS: the hook
// kills once, on the commit that makes the Nth acknowledgement durable,
// whatever else the store commits around it. The batches are those of a
// burst of 60 events on a loaded machine: one Accept alone, the 59 others
// in one commit, then the intakes; a count of batches of several
// transactions killed on the intakes' second, once every ack was sent.
func TestKillAfterAcks(t *testing.T) {
	loaded := [][2]int{{1, 0}, {1, 0}, {1, 1}, {59, 59}, {8, 0}, {25, 0}, {30, 0}}
	tests := []struct {
		name, value string
		commits     [][2]int
		want        int // the commit killed on, or -1
		noHook      bool
	}{
		{name: "unset", commits: loaded, want: -1, noHook: true},
		{name: "not a number", value: "three", commits: loaded, want: -1, noHook: true},
		{name: "loaded burst", value: "20", commits: loaded, want: 3},
		{name: "the first ack", value: "1", commits: loaded, want: 2},
		{name: "more than come", value: "61", commits: loaded, want: -1},
		{name: "one ack a commit", value: "3", commits: [][2]int{{1, 1}, {2, 0}, {1, 1}, {4, 0}, {1, 1}, {1, 1}}, want: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, calls := -1, 0
			hook := killAfterAcks(func(k string) string {
				if k == faultKillAfterAcks {
					return tt.value
				}
				return ""
			}, func() { calls++ })
			if (hook == nil) != tt.noHook {
				t.Fatalf("hook %v, want none: %v", hook != nil, tt.noHook)
			}
			if hook == nil {
				return
			}
			for i, c := range tt.commits {
				before := calls
				hook(c[0], c[1])
				if calls > before && got < 0 {
					got = i
				}
			}
			if got != tt.want || calls > 1 {
				t.Errorf("killed on commit %d (%d kills), want %d, once", got, calls, tt.want)
			}
		})
	}
}
