#!/bin/sh
# perf.sh measures every row of docs/performance.md's table in one run and
# prints them together at the end: the durable ack's max rate and its p99
# at 500/s, the processed rate and drain time after the max phase's burst
# and the drain of the issue's burst (72,757 events), each beside
# the bare-handler ceiling and Bolt for JS of the same run
# (bench/slackload); replay of 100k messages, seconds and peak RSS
# (bench/replay); and classify through the CLI (bench/classify).
#
#   make perf-table                      builds bin/sprintguard, then this
#   BIN=/tmp/old/sprintguard scripts/perf.sh   another build (the same tree's store package reads its database)
#   SLACKLOAD_FLAGS='-bolt=false' scripts/perf.sh
#
# The full output of each benchmark is kept in OUT (default a new temporary
# directory) and named at the end. Nothing here is a pass or a fail: the
# exit status is bench/slackload's (1 when an event was lost or doubled).
set -eu
cd "$(dirname "$0")/.."

GO=${GO:-go}
BIN=${BIN:-bin/sprintguard}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/sprintguard-perf-XXXXXX")}
mkdir -p "$OUT"

status=0
echo "== bench/slackload (about 4 minutes plus the two drains)"
# shellcheck disable=SC2086 # SLACKLOAD_FLAGS is a list of flags
$GO run ./bench/slackload -bin "$BIN" ${SLACKLOAD_FLAGS:-} >"$OUT/slackload.txt" 2>&1 || status=$?
cat "$OUT/slackload.txt"
echo "== bench/replay"
$GO run ./bench/replay -messages 100000 >"$OUT/replay.txt" 2>&1 || true
cat "$OUT/replay.txt"
echo "== bench/classify"
$GO run ./bench/classify -bin "$BIN" >"$OUT/classify.txt" 2>&1 || true
cat "$OUT/classify.txt"

echo
# The load average says how far to trust the wall times: above the number
# of CPUs, the neighbours were measured too.
echo "perf table: $("$BIN" version 2>/dev/null | head -1), tree $(git describe --always --dirty 2>/dev/null || echo unknown), $(nproc 2>/dev/null || echo '?') CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end"
grep '^figure' "$OUT/slackload.txt" || echo "slackload: no figures (see $OUT/slackload.txt)"
# The targets of issue 14, the two drains' included, as slackload judged them.
sed -n '/^targets (issue 14)/,$p' "$OUT/slackload.txt"
grep '^replay [a-z]*: runs\|^replay [a-z]*: store file' "$OUT/replay.txt" || echo "replay: no figure (see $OUT/replay.txt)"
grep '^classify:' "$OUT/classify.txt" || echo "classify: no figure (see $OUT/classify.txt)"
echo "full output in $OUT"
exit $status
