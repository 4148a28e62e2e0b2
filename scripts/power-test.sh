#!/usr/bin/env bash
# make power-test: real power cuts. A QEMU virtual machine boots Debian with a shell script as init
# that serves a loopback feed farm and runs `crawler once` round after round; the host SIGKILLs
# QEMU at a random moment after the first feed was reported stored, then boots the same disk again
# to check the store as the cut left it (every document whose fetch line reached the host is there
# and whole, nothing torn under a final name, the index passes integrity_check, `crawler store
# verify` is clean), and after a final pass (exactly one document per distinct item, the index
# matching the files). Two more scenarios run the same way, each on a disk of its own:
# - replace: items edited every round (`revisions: replace` rewrites them in place); after a cut
#   every document is whole, one per item, at a version the feed served and at least the version
#   a fetch line acknowledged (check_replace.py);
# - rerender: `crawler store rerender` between two output profiles (Hexo under posts/, Hugo under
#   content/), cut at a random moment after its first new file appeared (its writing and renaming,
#   not its start-up); after recovery every document is its old or its new text,
#   whole, in exactly one place, and a rerun makes every one new (check_rerender.py).
# CUTS=30 per scenario by default, POWER_TEST_SCENARIOS="once replace rerender" picks them.
# Prints PASS/FAIL per cut; exits 1 on any FAIL.
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
scenarios="${POWER_TEST_SCENARIOS:-once replace rerender}"
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

# A fresh disk for SCENARIO: the root with this build's crawler, the guest scripts, its
# configurations and an empty store.
prepare_disk() {
    install -m 0755 "$binary" "$root/usr/local/bin/crawler"
    rm -rf "$root/powercut" "$root/var/lib/crawler"
    mkdir -p "$root/powercut" "$root/var/lib/crawler"
    cp scripts/power-test/*.sh scripts/power-test/*.py "$root/powercut/"
    python3 - "$root/powercut" "$1" <<'PY'
import sys
sys.path.insert(0, "scripts/power-test")
import items
folder, scenario = sys.argv[1:3]
def config(name, settings=""):
    with open("%s/%s" % (folder, name), "w") as f:
        f.write("store: /var/lib/crawler/store\ninterval: 1s\ntimeout: 20s\nhost_gap: 0s\nper_host_concurrency: 8\n")
        f.write(settings + "feeds:\n")
        for n in range(items.FEEDS):
            f.write("  - url: http://127.0.0.1:8080/feed/%d\n    name: feed-%d\n" % (n, n))
config("feeds.yaml", "revisions: replace\n" if scenario == "replace" else "")
config("rerender-hexo.yaml", "output: hexo\n")
config("rerender-hugo.yaml", "output: hugo\ndocument_path: content/{year}/{hash}.html\n")
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


# One cut of SCENARIO, numbered CUT: boot, wait for the moment the scenario's work is under way,
# cut the power a random while later, boot the disk again to check. Sets `delay` and `detail`;
# returns 1 on a failure.
rerender_window="${POWER_TEST_RERENDER_WINDOW:-3}"  # seconds; adapts once a rerender ends before its cut
one_cut() {
    local scenario="$1" cut="$2" crawl_log="$cache/$1-cut-$2.crawl.log" verify_log="$cache/$1-cut-$2.verify.log"
    local started=$SECONDS crawl_init=crawl.sh verify_init=verify.sh ready wait_for=300 spread="$window"
    local args="powercut.cut=$cut powercut.scenario=$scenario" rounds verdict=0 crawled
    case "$scenario" in
        # The first stored feed; with replace, the first feed whose edited items were replaced.
        once) ready='event=fetch.*level=info\|level=info.*event=fetch' ;;
        replace) ready='event=fetch.*replaced=\|replaced=.*event=fetch' ;;
        # The store rerendered to Hugo on odd cuts and back to Hexo on even ones.
        # The rerender's first new file: its writing and renaming, not its start-up, are what a cut tests.
        rerender) ready='^powercut rerender-writing'; crawl_init=rerender.sh; verify_init=rerender-verify.sh
                  wait_for=900; spread="$rerender_window"
                  args="$args powercut.target=$([ $((cut % 2)) -eq 1 ] && echo hugo || echo hexo)" ;;
    esac
    boot "$crawl_init" "$crawl_log" "$args"
    qemu_crashed=0
    if ! until_line "$crawl_log" "$ready" "$wait_for"; then
        # QEMU itself dying before the guest wrote a byte (a segfault of TCG, seen on a loaded host),
        # or the guest's own farm never answering (its kernel stalled: "soft lockup" on the console
        # under TCG on a loaded host) says nothing of the crawler: the caller runs the cut again.
        if [ ! -s "$crawl_log" ] && ! kill -0 "$qemu_pid" 2>/dev/null; then qemu_crashed=1; fi
        if grep -qa '^powercut farm did not start' "$crawl_log"; then qemu_crashed=1; fi
        detail="the work did not start within $wait_for s (log: $crawl_log)"; stop_machine; return 1
    fi
    delay=$(python3 -c "import random; print('%.2f' % random.uniform(0, $spread))")
    sleep "$delay"
    stop_machine  # the power cut: SIGKILL, the guest's RAM and page cache gone with the process
    crawled=$((SECONDS - started))
    rounds=$(grep -a '^powercut round=' "$crawl_log" | tail -1 | cut -d= -f2 | tr -d '\r')  # the console ends lines with CR LF
    [ "$scenario" = rerender ] || echo "$cut ${rounds:-0}" >> "$cache/$scenario.history"
    boot "$verify_init" "$verify_log" "$args powercut.rounds=${rounds:-0}"
    until_line "$verify_log" '^powercut done' 900 || true
    sleep 0.5; stop_machine
    case "$scenario" in
        once) detail=$(python3 scripts/power-test/check.py "$cut" "$crawl_log" "$verify_log" "$cache/once.history") || verdict=$? ;;
        replace) detail=$(python3 scripts/power-test/check_replace.py "$cut" "$crawl_log" "$verify_log" "$cache/replace.history") || verdict=$? ;;
        rerender) detail=$(python3 scripts/power-test/check_rerender.py "$crawl_log" "$verify_log") || verdict=$?
                  # A rerender that ran to its end before the cut tells how long its writing takes
                  # (first new file to its exit): the next cuts fall within that time (and a little
                  # after it).
                  local ms; ms=$(sed -n 's/^powercut rerender-exit=0 .*writing_ms=\([0-9]*\).*/\1/p' "$crawl_log")
                  [ -z "$ms" ] || rerender_window=$(python3 -c "print('%.1f' % (max($ms, 500) * 1.2 / 1000))") ;;
    esac
    detail="power cut ${delay}s in, round ${rounds:-0}; crawl ${crawled}s, verify $((SECONDS - started - crawled))s; $detail"
    [ $verdict -eq 0 ] || detail="$detail (logs: $crawl_log, $verify_log)"
    return $verdict
}

prepare_root
status=0; summary=""
for scenario in $scenarios; do
    echo "== $scenario: $disk with this build's crawler, $cuts cuts, accelerator $accel"
    prepare_disk "$scenario"
    : > "$cache/$scenario.history"
    failures=0; started=$SECONDS
    for cut in $(seq "$cuts"); do
        if one_cut "$scenario" "$cut" || { [ "$qemu_crashed" = 1 ] && echo "QEMU or the guest failed before the work began ($detail); cut $cut again" &&
                                           one_cut "$scenario" "$cut"; }; then
            echo "PASS  $scenario cut $cut: $detail"
        else
            failures=$((failures + 1))
            echo "FAIL  $scenario cut $cut: $detail" | sed '2,$s/^/      /'
        fi
    done
    summary="$summary
power-test $scenario: $cuts cuts, $failures failed, $((SECONDS - started)) s"
    [ $failures -eq 0 ] || status=1
done
echo "$summary"
exit $status
