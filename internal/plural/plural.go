// Package plural writes a count with its noun in the right number, "1
// request" and "2 requests", so that every message, report and command
// says it the same way. Its functions are pure and safe for concurrent use.
package plural

import (
	"math"
	"strconv"
	"strings"
)

// Count writes n and noun: Count(1, "request") is "1 request" and
// Count(3, "request") is "3 requests". noun may be given singular or
// plural.
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + word(n == 1, noun)
}

// Amount writes a figure such as a budget in the unit with at most two
// decimals and no trailing zeros, so that 0.1+0.2 is "0.3 points", and the
// unit singular only when the figure shown is 1: "1 point", "1.5 points".
// An empty unit writes the figure alone.
func Amount(f float64, unit string) string {
	s := Num(f)
	if unit == "" {
		return s
	}
	return s + " " + word(s == "1", unit)
}

// Noun returns noun in the number that n asks for, without n.
func Noun(n float64, noun string) string { return word(Num(n) == "1", noun) }

// Num writes a figure with at most two decimals and no trailing zeros, "?"
// for NaN and infinities.
func Num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "?"
	}
	r := math.Round(f*100) / 100
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Percent writes a fraction as a whole percentage, rounded to the nearest:
// 0.556 is "56%", never a truncated "55%".
func Percent(fraction float64) string {
	if math.IsNaN(fraction) || math.IsInf(fraction, 0) {
		return "?%"
	}
	return strconv.FormatFloat(math.Round(fraction*100)+0, 'f', 0, 64) + "%"
}

// word returns noun singular or plural. Every word of a phrase but the
// last is kept: "story point" becomes "story points".
func word(one bool, noun string) string {
	head, last := "", noun
	if i := strings.LastIndexByte(noun, ' '); i >= 0 {
		head, last = noun[:i+1], noun[i+1:]
	}
	if one {
		return head + singular(last)
	}
	return head + pluralOf(singular(last))
}

// singular undoes the plurals that pluralOf makes.
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// pluralOf makes the regular English plural of a singular word.
func pluralOf(w string) string {
	switch {
	case w == "":
		return w
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}
