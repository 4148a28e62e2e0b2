#!/usr/bin/env bash
# Store benchmark: durable vs unsynced documents/s (batches of one feed, and of ten feeds),
# index inserts and lookups at 1M documents, reopen and rebuild-index times.
# Usage: bench/store.sh [documents] [index-size]. Takes a few minutes; needs ~1 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
documents="${1:-20000}"
index_size="${2:-1000000}"
swift build -c release --static-swift-stdlib --product store-bench >/dev/null
folder="$(mktemp -d "${TMPDIR:-/tmp}/store-bench.XXXXXX")"
trap 'rm -rf "$folder"' EXIT
for batch in 45 450; do
    echo "== batch of $batch documents"
    /usr/bin/time -f "peak RSS %M KB, %e s" .build/release/store-bench "$folder" "$documents" "$index_size" "$batch"
    index_size=0   # the index measures do not depend on the batch size: run them once
done
