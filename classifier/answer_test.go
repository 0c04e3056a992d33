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
	tests := []struct{ text, answer, by string }{
		{"I lost vpn access", "https://wiki.example.com/vpn-reset", "vpn-runbook"},
		{"my vpn password expired", "https://id.example.com/reset", "password"}, // the deciding rule's own
		{"I need access to grafana", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			d := s.Classify(Input{Summary: tc.text})
			if d.Answer != tc.answer {
				t.Errorf("answer %q, want %q", d.Answer, tc.answer)
			}
			// The requester is told which rule answered: the continue
			// rule that carried it, not the rule that decided.
			if d.AnswerRule != tc.by {
				t.Errorf("answer rule %q, want %q (deciding rule %q)", d.AnswerRule, tc.by, d.Rule)
			}
		})
	}
}
