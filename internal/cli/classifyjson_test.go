package cli

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/sprintguard/sprintguard/classifier"
)

// appendClassifyJSON must write the bytes encoding/json writes, for the
// decisions of the example rules and for values chosen to be awkward.
func TestAppendClassifyJSONAgreesWithEncodingJSON(t *testing.T) {
	_, st, err := loadSettings(Env{Getenv: func(string) string { return "" }}, repo("examples", "sprintguard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tf, err := readRulesTest(repo("examples", "rules_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var results []classifyResult
	for _, c := range tf.Cases {
		in := c.classifyLine
		if in.Team == "" {
			in.Team = tf.Team
		}
		res, err := classify(st, in, time.Date(2026, 1, 6, 16, 30, 0, 0, time.UTC))
		if err != nil {
			continue
		}
		results = append(results, res)
	}
	odd := []string{"", "<a href='x'>&amp;</a>", "tab\tnew\nline\r\b\f\x01\x1f\x7f", "quote\" back\\slash", "\xff\xfe bad utf-8 \xe2\x82",
		"line\u2028para\u2029", "ünïcödé ✓ 🚀", "ſ \u212a"}
	for i, s := range odd {
		results = append(results, classifyResult{Team: s, Explanation: s, Decision: classifier.Decision{
			Urgency: classifier.Urgency(1 + i%4), Category: s, Estimate: []float64{0, 0.5, 3, 1e-7, 1e21, 123456789.125, 2.5e-9, 1e20}[i],
			Labels: []string{s, "x"}, SLA: classifier.SLA{Ack: time.Duration(i) * 15 * time.Minute, Resolve: time.Duration(i%3) * 90 * time.Minute},
			Team: s, Rule: s, Default: i%2 == 0, Matched: []string{s}, Also: []string{s, s}, Answer: s,
		}})
	}
	sla := map[classifier.SLA][]byte{}
	for _, res := range results {
		want, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, '\n')
		got, ok := appendClassifyJSON([]byte("prefix"), &res, sla)
		if !ok || string(got) != "prefix"+string(want) {
			t.Errorf("ok %v\n got %s\nwant %s", ok, got, want)
		}
	}
	// What encoding/json refuses is left to it, so that it words the error.
	for _, d := range []classifier.Decision{{Urgency: 0, Rule: "r"}, {Urgency: 1, Estimate: math.NaN()}, {Urgency: 1, Estimate: math.Inf(1)}} {
		res := classifyResult{Decision: d}
		if got, ok := appendClassifyJSON(nil, &res, sla); ok || len(got) > 0 {
			t.Errorf("%+v: appended %q", d, got)
		}
	}
}
