package classifier

import (
	"regexp"
	"strings"
)

// logStart matches how a line of machine output begins, after leading
// space. Each alternative is a format people paste into chat:
//   - a timestamp with a time of day (ISO 8601, syslog "Jan  2 15:04:05",
//     a clock with seconds, glog "E0102 15:04:05", dmesg "[ 12.345]");
//   - a log level that no one types in prose: bracketed "[ERROR]", or
//     upper-case followed by ':' and a logger name, a tab or a column gap;
//   - stack traces of Java, JavaScript, Python, Go and Rust;
//   - tool output prefixes (npm ERR!, HTTP request lines, access logs,
//     a shell prompt with its command).
//
// A timestamp without a time ("2024-01-02: we moved") and a level followed
// by a space ("ERROR: the site is down") are left to the prose, because
// people write them too.
var logStart = regexp.MustCompile(`^(?:` +
	`\[?\d{4}[-/.]\d{2}[-/.]\d{2}[T _]\d{1,2}:\d{2}` +
	`|\[?\d{1,2}:\d{2}:\d{2}` +
	`|\[?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}` +
	`|\[?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2},? (?:\d{4} )?\d{2}:\d{2}:\d{2}` +
	`|\[?\d{1,2}[-/ ](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[-/ ]\d{4}[: ]\d{2}:\d{2}` +
	`|[IWEF]\d{4} \d{2}:\d{2}:\d{2}` +
	`|\[ *\d+\.\d+\]` +
	`|\d{10,13}(?:\.\d+)?\s` +
	`|\[(?i:trace|debug|info|notice|warn|warning|error|err|fatal|crit|critical|panic|severe|emerg)\]` +
	`|(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC|SEVERE)(?::\S|\t| {2,}|\s*\[)` +
	`|at [\w$.<>/\[\]-]+ ?\(.*\)\s*$` +
	`|at (?:async )?[\w$.<>-]+ \(?[\w./\\:-]+:\d+:\d+\)?\s*$` +
	`|File "[^"]+", line \d+` +
	`|Traceback \(most recent call last\)` +
	`|goroutine \d+ \[` +
	`|panic: ` +
	`|thread '[^']*' panicked at` +
	`|Caused by: ` +
	`|\.\.\. \d+ more` +
	`|Exception in thread ` +
	`|#\d+ +0x[0-9a-fA-F]+` +
	`|[\w./-]+\.go:\d+(?: \+0x[0-9a-f]+)?\s*$` +
	`|(?:[a-z]\w*\.)+[A-Z]\w*(?:Exception|Error)\b` +
	`|[A-Z]\w*(?:Exception|Error): \S` +
	`|npm (?:ERR!|WARN) ` +
	`|(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /\S* HTTP/\d` +
	`|\d{1,3}(?:\.\d{1,3}){3} \S+ \S+ \[` +
	`|\$ \S` +
	`|[\w.-]+@[\w.-]+:[~/][^$#]*[$#] \S` +
	`|\{\s*"[\w.@-]+"\s*:` +
	`)`)

// logWords are the first words, made of letters only, with which an
// alternative of logStart can begin; other such lines skip the regex.
var logWords = map[string]bool{
	"at": true, "File": true, "Traceback": true, "goroutine": true, "thread": true, "Caused": true,
	"Exception": true, "npm": true, "GET": true, "POST": true, "PUT": true, "PATCH": true,
	"DELETE": true, "HEAD": true, "OPTIONS": true,
	"Jan": true, "Feb": true, "Mar": true, "Apr": true, "May": true, "Jun": true, "Jul": true,
	"Aug": true, "Sep": true, "Oct": true, "Nov": true, "Dec": true,
	"Mon": true, "Tue": true, "Wed": true, "Thu": true, "Fri": true, "Sat": true, "Sun": true,
	"TRACE": true, "DEBUG": true, "INFO": true, "NOTICE": true, "WARN": true, "WARNING": true, "ERROR": true,
	"ERR": true, "FATAL": true, "CRITICAL": true, "PANIC": true, "SEVERE": true,
}

// logFirstBytes are the bytes an alternative of logStart can start with:
// a bracket, a brace, '#', '$', a dot, a slash, a dash or a word byte.
var logFirstBytes = func() (first [256]bool) {
	for c := range 256 {
		first[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_[{#$./-", byte(c)) >= 0
	}
	return first
}()

// mayStartLog is a cheap necessary condition for logStart: most prose lines
// start with a plain word, and running the regex on them made normalizing
// cost more than classifying. A first word of letters must be one that
// begins an alternative (a level, a month, "at"); one with other bytes
// too must have what the alternatives that begin with a letter need: a
// dot (a class, a .go file), '@' (a shell prompt), '[' or an upper-case
// start and ':' (ERROR[, ERROR:x, FooError:), "panic:", a glog level and
// date (E0102), or a day and a comma (Mon,). "Hi!", "Hello," and
// "urgent:" start prose.
func mayStartLog(s string) bool {
	if s == "" || !logFirstBytes[s[0]] {
		return false // a Slack entity, an emoji code, a quote, a list mark
	}
	if c := s[0] | 0x20; c < 'a' || c > 'z' {
		return true // digits, brackets, dots, slashes: timestamps, paths
	}
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		end = len(s)
	}
	word := s[:end]
	letters := true
	for i := 0; i < len(word) && letters; i++ {
		c := word[i] | 0x20
		letters = c >= 'a' && c <= 'z'
	}
	switch {
	case letters:
		return logWords[word]
	case strings.ContainsAny(word, ".@["), word[0] <= 'Z' && strings.IndexByte(word, ':') >= 0, word == "panic:":
		return true
	case strings.IndexByte("IWEF", word[0]) >= 0 && word[1] >= '0' && word[1] <= '9':
		return true
	}
	return logWords[strings.TrimRight(word, ",")]
}

// logfmtPair is one key=value pair of logfmt output (level=error msg="x").
var logfmtPair = regexp.MustCompile(`(?:^|\s)[\w.-]+=(?:"[^"]*"|\S+)`)

// isLogLine reports whether line looks like pasted machine output rather
// than something a person wrote. prevLog says whether the line before was
// one: then an indented line continues it (the frames of a stack trace, a
// wrapped message).
func isLogLine(line string, prevLog bool) bool {
	trimmed := strings.TrimSpace(line)
	if trimmed == "" {
		return false
	}
	if prevLog && (line[0] == ' ' || line[0] == '\t') {
		return true
	}
	if mayStartLog(trimmed) && logStart.MatchString(trimmed) {
		return true
	}
	if strings.Contains(trimmed, "level=") || strings.Contains(trimmed, `"level":`) {
		return true
	}
	if strings.IndexByte(trimmed, '=') >= 0 && len(logfmtPair.FindAllStringIndex(trimmed, 3)) == 3 {
		return true
	}
	return columnGaps(trimmed) >= 3
}

// columnGaps counts runs of two or more spaces, or tabs, inside s: the
// columns of tabular output such as `kubectl get pods`. Many people type
// two spaces after a sentence, so a run of spaces after a sentence's end
// and before its next word is not a column (see sentenceGap).
func columnGaps(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\t' || s[i] == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			start, tab := i, s[i] == '\t'
			for i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\t') {
				i++
				tab = tab || s[i] == '\t'
			}
			if tab || !sentenceGap(s, start, i+1) {
				n++
			}
		}
	}
	return n
}

// sentenceGap reports whether the spaces s[start:end] follow the end of a
// sentence ('.', '!' or '?', maybe then a closing quote, bracket or
// emphasis marker) and come before a word, a quote or a bracket: prose
// typed with two spaces between sentences. A table's cells end in words
// and numbers, not full stops.
func sentenceGap(s string, start, end int) bool {
	if end-start > 3 || end >= len(s) {
		return false
	}
	p := start - 1
	for p > 0 && strings.IndexByte(`)"'*_~`, s[p]) >= 0 {
		p--
	}
	if p < 1 || strings.IndexByte(".!?", s[p]) < 0 || s[p] == '.' && s[p-1] == '.' {
		return false
	}
	c := s[end]
	return c >= 0x80 || c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(`"'(*_~<@:`, c) >= 0
}
