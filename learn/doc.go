// Package learn measures and improves a team's rules against what people
// decided: labelled files (Evaluate, ReadLabels), the labels that on-call
// actions leave in the store (History, see triage.Label), the similar past
// requests shown to the on-call and the time they took (Finder), and rule
// edits mined from all of it (Suggest).
//
// A labels file is read by one reader whichever command reads it:
// ReadLabels (rules eval) and ReadMessageLabels (replay, rules suggest)
// share its shapes (JSON Lines, a JSON array, CSV; UTF-8 or UTF-16), its
// column names and aliases, its urgency and category spellings and its
// FILE:LINE errors, and differ only in the keys they need.
//
// Similar requests come from an in-process BM25 index over each team's
// request texts (Index), our own rather than
// github.com/blevesearch/bleve/v2. The lookup needs nothing bleve adds
// (phrase queries, facets, persistence: the store is the source of truth
// and the index is rebuilt from it on first use), and bleve does not fit
// the budget of 500k requests in 200 MiB answered in 5 ms at p99. Measured
// on the same synthetic texts on a shared 2-core machine, bleve v2.6.3's
// in-memory index took 60 MiB and 44 s to build for 10k requests and
// answered top-3 queries in 37 ms (p50) and 299 ms (p99); 50k requests did
// not finish building in 5 minutes. This index holds 500k requests in
// about 100 MiB and answers in about 1 ms (p50): a posting is 5 bytes (a
// 4-byte class number and a 1-byte term count, in parallel arrays), and
// a search reads the rarest query terms first within a postings budget
// (see searchBudget), and stops making candidates once the terms left
// cannot change the top k (see Search). `go run ./bench/learn` measures
// it; `make bench` runs that. The index's documents are classes of
// requests that score the same for every query (the same words, counted
// the same, in texts of the same length, besides the words each was the
// first to use, such as its ticket number), each indexed once: a team
// that asks the same things often has few, and a lookup's cost does not
// grow with how often they were asked (see Index).
//
// Rule suggestions (Suggest) classify the labelled history with the team's
// rules, find where the team disagreed, and propose edits, each with the
// history items that support it and each scored before and after on the
// same history. Every on-call action is a label (see History):
//
//   - a changed urgency or category is what the request should have been;
//     requests that share a phrase give a rule that phrase, or a new rule,
//     and a rule mostly wrong on what it decides gets the urgency and
//     category the team gave most of its requests (Retarget);
//   - a defer of an interrupt (P1, P2) says it could wait: a rule whose
//     interrupts were mostly deferred, declined or lowered by hand misfires
//     on the interrupt line, and is proposed P3 (Waits), with its precision
//     there; approvals count as the interrupts it got right;
//   - a decline says the request should not have been sprint work: a rule
//     whose requests were mostly declined is proposed P4 (Declines), and
//     its description suggests an `answer:` to deflect them instead;
//   - the time spent given at resolve measures the estimates: a rule whose
//     estimate is off by EstimateFactor (2) or more from the median time
//     spent on its requests is proposed that median (Reestimate), scored
//     by how far the estimates were from the time spent (Agreement);
//   - an urgency set back from where a continue rule's urgency_at_least or
//     urgency_at_most moved it is the bound's mistake, not the deciding
//     rule's, which is judged on the urgency it decided itself: a bound
//     whose moves the team mostly set back is proposed taken off, or the
//     rule removed when the bound is all it sets (Unbound), with its
//     precision on the requests it moved.
//
// Patch turns the edits into a unified diff of the rules file; nothing
// here writes a file.
package learn
