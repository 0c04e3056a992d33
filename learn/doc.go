// Package learn makes sprintguard improve from what a team did: the labels
// that on-call actions leave (see triage.Label), the similar past requests
// shown to the on-call, the time they took, and rule edits mined from both.
//
// Similar requests come from an in-process BM25 index over each team's
// request texts (Index). It is our own rather than
// github.com/blevesearch/bleve/v2 because the lookup needs nothing bleve
// adds (no phrase queries, facets or persistence: the store is the source of
// truth and the index is rebuilt from it at start), and the budget is tight:
// 500k requests must fit in 200 MiB and answer in under 5 ms at p99. A
// posting here is 5 bytes (a 4-byte document number and a 1-byte term
// count, in two parallel arrays), so 500k requests of about 25 distinct
// terms take about 60 MiB; bleve's in-memory index keeps a document, its
// stored fields and per-field term vectors per request, several times that.
// `go run ./bench/learn` measures ours (see the Makefile's bench target).
//
// Rule suggestions (Suggest) classify the labelled history with the team's
// rules, find where the on-call disagreed, and propose a new phrase for a
// rule, a new rule, or a new urgency and category for a rule that
// misfires, each scored before and after on the same history. Patch turns
// them into a unified diff of the rules file; nothing here writes a file.
package learn
