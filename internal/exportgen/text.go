package exportgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"
)

// vary wraps a filled request body in the greetings, sign-offs, mentions,
// claimed urgency, typos and smart quotes people really type.
func vary(r *rand.Rand, c *slotContext, body string, allowFakeUrgency bool) string {
	var parts []string
	if allowFakeUrgency && r.Float64() < 0.05 {
		parts = append(parts, pick(r, fakeUrgency))
	}
	switch x := r.Float64(); {
	case x < 0.30:
		parts = append(parts, pick(r, greetings))
	case x < 0.38:
		parts = append(parts, c.fill("{oncall}"))
	case x < 0.43:
		parts = append(parts, c.fill("{oncallgroup}"))
	case x < 0.47:
		parts = append(parts, c.fill("{teammate}"))
	}
	if len(parts) == 0 && r.Float64() < 0.6 {
		body = upperFirst(body)
	}
	parts = append(parts, body)
	if r.Float64() < 0.45 {
		parts = append(parts, c.fill(pick(r, signoffs)))
	}
	text := strings.Join(parts, " ")
	if r.Float64() < 0.12 {
		text = typo(r, text)
	}
	if r.Float64() < 0.05 && strings.HasSuffix(text, "?") {
		text += "??"
	}
	if r.Float64() < 0.15 {
		text = smartQuotes(text)
	}
	return text
}

// typo mangles one plain word before any code span, mention or link, where
// a slip of the finger cannot break markup.
func typo(r *rand.Rand, text string) string {
	head := text
	if i := strings.IndexAny(text, "`<:"); i >= 0 {
		head = text[:i]
	}
	words := strings.Split(head, " ")
	var candidates []int
	for i, w := range words {
		if len(w) >= 4 && strings.IndexFunc(w, func(c rune) bool { return c > 'z' || !unicode.IsLetter(c) }) < 0 {
			candidates = append(candidates, i)
		}
	}
	if len(candidates) == 0 {
		return text
	}
	i := pick(r, candidates)
	w := []byte(words[i])
	j := 1 + r.IntN(len(w)-2)
	switch r.IntN(3) {
	case 0: // swapped letters
		w[j], w[j+1] = w[j+1], w[j]
	case 1: // dropped letter
		w = append(w[:j], w[j+1:]...)
	default: // doubled letter
		w = append(w[:j+1], w[j:]...)
	}
	words[i] = string(w)
	return strings.Join(words, " ") + text[len(head):]
}

// smartQuotes turns apostrophes outside code spans into the typographic
// ones macOS autocorrect inserts.
func smartQuotes(text string) string {
	var b strings.Builder
	inCode := false
	for _, c := range text {
		switch {
		case c == '`':
			inCode = !inCode
		case c == '\'' && !inCode:
			c = '\u2019'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// upperFirst capitalises a plain first word; identifiers, tool names and
// slot values (dbt, e2e, fct_orders, {svc}) keep their case.
func upperFirst(s string) string {
	word, _, _ := strings.Cut(s, " ")
	if word == "" || word == "dbt" || strings.IndexFunc(word, func(c rune) bool {
		return (c < 'a' || c > 'z') && c != '\''
	}) >= 0 {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// poisson draws from a Poisson distribution with mean lambda; above 30 a
// rounded normal approximation is close enough and constant-time.
func poisson(r *rand.Rand, lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return max(0, int(math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64())))
	}
	limit, p, k := math.Exp(-lambda), r.Float64(), 0
	for p > limit {
		p *= r.Float64()
		k++
	}
	return k
}

// uuid returns a random version 4 UUID, as Slack clients use for
// client_msg_id.
func uuid(r *rand.Rand) string {
	hi, lo := r.Uint64(), r.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}

// blockID returns a short id like the ones Slack gives rich_text blocks.
func blockID(r *rand.Rand) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	b := make([]byte, 4+r.IntN(2))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
