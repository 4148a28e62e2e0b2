#!/usr/bin/env bash
# Installs the release binary, the systemd units and an example configuration.
# PREFIX (default /usr/local) and DESTDIR (for packaging) are honoured.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${PREFIX:-/usr/local}"
destdir="${DESTDIR:-}"
install -D -m 0755 .build/release/crawler "$destdir$prefix/bin/crawler"
install -D -m 0644 README.md "$destdir$prefix/share/doc/crawler/README.md"
for unit in crawler.service crawler-once.service crawler-once.timer; do
    sed "s|/usr/local/|$prefix/|g" "systemd/$unit" > "/tmp/$unit.$$"
    install -D -m 0644 "/tmp/$unit.$$" "$destdir/etc/systemd/system/$unit"
    rm -f "/tmp/$unit.$$"
done
if [ ! -e "$destdir/etc/crawler/feeds.yaml" ]; then
    install -D -m 0644 systemd/feeds.yaml "$destdir/etc/crawler/feeds.yaml"
fi
echo "installed $prefix/bin/crawler, units in /etc/systemd/system, config in /etc/crawler/feeds.yaml"
echo "next: systemctl daemon-reload && systemctl enable --now crawler   (or: crawler-once.timer)"
