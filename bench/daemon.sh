#!/usr/bin/env bash
# Daemon benchmark: `crawler run` with N feeds due every INTERVAL on a loopback farm, for MINUTES
# of real time (feeds spread over the interval, as at steady state). Samples the daemon's RSS and
# CPU from /proc every 10 s and prints the first interval (cold: every feed stored) and the rest
# (steady: conditional GETs answered 304).
# Usage: bench/daemon.sh [feeds=10000] [minutes=30] [interval=15m]
set -euo pipefail
cd "$(dirname "$0")/.."
feeds="${1:-10000}"; minutes="${2:-30}"; interval="${3:-15m}"
port="${PORT:-8766}"
swift build -c release --static-swift-stdlib --product crawler >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/daemon-bench.XXXXXX")"
trap 'kill $server $daemon 2>/dev/null || true; rm -rf "$work"' EXIT
python3 bench/daemon/generate_feeds.py "$work/feeds" "$feeds"
python3 bench/daemon/serve.py "$port" "$work/feeds" & server=$!
{
    echo "store: $work/store"; echo "interval: $interval"; echo "concurrency: 32"; echo "feeds:"
    for ((n = 0; n < feeds; n++)); do echo "  - url: http://127.0.0.1:$port/$n.xml"; echo "    name: f$n"; done
} > "$work/feeds.yaml"
sleep 1
.build/release/crawler run --config "$work/feeds.yaml" --startup-spread "$interval" --log-level debug 2> "$work/log" & daemon=$!
ticks=$(getconf CLK_TCK)
echo "seconds rss_kb cpu_seconds fetches" > "$work/samples"
for ((t = 10; t <= minutes * 60; t += 10)); do
    sleep 10
    read -r utime stime < <(awk '{print $14, $15}' "/proc/$daemon/stat")
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon/status")
    echo "$t $rss $(echo "scale=2; ($utime + $stime) / $ticks" | bc) $(grep -c 'event=fetch' "$work/log" || true)" >> "$work/samples"
done
peak=$(awk '/VmHWM/ {print $2}' "/proc/$daemon/status")
kill -TERM $daemon; wait $daemon || true
python3 - "$work/samples" "$interval" "$peak" "$feeds" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]).read().splitlines()[1:]]
unit = {"s": 1, "m": 60, "h": 3600}[sys.argv[2][-1]]
interval = int(sys.argv[2][:-1]) * unit
def phase(name, selected):
    if len(selected) < 2:
        return
    (t0, _, c0, f0), (t1, _, c1, f1) = selected[0], selected[-1]
    seconds = float(t1) - float(t0)
    cpu = (float(c1) - float(c0)) / seconds * 100
    rss = max(int(r[1]) for r in selected) / 1024
    print(f"{name}: {seconds/60:.0f} min, {int(f1)-int(f0)} fetches, CPU {cpu:.2f}% of one core, RSS max {rss:.1f} MB")
phase("cold (first interval)", [r for r in rows if float(r[0]) <= interval])
phase("steady (after it)", [r for r in rows if float(r[0]) >= interval])
print(f"peak RSS (VmHWM) {int(sys.argv[3])/1024:.1f} MB; {sys.argv[4]} feeds every {sys.argv[2]}")
PY
