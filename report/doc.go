// Package report computes a team's weekly interrupt report (SPEC section 7)
// and the per-sprint budget summary of the replay backtest, and renders them
// as plain text, Markdown, JSON, CSV, a self-contained HTML page and a PNG
// chart (the Slack Block Kit version lives in bot/render).
//
// Computing is pure: Compute and Sprints take plain values and do no I/O, so
// a report is a function of the requests, the team's settings and the
// report's clock. Load is the one function that reads the store. The
// computed structs have exported fields and JSON tags so that every
// renderer works from them without recomputing anything.
//
// Every calendar boundary (weeks, days, sprints) is taken in the team's time
// zone from local dates, never by adding multiples of 24 hours, so that weeks
// and days stay correct across daylight-saving changes.
package report
