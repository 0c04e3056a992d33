package config

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "0", want: 0},
		{in: "15m", want: 15 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "1d", want: 24 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "1w2d", want: 9 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "500ms", want: 500 * time.Millisecond},
		{in: "24", wantErr: true},
		{in: "-5m", wantErr: true},
		{in: "1.5d", wantErr: true},
		{in: "1d-2h", wantErr: true},
		{in: "soon", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parseDuration(tt.in)
			if (p != nil) != tt.wantErr {
				t.Fatalf("parseDuration(%q) problem = %v, wantErr %v", tt.in, p, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseDuration(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "1d", want: 24 * time.Hour},
		{in: "14d", want: 14 * 24 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "0d", wantErr: true},
		{in: "36h", wantErr: true},
		{in: "1w1d", wantErr: true},
		{in: "w", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parseDays(tt.in)
			if (p != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseDays(%q) = %v, %v; want %v, error %v", tt.in, got, p, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in       string
		want     float64
		wantHint string
		wantErr  bool
	}{
		{in: "20%", want: 0.2},
		{in: "0%", want: 0},
		{in: "12.5%", want: 0.125},
		{in: "150 %", want: 1.5},
		{in: "0.2", wantErr: true, wantHint: "write 20%"},
		{in: "20", wantErr: true, wantHint: "write 20%"},
		{in: "twenty", wantErr: true},
		{in: "-5%", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parsePercent(tt.in)
			if (p != nil) != tt.wantErr {
				t.Fatalf("parsePercent(%q) problem = %v, wantErr %v", tt.in, p, tt.wantErr)
			}
			if p != nil && p.hint != tt.wantHint {
				t.Errorf("hint = %q, want %q", p.hint, tt.wantHint)
			}
			if got != tt.want {
				t.Errorf("parsePercent(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2026-01-05", want: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)},
		{in: "2028-02-29", want: time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{in: "2026-02-29", wantErr: true},
		{in: "2026-1-5", wantErr: true},
		{in: "2026-01-05T10:00:00Z", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parseDate(tt.in)
			if (p != nil) != tt.wantErr || !got.Equal(tt.want) {
				t.Errorf("parseDate(%q) = %v, %v; want %v, error %v", tt.in, got, p, tt.want, tt.wantErr)
			}
			if p == nil && got.Location() != time.UTC {
				t.Errorf("parseDate(%q) location = %v, want UTC", tt.in, got.Location())
			}
		})
	}
}

func TestParseHandoff(t *testing.T) {
	tests := []struct {
		in      string
		want    Handoff
		wantErr bool
	}{
		{in: "Mon 10:00", want: Handoff{Weekday: time.Monday, HasWeekday: true, At: Clock{10, 0}}},
		{in: "tuesday 9:05", want: Handoff{Weekday: time.Tuesday, HasWeekday: true, At: Clock{9, 5}}},
		{in: "SUN 23:59", want: Handoff{Weekday: time.Sunday, HasWeekday: true, At: Clock{23, 59}}},
		{in: "08:30", want: Handoff{At: Clock{8, 30}}},
		{in: "Mon 24:00", wantErr: true},
		{in: "Mo 10:00", wantErr: true},
		{in: "Mon", wantErr: true},
		{in: "Mon 10:00 UTC", wantErr: true},
		{in: "10h", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parseHandoff(tt.in)
			if (p != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseHandoff(%q) = %+v, %v; want %+v, error %v", tt.in, got, p, tt.want, tt.wantErr)
			}
		})
	}
}

func TestHandoffString(t *testing.T) {
	tests := []struct {
		in   Handoff
		want string
	}{
		{in: Handoff{Weekday: time.Wednesday, HasWeekday: true, At: Clock{9, 5}}, want: "Wed 09:05"},
		{in: Handoff{At: Clock{18, 0}}, want: "18:00"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseUrgency(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "P1", want: "P1"},
		{in: "p2", want: "P2"},
		{in: "critical", want: "P1"},
		{in: "High", want: "P2"},
		{in: "normal", want: "P3"},
		{in: "LOW", want: "P4"},
		{in: "P5", wantErr: true},
		{in: "urgent", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, p := parseUrgency(tt.in)
			if (p != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseUrgency(%q) = %q, %v; want %q, error %v", tt.in, got, p, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseZone(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{in: "Europe/Paris"},
		{in: "America/Chicago"},
		{in: "UTC"},
		{in: "Europe/Pariss", wantErr: true},
		{in: "Local", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, p := parseZone(tt.in)
			if (p != nil) != tt.wantErr {
				t.Fatalf("parseZone(%q) problem = %v, wantErr %v", tt.in, p, tt.wantErr)
			}
			if p == nil && loc.String() != tt.in {
				t.Errorf("parseZone(%q) = %v", tt.in, loc)
			}
		})
	}
}

func TestCheckCron(t *testing.T) {
	tests := []struct {
		in     string
		wantOK bool
	}{
		{in: "0 9 * * MON", wantOK: true},
		{in: "30 8 * * 1-5", wantOK: true},
		{in: "*/15 * * * *", wantOK: true},
		{in: "0 9,17 1 jan-jun ?", wantOK: true},
		{in: "0 0 1-31/2 * sun,sat", wantOK: true},
		{in: "0 9 * * 7", wantOK: true},
		{in: "0 9 * *", wantOK: false},
		{in: "0 0 9 * * MON", wantOK: false},
		{in: "60 9 * * *", wantOK: false},
		{in: "0 25 * * *", wantOK: false},
		{in: "0 9 0 * *", wantOK: false},
		{in: "0 9 * 13 *", wantOK: false},
		{in: "0 9 * * FUNDAY", wantOK: false},
		{in: "0 9 * * 5-1", wantOK: false},
		{in: "*/0 9 * * *", wantOK: false},
		{in: "? 9 * * *", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if p := checkCron(tt.in); (p == nil) != tt.wantOK {
				t.Errorf("checkCron(%q) = %v, want ok %v", tt.in, p, tt.wantOK)
			}
		})
	}
}

func TestCheckIDs(t *testing.T) {
	tests := []struct {
		name   string
		check  func(string) *problem
		in     string
		wantOK bool
	}{
		{"user", checkUser, "U0PLAT001", true},
		{"enterprise user", checkUser, "W012ABC", true},
		{"user lowercase", checkUser, "u0plat001", false},
		{"user name", checkUser, "@alice", false},
		{"channel id", checkChannel, "C0PLATHELP", true},
		{"private channel id", checkChannel, "G0PRIV01", true},
		{"channel name", checkChannel, "#platform-help", true},
		{"channel without #", checkChannel, "platform-help", false},
		{"channel uppercase name", checkChannel, "#Platform", false},
		{"handle", checkUserOrHandle, "@platform-leads", true},
		{"handle or user", checkUserOrHandle, "U01", true},
		{"bare handle", checkUserOrHandle, "platform-leads", false},
		{"loopback v4", checkLoopback, "127.0.0.1:8081", true},
		{"loopback v6", checkLoopback, "[::1]:8081", true},
		{"localhost", checkLoopback, "localhost:8081", true},
		{"all interfaces", checkLoopback, ":8081", false},
		{"public", checkLoopback, "10.0.0.5:8081", false},
		{"listen port only", checkListen, ":8080", true},
		{"listen no port", checkListen, "8080", false},
		{"listen bad port", checkListen, ":99999", false},
		{"https url", checkURL, "https://slack.com/api/", true},
		{"ftp url", checkURL, "ftp://example.com/", false},
		{"relative url", checkURL, "/api/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p := tt.check(tt.in); (p == nil) != tt.wantOK {
				t.Errorf("check(%q) = %v, want ok %v", tt.in, p, tt.wantOK)
			}
		})
	}
}
