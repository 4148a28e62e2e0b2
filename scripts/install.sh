#!/usr/bin/env bash
# Installs the release binary, its man pages and shell completions, the systemd units and an
# example configuration. PREFIX (default /usr/local) and DESTDIR (for packaging) are honoured;
# build-deb.sh also sets CRAWLER_BINARY (the binary to install) and UNIT_DIR (where units go).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
destdir="${DESTDIR:-}"
binary="${CRAWLER_BINARY:-.build/release/crawler}"
unitdir="${UNIT_DIR:-/etc/systemd/system}"
install -D -m 0755 "$binary" "$destdir$prefix/bin/crawler"
install -D -m 0644 README.md "$destdir$prefix/share/doc/crawler/README.md"
docs="$(mktemp -d)"
trap 'rm -rf "$docs"' EXIT
scripts/generate-docs.sh "$binary" "$docs"
for page in "$docs"/man/*.1; do
    install -D -m 0644 "$page" "$destdir$prefix/share/man/man1/$(basename "$page")"
done
install -D -m 0644 "$docs/completions/crawler.bash" "$destdir$prefix/share/bash-completion/completions/crawler"
install -D -m 0644 "$docs/completions/_crawler" "$destdir$prefix/share/zsh/vendor-completions/_crawler"
install -D -m 0644 "$docs/completions/crawler.fish" "$destdir$prefix/share/fish/vendor_completions.d/crawler.fish"
for unit in crawler.service crawler-once.service crawler-once.timer; do
    sed "s|/usr/local/|$prefix/|g" "systemd/$unit" > "$docs/$unit"
    install -D -m 0644 "$docs/$unit" "$destdir$unitdir/$unit"
done
if [ ! -e "$destdir/etc/crawler/feeds.yaml" ]; then
    install -D -m 0644 systemd/feeds.yaml "$destdir/etc/crawler/feeds.yaml"
fi
echo "installed $prefix/bin/crawler, man pages (man crawler), completions, units in $unitdir, config in /etc/crawler/feeds.yaml"
echo "next: systemctl daemon-reload && systemctl enable --now crawler   (or: crawler-once.timer)"
