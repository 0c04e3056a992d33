package learn

import (
	"strings"

	"github.com/sprintguard/sprintguard/classifier"
)

// stopwords are the words too common in requests to say anything about
// one: they are left out of the index and of mined phrases. The asking
// words ("can anyone help", "still", "again", "today") are among them, so
// that a similar request shares a word about what it asks.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an and are as at be been but by can could do does for from
		get got has have hey hi i if in into is it its just me my no not now of on or our please so
		some than that the their them then there these they this to too up us was we were what when
		where which who will with would you your can't cannot don't it's i'm we're thanks thank
		again still already also any all anything something nothing anyone anybody someone somebody
		everyone everybody today tonight yesterday tomorrow here how why am did had should might must
		may maybe very really pls thx hello ok okay help know need seems looks`) {
		m[w] = true
	}
	return m
}()

// words splits the prose of text, normalised as the rules see it (links as
// their labels, no mentions or emoji, pasted code and logs left out), into
// lower-cased words of letters and digits, keeping stopwords in place so
// that phrases are only ever built from adjacent words.
func words(text string) []string {
	return classifier.SplitWords(classifier.Normalize(text).Prose)
}

// terms returns the words of text that say something: no stopwords, no
// single letters.
func terms(text string) []string {
	ws := words(text)
	out := ws[:0]
	for _, w := range ws {
		if len(w) > 1 && !stopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

// functionWords are the words no mined phrase may be or start or end with:
// the stopwords and their inflections as a rule would match them ("get"
// is "gets", "getting"), and the words that only hold a sentence together
// ("one", "about", "during"): "one getting" or "about malicious" says
// nothing a rule could keep. The particles ("out", "down", "off", "over",
// "back") are not among them: "locked out" is a phrase a team keeps. The
// index keeps these, since a similar request may share them.
var functionWords = func() map[string]bool {
	m := map[string]bool{}
	for w := range stopwords {
		for _, f := range classifier.Forms(w) {
			m[f] = true
		}
	}
	for _, w := range strings.Fields(`one two three first second last next other another each every both either
		neither same such only even more most less least much many few lot lots bit thing things stuff way
		about above after against along among around before behind below beside between beyond during
		except inside like near onto outside past per since through throughout till toward
		towards under until upon via within without while whether though although because unless once
		yet ever never always often soon`) {
		m[w] = true
	}
	return m
}()
