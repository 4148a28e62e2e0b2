#!/usr/bin/env bash
# Fuzzes one feed's whole path after the network (headers + body → decide → parse → convert →
# render in every profile → schedule) with libFuzzer + AddressSanitizer, then checks that the
# slowest inputs it found take linear time (scripts/fuzz-linearity.py).
#   scripts/fuzz-feed-path.sh [SECONDS] [extra libFuzzer flags...]   (default 1800 s; 0 only builds)
# Seeds: the parse fixtures, the parser corpus, scripts/fuzz-seeds and the browser vectors. Corpus in .build-fuzz-path/corpus, crashes in
# .build-fuzz-path/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"; shift || true
out=.build-fuzz-path
mkdir -p "$out/corpus" "$out/crashes" "$out/seeds"
# -Xswiftc: SwiftPM's --sanitize=fuzzer instruments C targets only; the Swift modules need it too.
CRAWLER_FUZZ=1 swift build --scratch-path "$out/build" --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
    --product feed-path-fuzz 2>&1 | grep -E "error|Compiling|Build" | grep -v "Cannot export" || true
binary="$out/build/debug/feed-path-fuzz"
[ -x "$binary" ] || { echo "fuzz-feed-path: the build failed" >&2; exit 1; }
python3 - "$out/seeds" <<'PY'
import glob, os, sys
out = sys.argv[1]
headers = [b"Content-Type: application/rss+xml\n\n", b"Content-Type: text/xml; charset=gbk\nCache-Control: max-age=9223372036854775807\n\n",
           b"Retry-After: 99999999999999999999\nETag: \"a\rb\"\n\n", b"Content-Type: application/feed+json\nExpires: Fri, 01 Jan 99999 00:00:00 GMT\n\n"]
n = 0
for path in sorted(glob.glob("Tests/ParseTests/Fixtures/*")):
    if not os.path.isfile(path): continue
    body = open(path, "rb").read()
    for i, h in enumerate(headers):
        open(os.path.join(out, f"fixture-{n:04d}"), "wb").write(bytes([i * 3, i]) + h + body); n += 1
# The parser corpus: every dialect shape and encoding, each under one of the headers in turn.
for i, path in enumerate(sorted(glob.glob("Tests/ParseTests/Fixtures/corpus/docs/*.xml"))):
    h = headers[i % len(headers)]
    open(os.path.join(out, f"corpus-{n:04d}"), "wb").write(bytes([i % 7, 0]) + h + open(path, "rb").read()); n += 1
# Broken documents of the shapes the recovering repair handles (markup left open, doubled end tags, C1 bytes).
for i, path in enumerate(sorted(glob.glob("scripts/fuzz-seeds/*"))):
    open(os.path.join(out, f"repair-{n:04d}"), "wb").write(bytes([i % 7, 0]) + headers[i % len(headers)] + open(path, "rb").read()); n += 1
for line in open("Tests/BrowserVectors/xss-vectors.txt", "rb"):
    line = line.strip()
    if not line or line.startswith(b"#"): continue
    body = b"<rss version='2.0'><channel><title>t</title><item><title>x</title><description><![CDATA[" + line + b"]]></description></item></channel></rss>"
    open(os.path.join(out, f"vector-{n:04d}"), "wb").write(b"\x00\x00" + headers[0] + body); n += 1
print(f"seeds: {n}")
PY
[ "$seconds" = 0 ] && exit 0
"$binary" "$out/corpus" "$out/seeds" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix="$out/crashes/" -print_final_stats=1 "$@" 2>&1 | tee "$out/fuzz.log" | grep -E "^#[0-9]+ .*(pulse|DONE)|ERROR|stat::|Done" || true
# libFuzzer also writes "slow-unit-" files (an input slower than -report_slow_units, 10 s): on a loaded
# machine those are the machine's; the linearity check below times the slowest inputs properly.
ls "$out/crashes" | grep -v '^slow-unit-' | grep -q . && { echo "fuzz-feed-path: crashes in $out/crashes" >&2; exit 1; }
python3 scripts/fuzz-linearity.py "$binary" "$out/corpus"
