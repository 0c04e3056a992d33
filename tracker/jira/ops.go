package jira

// Ops lists the operation names Observe is told of for the calls with a
// fixed name, so that metrics can show each operation's series before its
// first call. The reads that `check --online` makes are named by their
// path and left out. A test keeps the list in step with the calls.
var Ops = []string{
	"active",
	"assign",
	"comment",
	"create",
	"find",
	"get user",
	"log",
	"move",
	"read",
	"set",
	"sync",
	"transition",
	"transitions",
}
