// Package classifier implements sprintguard's rules language: it compiles the
// rules a team keeps in git, classifies a request for urgency with them and
// explains the decision in words a requester can read.
//
// Rules are evaluated in order and the first matching rule decides, except
// that rules marked Continue only contribute labels (and anything the
// deciding rule leaves empty) and let evaluation fall through. The single
// Default rule decides when no other rule matches. A Continue rule may also
// bound the decided urgency (UrgencyAtLeast, UrgencyAtMost); the Decision
// then keeps the deciding rule and names the bound as its Modifier.
//
// Keywords (Any, All, None) match whole words or whole phrases,
// case-insensitively. A word is a run of Unicode letters, digits, marks and
// underscores; everything else separates words. The words of a phrase must
// follow each other in the text separated by the same punctuation as in the
// phrase (none for "access request", a hyphen for "on-call"), with any amount
// of whitespace around it. So "deploy" matches "Deploy!" but not
// "deployment"; "access request" matches "access\n  request" but not
// "access, request"; "on-call" matches "ON-CALL" but not "on call" (list both
// if both should match).
//
// Each plain word of a keyword also matches its regular English
// inflections (see Forms), because people write "certs", "failed" and
// "queues" where the rule says "cert", "fail" and "queue": "fail" matches
// "fails", "failed" and "failing", and "access request" matches "access
// requests". Words built on it are other words: "deploy" does not match
// "deployment". A word written with -s, -ed or -ing matches only itself
// ("staging" is not "stage", "users can't" is not "user can't"); a regex
// matches one exact form. Regex conditions use RE2 syntax on the unlowered
// text; write (?i) for case-insensitive patterns.
//
// Keywords and regexes see the request's Text as Normalize makes it, in
// Classify itself so that every caller gets the same: by default only the
// prose, where a link is its label or host (never its path, so "deploy" does
// not match "https://ci.example.com/deploy/42") and mentions and emoji codes
// are gone. A rule with In "code" also sees code blocks, inline code and
// pasted log lines. In the prose, a contraction typed without its
// apostrophe ("cant", "doesnt", "isnt") or with a typographic one ("can’t")
// is spelled as rules write it ("can't"), so keywords and regexes written
// with the apostrophe catch all three.
//
// The package does no I/O. Compile is meant to run once per configuration
// load; the resulting Set is immutable and is shared by all goroutines.
package classifier
