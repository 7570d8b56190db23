#!/usr/bin/env bash
# Compares `eventctl validate` with `jq -c . >/dev/null` on the same file of
# mixed events (100 MB of NDJSON by default), in one run: RUNS alternating
# runs of each, then the median wall time of each and their ratio.
#
#   bash cmd/eventctl/bench/compare-jq.sh            # from the repository root
#   SIZE=1GB RUNS=3 bash cmd/eventctl/bench/compare-jq.sh
#
# Needs jq (Debian: apt-get install jq). The file is written under
# ${TMPDIR:-/tmp} and is not kept in git.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-100MB}
RUNS=${RUNS:-5}
dir=${TMPDIR:-/tmp}/eventctl-bench
mkdir -p "$dir"
file=$dir/events-$SIZE.ndjson
[ -s "$file" ] || go run ./internal/cmd/genevents -size "$SIZE" -o "$file"
go build -o "$dir/eventctl" .
command -v jq >/dev/null || { echo "compare-jq: jq is not installed" >&2; exit 2; }

seconds() { # runs "$@" and prints its wall time in seconds
	local start end
	start=$(date +%s.%N)
	"$@" || true
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", e - s}'
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

: >"$dir/validate.times"
: >"$dir/jq.times"
for _ in $(seq "$RUNS"); do
	seconds sh -c "'$dir/eventctl' validate '$file' >/dev/null" >>"$dir/validate.times"
	seconds sh -c "jq -c . '$file' >/dev/null" >>"$dir/jq.times"
done
v=$(median <"$dir/validate.times")
j=$(median <"$dir/jq.times")
bytes=$(stat -c %s "$file")
echo "file: $file ($bytes bytes), $RUNS runs each, $(jq --version), $(go version | cut -d' ' -f3)"
echo "eventctl validate: median ${v}s ($(awk -v b="$bytes" -v t="$v" 'BEGIN {printf "%.0f", b / t / 1e6}') MB/s), runs: $(tr '\n' ' ' <"$dir/validate.times")"
echo "jq -c . >/dev/null: median ${j}s ($(awk -v b="$bytes" -v t="$j" 'BEGIN {printf "%.0f", b / t / 1e6}') MB/s), runs: $(tr '\n' ' ' <"$dir/jq.times")"
echo "validate takes $(awk -v v="$v" -v j="$j" 'BEGIN {printf "%.3f", v / j}')x the time of jq"
"$dir/eventctl" validate "$file" | tail -1
