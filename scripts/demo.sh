#!/usr/bin/env bash
# Offline demo: serves the feeds in examples/demo/feeds on 127.0.0.1 and crawls them once
# into examples/demo/store. Run it twice to see deduplication (the second pass stores nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
crawler="${CRAWLER:-.build/release/crawler}"
port="${DEMO_PORT:-8765}"
demo=examples/demo
config="$demo/.feeds.generated.yaml"

python3 -m http.server "$port" --bind 127.0.0.1 --directory "$demo/feeds" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$config"' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

sed "s/@PORT@/$port/g" "$demo/feeds.yaml" > "$config"
echo "== crawler once --config $demo/feeds.yaml   (feeds served on 127.0.0.1:$port)"
status=0
"$crawler" once --config "$config" || status=$?
echo
echo "== documents in $demo/store/posts:"
find "$demo/store/posts" -name '*.md' | sort | head -20
first=$(find "$demo/store/posts" -name '*.md' | sort | head -1)
if [ -n "$first" ]; then
    echo
    echo "== $first (first 16 lines):"
    head -16 "$first"
fi
exit $status
