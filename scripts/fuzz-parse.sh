#!/usr/bin/env bash
# Builds the parser with libFuzzer + AddressSanitizer into .build-fuzz and runs it.
#   scripts/fuzz-parse.sh [SECONDS] [extra libFuzzer flags...]   (default 1800 s; 0 only builds)
# Seeds: the parse fixtures. New inputs go to .build-fuzz/corpus, crashes to .build-fuzz/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"; shift || true
out=.build-fuzz
mkdir -p "$out/corpus" "$out/crashes" "$out/seeds"
cp Tests/ParseTests/Fixtures/*.xml Tests/ParseTests/Fixtures/*.rdf Tests/ParseTests/Fixtures/*.json \
   Tests/ParseTests/Fixtures/corpus/docs/*.xml "$out/seeds/" 2>/dev/null || true

flags=(-swift-version 6 -O -parse-as-library -sanitize=fuzzer,address
       -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
       -I "$out" -I Sources/CLibXML2 -I Sources/CUchardet -Xcc -I/usr/include/uchardet
       $(xml2-config --cflags | sed 's/-I/-Xcc -I/g'))
module() {  # module NAME SOURCES...: one object file and its .swiftmodule
    local name="$1"; shift
    swiftc "${flags[@]}" -c -wmo -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" \
        "$@" -o "$out/$name.o"
}
module FeedModel Sources/FeedModel/*.swift
module Markup Sources/Markup/*.swift
module Parse Sources/Parse/*.swift
swiftc "${flags[@]}" Fuzz/ParseFuzz/main.swift "$out/FeedModel.o" "$out/Markup.o" "$out/Parse.o" \
    $(xml2-config --libs) -luchardet -o "$out/parse-fuzz" 2>&1 | { grep -v "Cannot export local symbol" || true; }

[ "$seconds" = 0 ] && exit 0   # 0: build only
"$out/parse-fuzz" "$out/corpus" "$out/seeds" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$out/crashes/" -print_final_stats=1 "$@"
