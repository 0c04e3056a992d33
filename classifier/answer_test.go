package classifier

import "testing"

// A continue rule fills what the deciding rule leaves empty, its answer
// too: "whatever mentions the VPN, show the VPN runbook first".
func TestAContinueRuleGivesItsAnswer(t *testing.T) {
	s := mustCompile(t, []Rule{
		{Name: "vpn-runbook", Any: []string{"vpn"}, Continue: true, Answer: "https://wiki.example.com/vpn-reset"},
		{Name: "access", Any: []string{"access"}, Urgency: P3, Category: "access"},
		{Name: "password", Any: []string{"password"}, Urgency: P3, Category: "access", Answer: "https://id.example.com/reset"},
		{Name: "default", Default: true, Urgency: P3},
	}, Options{})
	tests := []struct{ text, answer string }{
		{"I lost vpn access", "https://wiki.example.com/vpn-reset"},
		{"my vpn password expired", "https://id.example.com/reset"}, // the deciding rule's own
		{"I need access to grafana", ""},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			if d := s.Classify(Input{Summary: tc.text}); d.Answer != tc.answer {
				t.Errorf("answer %q, want %q", d.Answer, tc.answer)
			}
		})
	}
}
