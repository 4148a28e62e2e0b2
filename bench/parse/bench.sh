#!/usr/bin/env bash
# Parse benchmark: builds crawler in release mode, generates the corpus, measures throughput
# against xmllint/feedparser/fastfeedparser, then peak memory on a 50 MB feed.
#   bench/parse/bench.sh            (needs: apt-get install libxml2-utils; pip install feedparser fastfeedparser)
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${BENCH_DIR:-/tmp/crawler-parse-bench}"
swift build -c release --static-swift-stdlib --product crawler >/dev/null
binary=.build/release/crawler
python3 bench/parse/generate.py "$work/corpus" "$work/big.xml" --big-mb 50
python3 bench/parse/run.py "$binary" "$work/corpus" --runs 5
size=$(stat -c %s "$work/big.xml")
peak=$( { /usr/bin/time -v "$binary" parse "$work/big.xml" --bench 1 >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}')
echo "peak memory on $work/big.xml ($((size / 1024)) KB): ${peak} KB max RSS, $(python3 -c "print(round($peak * 1024 / $size, 2))")x the document"
