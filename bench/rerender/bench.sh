#!/usr/bin/env bash
# Rerender benchmark: a cold `crawler once` stores FEEDS x ITEMS documents (default 1,000 x 100 =
# 100,000) from a loopback farm into a store on disk; then `output: hugo` and `crawler store
# rerender` rewrites every one of them. Prints both rates and the index's bytes per document
# (the whole index, and the kept source values alone) against the documents' own size.
# Usage: bench/rerender/bench.sh [feeds=1000] [items=100]
set -euo pipefail
cd "$(dirname "$0")/../.."
feeds="${1:-1000}"; items="${2:-100}"
port="${PORT:-8767}"
swift build -c release --static-swift-stdlib --product crawler >/dev/null
work="$(mktemp -d "${TMPDIR:-/var/tmp}/rerender-bench.XXXXXX")"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/rerender/generate.py "$work/feeds" "$feeds" "$items"
python3 bench/daemon/serve.py "$port" "$work/feeds" & server=$!
write_config() {
    { echo "store: $work/store"; echo "concurrency: 32"; echo "$1"; echo "feeds:"
      for ((n = 0; n < feeds; n++)); do echo "  - url: http://127.0.0.1:$port/$n.xml"; echo "    name: f$n"; done
    } > "$work/feeds.yaml"
}
write_config "output: hexo"
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/0.xml" -o /dev/null && break; sleep 0.2; done
start=$(date +%s.%N)
.build/release/crawler once --config "$work/feeds.yaml" --log-level error > "$work/once.out" || { tail -3 "$work/once.out"; exit 1; }
cold=$(echo "$(date +%s.%N) - $start" | bc)
documents=$(find "$work/store/posts" -type f | wc -l)
write_config "output: hugo"
start=$(date +%s.%N)
.build/release/crawler store rerender --config "$work/feeds.yaml" > "$work/rerender.out"
rerender=$(echo "$(date +%s.%N) - $start" | bc)
cat "$work/rerender.out"
python3 - "$work/store" "$documents" "$cold" "$rerender" <<'PY'
import os, sqlite3, sys
store, documents, cold, rerender = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
index = sum(os.path.getsize(os.path.join(store, name)) for name in os.listdir(store) if name.startswith("index.sqlite"))
files = [os.path.join(root, name) for root, _, names in os.walk(os.path.join(store, "posts")) for name in names]
document_bytes = sum(os.path.getsize(path) for path in files) / len(files)
database = sqlite3.connect(os.path.join(store, "index.sqlite"))
sources = database.execute("SELECT sum(length(data)) FROM sources").fetchone()[0] or 0
print(f"{documents} documents, {document_bytes:.0f} bytes each on average (hugo)")
print(f"cold store:  {cold:.1f} s, {documents / cold:.0f} documents/s")
print(f"rerender:    {rerender:.1f} s, {documents / rerender:.0f} documents/s ({cold / rerender:.2f}x the cold rate)")
print(f"index:       {index / documents:.0f} bytes per document ({index / documents / document_bytes:.2f}x the document), "
      f"of which source values {sources / documents:.0f} bytes ({sources / documents / document_bytes:.2f}x)")
PY
