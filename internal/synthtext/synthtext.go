// Package synthtext makes the synthetic request texts of bench/learn: a
// few topic words among filler words drawn from a Zipf distribution, which
// gives real text's long tail of rare words. learn's benchmarks use the
// same texts, so that a lookup's cost on them shows in `go test -bench`.
package synthtext

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Topic is a kind of request: the words that make it what it is and the
// labels people gave it.
type Topic struct {
	Words    []string
	Urgency  string
	Category string
}

// Topics are the kinds of request the synthetic history holds.
var Topics = []Topic{
	{strings.Fields("down outage 500 errors checkout site unreachable alerts paging"), "P1", "incident"},
	{strings.Fields("access permission grant role vpn sso okta login account"), "P3", "access"},
	{strings.Fields("deploy pipeline build failing ci stuck rollout release"), "P2", "deploy"},
	{strings.Fields("dns certificate cert expired renew domain record tls"), "P2", "infra_change"},
	{strings.Fields("disk capacity full quota scale memory cpu node"), "P2", "infra_change"},
	{strings.Fields("vulnerability cve leaked secret token rotate exposed"), "P1", "security"},
	{strings.Fields("how where docs question wondering explain"), "P4", "question"},
}

// vocab is filler vocabulary.
var vocab = func() []string {
	base := strings.Fields(`service team staging production cluster database api user customer job queue
		region bucket table index dashboard metric log alert config repo branch image container pod
		namespace gateway proxy cache worker cron backup restore migration schema report invoice payment`)
	out := append([]string(nil), base...)
	for i := range 30000 {
		out = append(out, fmt.Sprintf("w%x", i*2654435761%1000003))
	}
	return out
}()

// Zipf returns the draw over the filler vocabulary that Text takes.
func Zipf(r *rand.Rand) *rand.Zipf {
	return rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
}

// Text returns a synthetic request of topic t: a few topic words among
// filler words.
func Text(r *rand.Rand, z *rand.Zipf, t int) string {
	n := 8 + r.IntN(30)
	ws := make([]string, 0, n+3)
	for range n {
		if r.IntN(5) == 0 {
			ws = append(ws, Topics[t].Words[r.IntN(len(Topics[t].Words))])
		} else {
			ws = append(ws, vocab[z.Uint64()])
		}
	}
	return strings.Join(ws, " ")
}
