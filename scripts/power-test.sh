#!/usr/bin/env bash
# make power-test: real power cuts. A QEMU virtual machine boots Debian with a shell script as init
# that serves a loopback feed farm and runs `crawler once` round after round; the host SIGKILLs
# QEMU at a random moment after the first feed was reported stored, then boots the same disk again
# to check the store as the cut left it (every document whose fetch line reached the host is there
# and whole, nothing torn under a final name, the index passes integrity_check, `crawler store
# verify` is clean), and after a final pass (exactly one document per distinct item, the index
# matching the files). CUTS=30 by default. Prints PASS/FAIL per cut; exits 1 on any FAIL.
#
# Why the kill is a power cut: the guest's page cache is guest RAM, i.e. memory of the QEMU
# process. With cache=writeback the host sees only what the guest kernel wrote out to the virtual
# disk; whatever the guest had not written back (anything not fsynced/syncfs'd, the ext4 journal's
# uncommitted transactions) dies with the process, exactly as RAM does when power goes. (The host
# keeps what did reach the virtual disk even if the guest never flushed it, so this is a little
# kinder than a disk that drops its volatile cache.)
#
# Needs root, qemu-system-x86 and e2fsprogs. The guest root is the system test's cached bookworm
# root (.system-test/) plus Debian's kernel and initramfs installed with the root's own apt, cached
# in .power-test/ (POWER_TEST_CACHE=...).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
. scripts/debian-root.sh
cuts="${CUTS:-30}"
window="${POWER_TEST_WINDOW:-8}"       # seconds after the first stored feed within which power goes
# tcg by default: KVM under a nested hypervisor often cannot run a guest (see README); POWER_TEST_ACCEL=kvm
accel="${POWER_TEST_ACCEL:-tcg}"
cache="${POWER_TEST_CACHE:-$repo/.power-test}"
base="${SYSTEM_TEST_CACHE:-$repo/.system-test}/bookworm"
root="$cache/root"
disk="$cache/disk.raw"
kernel_packages="linux-image-amd64 initramfs-tools libgumbo1 libuchardet0"
binary="$repo/.build/release/crawler"

for tool in qemu-system-x86_64 mkfs.ext4 debootstrap python3; do
    command -v "$tool" >/dev/null || { echo "power-test: needs $tool (apt-get install qemu-system-x86 e2fsprogs debootstrap)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "power-test: needs root (debootstrap, chroot)"; exit 2; }
[ -x "$binary" ] || { echo "power-test: no $binary (make build)"; exit 2; }

# The guest root: the cached bookworm root with a kernel and initramfs from the root's own apt.
prepare_root() {
    debian_root "$base" "$debian_root_packages"
    if [ "$(cat "$root/.power-test-packages" 2>/dev/null)" = "$kernel_packages" ]; then return; fi
    echo "== $root: the bookworm root plus $kernel_packages (once)"
    rm -rf "$root" "$root.partial"
    mkdir -p "$cache"
    cp -a "$base" "$root.partial"
    cp /etc/resolv.conf "$root.partial/etc/resolv.conf"
    if ! chroot "$root.partial" sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends $kernel_packages" > "$cache/apt.log" 2>&1; then
        tail -20 "$cache/apt.log"
        exit 2
    fi
    echo "$kernel_packages" > "$root.partial/.power-test-packages"
    mv "$root.partial" "$root"
}

# A fresh disk: the root with this build's crawler, the guest scripts and an empty store.
prepare_disk() {
    install -m 0755 "$binary" "$root/usr/local/bin/crawler"
    rm -rf "$root/powercut" "$root/var/lib/crawler"
    mkdir -p "$root/powercut" "$root/var/lib/crawler"
    cp scripts/power-test/*.sh scripts/power-test/*.py "$root/powercut/"
    python3 - "$root/powercut/feeds.yaml" <<'PY'
import sys
sys.path.insert(0, "scripts/power-test")
import items
with open(sys.argv[1], "w") as f:
    f.write("store: /var/lib/crawler/store\ninterval: 1s\ntimeout: 20s\nhost_gap: 0s\nper_host_concurrency: 8\nfeeds:\n")
    for n in range(items.FEEDS):
        f.write("  - url: http://127.0.0.1:8080/feed/%d\n    name: feed-%d\n" % (n, n))
PY
    rm -f "$disk"
    mkfs.ext4 -q -F -d "$root" "$disk" 3G
}

qemu_pid=""
# boot INIT LOG ARGS: starts the machine in the background; its serial console goes to LOG.
boot() {
    local init="$1" log="$2" args="$3"
    rm -f "$log"
    qemu-system-x86_64 -accel "$accel" -m 1024 -smp 2 -display none -no-reboot -nic none \
        -serial "file:$log" -kernel "$(ls "$root"/boot/vmlinuz-* | tail -1)" -initrd "$(ls "$root"/boot/initrd.img-* | tail -1)" \
        -append "root=/dev/vda rw console=ttyS0 quiet panic=-1 init=/powercut/$init $args" \
        -drive "file=$disk,format=raw,if=virtio,cache=writeback" > "$log.qemu" 2>&1 &
    qemu_pid=$!
}
stop_machine() {
    if [ -n "$qemu_pid" ]; then
        kill -9 "$qemu_pid" 2>/dev/null || true
        wait "$qemu_pid" 2>/dev/null || true
    fi
    qemu_pid=""
}
trap stop_machine EXIT

# until_line LOG PATTERN SECONDS: waits for a complete line matching PATTERN while QEMU runs.
until_line() {
    local deadline=$((SECONDS + $3))
    until grep -qa -- "$2" "$1" 2>/dev/null; do
        kill -0 "$qemu_pid" 2>/dev/null || return 1
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.1
    done
}

prepare_root
echo "== $disk: this build's crawler, $cuts cuts, accelerator $accel"
prepare_disk
: > "$cache/history"
failures=0; reported_total=0; started=$SECONDS
for cut in $(seq "$cuts"); do
    cut_started=$SECONDS
    crawl_log="$cache/cut-$cut.crawl.log"; verify_log="$cache/cut-$cut.verify.log"
    boot crawl.sh "$crawl_log" "powercut.cut=$cut"
    if ! until_line "$crawl_log" 'event=fetch.*level=info\|level=info.*event=fetch' 300; then
        echo "FAIL  cut $cut: no feed reported stored within 300 s (log: $crawl_log)"
        failures=$((failures + 1)); stop_machine; break
    fi
    delay=$(python3 -c "import random; print('%.2f' % random.uniform(0, $window))")
    sleep "$delay"
    stop_machine  # the power cut: SIGKILL, the guest's RAM and page cache gone with the process
    rounds=$(grep -a '^powercut round=' "$crawl_log" | tail -1 | cut -d= -f2)
    echo "$cut ${rounds:-0}" >> "$cache/history"
    crawled=$((SECONDS - cut_started))
    boot verify.sh "$verify_log" "powercut.cut=$cut powercut.rounds=${rounds:-0}"
    until_line "$verify_log" '^powercut done' 600 || true
    sleep 0.5; stop_machine
    verdict=0
    result=$(python3 scripts/power-test/check.py "$cut" "$crawl_log" "$verify_log" "$cache/history") || verdict=$?
    reported=$(printf '%s\n' "$result" | head -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["reported"])' 2>/dev/null || echo 0)
    reported_total=$((reported_total + reported))
    if [ $verdict -eq 0 ]; then
        echo "PASS  cut $cut: power cut ${delay}s after the first stored feed, round $rounds; crawl ${crawled}s, verify $((SECONDS - cut_started - crawled))s; $result"
    else
        failures=$((failures + 1))
        echo "FAIL  cut $cut (logs: $crawl_log, $verify_log)"
        printf '%s\n' "$result" | sed 's/^/      /'
    fi
done
echo
echo "power-test: $cuts cuts, $failures failed, $reported_total documents reported stored before the cuts, $((SECONDS - started)) s"
[ $failures -eq 0 ]
