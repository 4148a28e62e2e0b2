#!/usr/bin/env bash
# make deb: crawler_VERSION_ARCH.deb in the repository root, built with dpkg-deb alone (no
# debhelper): the binary (stripped), man pages, completions, units in /lib/systemd/system,
# /etc/crawler/feeds.yaml as a conffile, and the docs. Depends: comes from dpkg-shlibdeps.
# CRAWLER_BINARY (default .build/release/crawler), DEB_OUTPUT_DIR (default the repository root)
# DEB_MAINTAINER and DEB_COMPRESSION (xz; the tests use none) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
binary="$(realpath "${CRAWLER_BINARY:-.build/release/crawler}")"
output="$(realpath "${DEB_OUTPUT_DIR:-$repo}")"
maintainer="${DEB_MAINTAINER:-crawler maintainers <crawler@example.org>}"
for tool in dpkg-deb dpkg-shlibdeps python3 strip gzip; do
    command -v "$tool" >/dev/null || { echo "build-deb: needs $tool (apt-get install dpkg-dev binutils python3)"; exit 2; }
done
version="$("$binary" --version | awk '{print $2}')"
arch="$(dpkg --print-architecture)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"

# The files as `make install` lays them out, for /usr; units where packages put theirs.
DESTDIR="$root" PREFIX=/usr UNIT_DIR=/lib/systemd/system CRAWLER_BINARY="$binary" scripts/install.sh >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/crawler"
gzip -9n "$root"/usr/share/man/man1/*.1
doc="$root/usr/share/doc/crawler"
install -m 0644 packaging/copyright "$doc/copyright"
gzip -9n -c packaging/changelog > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
install -D -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/crawler"

# dpkg-shlibdeps reads debian/control, so it gets a minimal one beside the staged root.
mkdir -p "$stage/debian"
printf 'Source: crawler\n\nPackage: crawler\nArchitecture: any\n' > "$stage/debian/control"
depends="$(cd "$stage" && dpkg-shlibdeps -O --ignore-missing-info -e root/usr/bin/crawler 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies for $binary"; exit 2; }

mkdir -p "$root/DEBIAN"
echo /etc/crawler/feeds.yaml > "$root/DEBIAN/conffiles"
# What `dpkg --verify` checks the installed files against.
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends, procps|" packaging/control.in > "$root/DEBIAN/control"
find "$root" -type d -exec chmod 0755 {} +
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
package="$output/crawler_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$root" "$package" >/dev/null
echo "built $package"
