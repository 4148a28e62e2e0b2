#!/usr/bin/env bash
# make deb-test: the .deb that `make deb` built, installed with apt into a clean Debian bookworm
# root (debootstrap minbase, nothing else), where `crawler --version` and `crawler check` must
# work; then lintian (no errors; warnings listed), the conffile kept over a reinstall, and
# removal. Needs root, debootstrap, lintian and the network to Debian's mirror (apt fetches the
# package's dependencies). The root is cached in .system-test/deb-clean; each run copies it.
# Prints PASS/FAIL per check; exits 1 on any FAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache="${SYSTEM_TEST_CACHE:-$repo/.system-test}"
. scripts/debian-root.sh
base="$cache/deb-clean"
root="$cache/deb-machine"
failures=0

for tool in debootstrap lintian dpkg-deb chroot; do
    command -v "$tool" >/dev/null || { echo "deb-test: needs $tool (apt-get install debootstrap lintian)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "deb-test: needs root (debootstrap, chroot)"; exit 2; }
package="$(ls -t "$repo"/crawler_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)"
[ -n "$package" ] || { echo "deb-test: no crawler_*.deb in $repo; run make deb"; exit 2; }
version="$(dpkg-deb -f "$package" Version)"
echo "== $package"

check() {
    local name="$1"; shift
    local output status=0
    output=$("$@" 2>&1) || status=$?
    if [ $status -eq 0 ]; then
        echo "PASS  $name${output:+: $output}"
    else
        failures=$((failures + 1))
        echo "FAIL  $name"
        printf '%s\n' "$output" | sed 's/^/      /'
    fi
}

cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT

debian_root "$base" "ca-certificates"
cleanup
cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$package" "$root/tmp/crawler.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

lintian_errors() {
    local report
    report="$(lintian --no-tag-display-limit "$package" 2>&1 || true)"
    printf '%s\n' "$report" | grep '^W:' | sed 's/^/warning: /' >&2 || true
    ! printf '%s\n' "$report" | grep '^E:'
}
installs() {
    in_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq /tmp/crawler.deb > "$cache/deb-install.log" 2>&1 \
        || { tail -20 "$cache/deb-install.log"; return 1; }
}
prints_version() { [ "$(in_root crawler --version)" = "crawler $version" ] && echo "crawler $version"; }
checks_config() { in_root crawler check --config /etc/crawler/feeds.yaml; }
lists_conffile() { in_root dpkg-query -W -f='${Conffiles}\n' crawler | grep -q '^ /etc/crawler/feeds.yaml '; }
has_files() {
    local file
    for file in /usr/bin/crawler /usr/share/man/man1/crawler.1.gz /usr/share/man/man1/crawler-once.1.gz \
                /usr/share/man/man1/crawler-store-verify.1.gz /usr/share/bash-completion/completions/crawler \
                /usr/share/zsh/vendor-completions/_crawler /usr/share/fish/vendor_completions.d/crawler.fish \
                /lib/systemd/system/crawler.service /lib/systemd/system/crawler-once.timer \
                /usr/share/doc/crawler/copyright /usr/share/doc/crawler/changelog.gz; do
        [ -e "$root$file" ] || { echo "missing $file"; return 1; }
    done
    grep -q '^ExecStart=/usr/bin/crawler run' "$root/lib/systemd/system/crawler.service" || { echo "ExecStart not /usr/bin"; return 1; }
    zcat "$root/usr/share/man/man1/crawler-once.1.gz" | grep -q -- '\\-\\-feed' || { echo "crawler-once.1 lacks --feed"; return 1; }
}
verifies() { in_root dpkg --verify crawler; }
keeps_edited_conffile() {
    echo "# edited by the operator" >> "$root/etc/crawler/feeds.yaml"
    in_root dpkg -i --force-confold /tmp/crawler.deb >/dev/null
    grep -q '^# edited by the operator' "$root/etc/crawler/feeds.yaml"
}
removes_and_purges() {
    in_root dpkg -r crawler >/dev/null
    [ ! -e "$root/usr/bin/crawler" ] && [ -e "$root/etc/crawler/feeds.yaml" ] || { echo "remove"; return 1; }
    in_root dpkg -P crawler >/dev/null
    [ ! -e "$root/etc/crawler/feeds.yaml" ] || { echo "purge left feeds.yaml"; return 1; }
}

check "lintian reports no error" lintian_errors
check "apt-get installs the .deb into a clean bookworm root" installs
check "crawler --version" prints_version
check "crawler check --config /etc/crawler/feeds.yaml" checks_config
check "/etc/crawler/feeds.yaml is a conffile" lists_conffile
check "binary, man pages, completions, units and docs are installed" has_files
check "dpkg --verify finds every file as packaged" verifies
check "an edited feeds.yaml survives a reinstall" keeps_edited_conffile
check "dpkg -r keeps feeds.yaml, dpkg -P removes it" removes_and_purges
[ $failures -eq 0 ] && echo "deb-test: all passed" || { echo "deb-test: $failures failed"; exit 1; }
