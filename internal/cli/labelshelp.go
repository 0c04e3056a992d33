package cli

// labelsHelp says, after the flags of rules eval, replay and rules
// suggest, what a labels file may hold: the three read it with one reader
// (learn.ReadLabels and learn.ReadMessageLabels share it).
const labelsHelp = `
A labels file is JSON Lines, a JSON array of objects (or objects pretty-printed over lines),
or CSV with a header row (',', ';' or tabs between the columns), in UTF-8 or in UTF-16 with
its byte order mark (Excel's "Unicode Text"); another encoding is an error at its FILE:LINE.
Keys and column names are matched without case, with spaces or hyphens for underscores:
  text, summary, title      the request; summary beside text wins; title is summary
  details, description,     joined to the summary as the request's details, as intake does
  body
  urgency, priority         P1..P4; critical, high, normal, low; Jira's Highest (P1), High
                            (P2), Medium (P3), Low and Lowest (P4); or a digit 1..4
  interrupt                 yes or no (true or false, 1 or 0): with no urgency it counts in
                            interrupt-or-not only; beside an urgency it must agree with it
                            (only P1 and P2 interrupt)
  category                  one the rules assign, matched without case and separators
                            ("Infra Change" and infra-change are infra_change)
  id, split, type, impact,  optional (rules eval); --split picks the records of one split
  channel, url
  channel, ts               replay and rules suggest: the Slack message of the request
  time_spent, action        replay and rules suggest: a number in the team's unit or "2h",
                            and defer, approve or decline
A record needs a label: urgency, interrupt or category; one with only a category counts in
the category accuracy only. Other keys or columns are ignored, but a near miss of a key
(urgncy) is an error. Every problem is an error at FILE:LINE, up to 20, then "and N more";
nothing is scored then. With --format json, rules eval prints JSON on stdout even for a bad or
empty file ({"n": 0, "error": ...}) and exits 1, so a CI step fails on it.
`
