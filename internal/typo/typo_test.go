package typo

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"channel", "timezone", "members", "leads", "rules", "rules_file", "name"}
	tests := []struct {
		in, want string
	}{
		{"chanel", "channel"},
		{"timezon", "timezone"},
		{"Timezone", "timezone"},
		{"rule", "rules"},
		{"rulesfile", "rules_file"},
		{"zone", ""},
		{"colour", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Closest(tt.in, known); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
