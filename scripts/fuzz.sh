#!/bin/sh
# fuzz.sh runs every fuzz target in turn for FUZZTIME each (default 20s),
# stopping at the first one that fails and naming it. `go test` leaves the
# input that made it fail in the package's testdata/fuzz/<Target>/, where
# plain `go test` runs it again until the bug is fixed.
#
#   scripts/fuzz.sh                            every target, 20s each
#   FUZZTIME=2m scripts/fuzz.sh                longer runs
#   scripts/fuzz.sh FuzzReceive FuzzParse      only the targets named
#
# FUZZMINIMIZETIME (default 5s) bounds how long the fuzzer spends shrinking
# each new interesting input: with Go's default of 60s, minimizing one large
# seed (a whole config file, a Slack payload) stalls a 20s run entirely.
set -eu
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-20s}
minimizetime=${FUZZMINIMIZETIME:-5s}

# Each target as package:name.
targets="
./config:FuzzParse
./classifier:FuzzClassify
./classifier:FuzzNormalize
./classifier:FuzzCompileAndClassify
./bot:FuzzSummarize
./bot:FuzzParseSwapArgs
./bot:FuzzReceive
./store:FuzzDecodeRequest
./slackexport:FuzzWalkDayFile
./slackexport:FuzzOpenFS
"

selected() {
	name=$1
	shift
	[ $# -eq 0 ] && return 0
	for want in "$@"; do
		[ "$want" = "$name" ] && return 0
	done
	return 1
}

ran=0
for t in $targets; do
	pkg=${t%%:*}
	name=${t#*:}
	selected "$name" "$@" || continue
	ran=$((ran + 1))
	echo "=== $name ($pkg, $fuzztime)"
	if ! go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimizetime" "$pkg"; then
		echo "fuzz.sh: $name in $pkg FAILED; the failing input is in $pkg/testdata/fuzz/$name/" >&2
		exit 1
	fi
done
if [ "$ran" -eq 0 ]; then
	echo "fuzz.sh: no target named $*" >&2
	exit 2
fi
echo "fuzz.sh: all $ran targets ran $fuzztime without a failure"
