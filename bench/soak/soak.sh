#!/usr/bin/env bash
# Soak benchmark: the continuous daemon and the pass-based one (main at 9498917) side by side,
# each polling the same loopback farm of N feeds every INTERVAL for MINUTES of real time, with
# 2% stalled hosts, 2% trickling, 1% answering 503 + Retry-After, 5% slow (2-5 s) (farm.py).
# Reports per daemon: healthy feeds' poll gap p50/p99 against the interval (from the farm's own
# request log), spurious failures of healthy feeds, CPU % of one core after the first interval,
# and peak RSS.
# Usage: [CONCURRENCY=32] bench/soak/soak.sh [feeds=10000] [interval=5m] [minutes=30]
# NEW and BASE name the two binaries; by default both are built here in release mode (BASE from
# a snapshot of commit 9498917 in .build-base/, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/../.."
feeds="${1:-10000}"; interval="${2:-5m}"; minutes="${3:-30}"
port="${PORT:-8791}"
# Transfers in flight at once (the crawler's default is 32). Misbehaving hosts hold slots for up
# to the timeout: at 10,000 feeds every 5 min their share alone needs ~40 slot-seconds a second.
concurrency="${CONCURRENCY:-32}"
base_commit=9498917
if [[ -z "${NEW:-}" ]]; then
    swift build -c release --product crawler >/dev/null
    NEW=.build/release/crawler
fi
if [[ -z "${BASE:-}" ]]; then
    rm -rf .build-base/src && mkdir -p .build-base/src
    git archive "$base_commit" | tar -x -C .build-base/src
    (cd .build-base/src && swift build -c release --scratch-path ../build --product crawler >/dev/null)
    BASE=.build-base/build/release/crawler
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
python3 bench/soak/farm.py "$port" "$feeds" "$work/requests" & pids+=($!)
sleep 2
declare -A daemon
for label in new base; do
    mkdir -p "$work/$label"
    python3 - "$feeds" "$port" "$label" "$interval" "$work/$label" "$concurrency" > "$work/$label/feeds.yaml" <<'PY'
import sys
sys.path.insert(0, "bench/soak")
from farm import address, host_of
feeds, port, label, interval, folder, concurrency = int(sys.argv[1]), *sys.argv[2:]
print(f"store: {folder}/store\ninterval: {interval}\nconcurrency: {concurrency}\nfeeds:")
for n in range(feeds):
    print(f"  - url: http://{address(host_of(n))}:{port}/{label}/{n}.xml\n    name: f{n}")
PY
    binary=$NEW; [[ $label == base ]] && binary=$BASE
    "$binary" run --config "$work/$label/feeds.yaml" --startup-spread "$interval" --log-level info \
        2> "$work/$label/log" & daemon[$label]=$!
    pids+=(${daemon[$label]})
done
ticks=$(getconf CLK_TCK)
for label in new base; do echo "seconds rss_kb cpu_seconds" > "$work/$label/samples"; done
for ((t = 10; t <= minutes * 60; t += 10)); do
    sleep 10
    for label in new base; do
        pid=${daemon[$label]}
        read -r utime stime < <(awk '{print $14, $15}' "/proc/$pid/stat")
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        echo "$t $rss $(echo "scale=2; ($utime + $stime) / $ticks" | bc)" >> "$work/$label/samples"
    done
done
for label in new base; do awk '/VmHWM/ {print $2}' "/proc/${daemon[$label]}/status" > "$work/$label/peak"; done
"$NEW" status --config "$work/new/feeds.yaml" --json > "$work/new/status.json" 2>/dev/null || true
for label in new base; do kill -TERM "${daemon[$label]}"; wait "${daemon[$label]}" || true; done
python3 bench/soak/report.py "$work" "$feeds" "$interval" "$minutes" "$concurrency"
echo "work folder: $work"
