#!/usr/bin/env bash
# Peak memory of `crawler once` over 32 feeds of 32 MB each, served on 127.0.0.1, with
# concurrency 32: this build against a base build, interleaved, RUNS runs each (median reported).
#
#   bench/memory/bench.sh                       # CRAWLER=.build/release/crawler BASE=.build-base/release/crawler
#   RUNS=3 FEEDS=32 SIZE_MB=32 bench/memory/bench.sh
#
# The base binary: build the commit to compare against into a scratch path of its own, e.g.
#   mkdir /tmp/crawler-base && git archive BASE_COMMIT | tar -x -C /tmp/crawler-base
#   (cd /tmp/crawler-base && swift build -c release --static-swift-stdlib --product crawler \
#        --scratch-path "$OLDPWD/.build-base")            # run from this checkout's root
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CRAWLER=${CRAWLER:-$root/.build/release/crawler}
BASE=${BASE:-$root/.build-base/release/crawler}
RUNS=${RUNS:-3}
FEEDS=${FEEDS:-32}
SIZE_MB=${SIZE_MB:-32}
PORT=${PORT:-18931}
work=${BENCH_DIR:-/tmp/crawler-memory-bench}
mkdir -p "$work"
if [ ! -f "$work/feeds/feed$(printf %02d $((FEEDS - 1))).xml" ]; then
    python3 "$here/generate.py" "$work/feeds" "$FEEDS" "$SIZE_MB"
fi
python3 "$root/bench/daemon/serve.py" "$PORT" "$work/feeds" &
server=$!
trap 'kill $server' EXIT
sleep 1
{
    echo "store: ./store"
    echo "concurrency: 32"
    echo "per_host_concurrency: 32"
    echo "host_gap: 0"
    echo "max_body_size: $((SIZE_MB + 8))MB"
    echo "timeout: 5m"
    echo "lease: 10m"
    echo "feeds:"
    for n in $(seq 0 $((FEEDS - 1))); do
        name=$(printf feed%02d "$n")
        echo "  - url: http://127.0.0.1:$PORT/$name.xml"
        echo "    name: $name"
    done
} > "$work/feeds.yaml"

# Prints the peak RSS in KB of one `once` into a fresh store, and its exit status.
measure() {
    rm -rf "$work/store"
    local status=0
    (cd "$work" && /usr/bin/time -v "$1" once --config feeds.yaml >/dev/null 2>"$work/stderr") || status=$?
    local peak
    peak=$(grep "Maximum resident set size" "$work/stderr" | awk '{print $NF}')
    local documents
    documents=$(find "$work/store" -name '*.md' | wc -l)
    echo "$peak $status $documents"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

declare -a base_peaks=() new_peaks=()
for run in $(seq 1 "$RUNS"); do
    read -r peak status documents < <(measure "$BASE")
    echo "run $run  base  peak ${peak} KB  exit $status  documents $documents"
    base_peaks+=("$peak")
    read -r peak status documents < <(measure "$CRAWLER")
    echo "run $run  this  peak ${peak} KB  exit $status  documents $documents"
    new_peaks+=("$peak")
done
echo "median peak RSS: base $(printf '%s\n' "${base_peaks[@]}" | median) KB, this $(printf '%s\n' "${new_peaks[@]}" | median) KB"
