package render

import (
	"strings"
	"testing"
)

func TestAnswerOffersTheRuleAnswerWithTwoButtons(t *testing.T) {
	r := testRequest(t)
	r.Decision.Rule, r.Decision.Answer = "vpn-reset", "See https://wiki.example.com/vpn?a=1&b=2"
	blocks := decode(t, Answer(r).Blocks)
	checkLimits(t, blocks, 50)
	got := texts(blocks)
	if !strings.Contains(got, "Rule `vpn-reset` has an answer for this:\nSee https://wiki.example.com/vpn?a=1&amp;b=2") {
		t.Errorf("text:\n%s", got)
	}
	if ids := strings.Join(actionIDs(blocks), ","); ids != ActionSolved+","+ActionNeedHelp {
		t.Errorf("actions %s", ids)
	}
	for _, id := range []string{ActionSolved, ActionNeedHelp} {
		if els := elements(blocks)[id]; len(els) != 1 || els[0]["value"] != "12" {
			t.Errorf("%s buttons %v, want one with the request id 12", id, els)
		}
	}
}
