#!/usr/bin/env bash
# make system-test: the shipped units under a real systemd, which is the only way to see what
# `systemd-analyze verify` cannot (a system call the sandbox refuses kills the daemon with SIGSYS).
# Boots a Debian bookworm root with `systemd-nspawn --boot`, installs the crawler into it with
# `make install DESTDIR=`, and checks start, READY/STATUS, the journal, reload, the watchdog, stop,
# the once-timer and `crawler status` as root. Prints PASS/FAIL per check; exits 1 on any FAIL.
# Needs root and Debian's systemd-container and debootstrap. The first run downloads the root
# from Debian's mirror into .system-test/ (SYSTEM_TEST_CACHE=...); later runs reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache="${SYSTEM_TEST_CACHE:-$repo/.system-test}"
. scripts/debian-root.sh
base="$cache/bookworm"       # the cached debootstrap root, never booted
root="$cache/machine"        # a fresh copy of it per run, with the crawler installed
machine="crawler-system-test"
port=8080
failures=0
checks=0
nspawn=""
leader=""

for tool in systemd-nspawn debootstrap nsenter python3; do
    command -v "$tool" >/dev/null || { echo "system-test: needs $tool (apt-get install systemd-container debootstrap)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "system-test: needs root (debootstrap, systemd-nspawn)"; exit 2; }

# check NAME FUNCTION [ARGS...]: runs the function, prints PASS or FAIL with what it said.
check() {
    local name="$1"; shift
    local output status=0
    output=$("$@" 2>&1) || status=$?
    checks=$((checks + 1))
    if [ $status -eq 0 ]; then
        echo "PASS  $name${output:+: $output}"
    else
        failures=$((failures + 1))
        echo "FAIL  $name"
        printf '%s\n' "$output" | sed 's/^/      /'
    fi
}

# A command inside the booted container, through its namespaces. (`systemctl -M` and `systemd-run
# --machine` need systemd-machined, which needs a host booted with systemd; this one may not be.)
in_machine() {
    SYSTEMD_COLORS=0 SYSTEMD_PAGER= timeout 90 nsenter --target "$leader" --mount --uts --ipc --net --pid -- "$@"
}
show() { in_machine systemctl show --value -p "$2" "$1"; }
journal() { in_machine journalctl --no-pager -o cat -u "$1"; }
journal_has() { journal "$1" | grep -q -- "$2"; }

# wait_for SECONDS COMMAND...: until the command succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.5
    done
}

feeds_config() {  # feeds_config NAME=FILE...: /etc/crawler/feeds.yaml with those feeds
    echo "store: /var/lib/crawler/store"
    echo "interval: 5s"
    echo "timeout: 5s"
    echo "feeds:"
    for feed in "$@"; do
        echo "  - url: http://127.0.0.1:$port/${feed#*=}"
        echo "    name: ${feed%%=*}"
    done
}

prepare_machine() {
    rm -rf "$root"
    cp -a "$base" "$root"
    if ! make --no-print-directory install DESTDIR="$root" > "$cache/install.log" 2>&1; then
        tail -20 "$cache/install.log"
        exit 2
    fi
    local units="$root/etc/systemd/system"
    # The feeds: python3's server on the container's own loopback, over the demo's feed files.
    cat > "$units/feed-server.service" <<EOF
[Unit]
Description=Loopback feed server for the system test
Before=crawler.service crawler-once.service
[Service]
ExecStart=/usr/bin/python3 -m http.server $port --bind 127.0.0.1 --directory /srv/feeds
[Install]
WantedBy=multi-user.target
EOF
    mkdir -p "$units/multi-user.target.wants"
    ln -sf ../feed-server.service "$units/multi-user.target.wants/feed-server.service"
    # A feed that answers 404 beside the healthy one: its lines are warnings in the journal.
    feeds_config alpha=sina-finance.xml missing=missing.xml > "$root/etc/crawler/feeds.yaml"
    # Short enough to see the watchdog fed and the timer fire within the test; nothing else changes.
    mkdir -p "$units/crawler.service.d" "$units/crawler-once.timer.d"
    printf '[Service]\nWatchdogSec=3s\n' > "$units/crawler.service.d/system-test.conf"
    printf '[Timer]\nOnActiveSec=1s\nRandomizedDelaySec=0\n' > "$units/crawler-once.timer.d/system-test.conf"
}

boot() {
    # --register=no --keep-unit: no machined or host systemd to ask for a scope; --private-network: the
    # container has its own loopback only.
    systemd-nspawn --quiet --boot --directory="$root" --machine="$machine" --register=no --keep-unit --private-network \
        --bind-ro="$repo/examples/demo/feeds:/srv/feeds" > "$cache/boot.log" 2>&1 &
    nspawn=$!
    local deadline=$((SECONDS + 30))
    while [ -z "$leader" ] && [ $SECONDS -lt $deadline ] && kill -0 "$nspawn" 2>/dev/null; do
        leader=$(cat "/proc/$nspawn/task/$nspawn/children" 2>/dev/null | awk '{print $1}')
        sleep 0.2
    done
    [ -n "$leader" ] || { cat "$cache/boot.log"; echo "system-test: systemd-nspawn did not start"; exit 2; }
    wait_for 60 in_machine test -S /run/systemd/private || true  # systemd's own socket: systemctl works
}

shutdown_machine() {
    [ -n "$nspawn" ] || return 0
    if kill -0 "$nspawn" 2>/dev/null; then
        [ -n "$leader" ] && in_machine systemctl poweroff >/dev/null 2>&1 || true
        for _ in $(seq 60); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.5; done
        kill "$nspawn" 2>/dev/null || true
    fi
    wait "$nspawn" 2>/dev/null || true
}
trap shutdown_machine EXIT

# --- the checks -------------------------------------------------------------------------------

booted() {
    local state
    state=$(in_machine systemctl is-system-running --wait || true)
    echo "$state"
    [ "$state" = running ] || [ "$state" = degraded ]
}

started() {
    in_machine systemctl start crawler || true
    sleep 1  # a SIGSYS lands within the first second
    local state sub status restarts type
    state=$(show crawler ActiveState); sub=$(show crawler SubState); status=$(show crawler StatusText)
    restarts=$(show crawler NRestarts); type=$(show crawler Type)
    echo "Type=$type ActiveState=$state SubState=$sub NRestarts=$restarts StatusText=\"$status\""
    if [ "$type" != notify ] || [ "$state" != active ] || [ "$sub" != running ] || [ "$restarts" != 0 ] \
            || [ -z "$status" ]; then
        in_machine systemctl status --no-pager -n 20 crawler || true
        return 1
    fi
}

ready_logged() {  # a notify service is "Started" only once it said READY=1
    local started
    started=$(in_machine journalctl --no-pager -o cat _PID=1 | grep "Started crawler.service" | head -1)
    echo "${started:-systemd never logged crawler.service as Started}"
    [ -n "$started" ]
}

# journal_priorities UNIT: startup at info (6) and the 404 at warning (4), recorded by journald
# from the `<N>` prefix, which does not show in the message.
journal_priorities() {
    wait_for 20 journal_has crawler 'event=fetch feed=missing' || true
    in_machine journalctl --no-pager -o json -u crawler | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
mine = [l for l in lines if l.get("SYSLOG_IDENTIFIER") == "crawler"]
def find(words, priority):
    return any(all(w in l.get("MESSAGE", "") for w in words) and l.get("PRIORITY") == priority for l in mine)
problems = []
if not find(["event=startup"], "6"): problems.append("no event=startup at PRIORITY=6")
if not find(["event=fetch", "feed=alpha", "status=200"], "6"): problems.append("no fetch of alpha at PRIORITY=6")
if not find(["event=fetch", "feed=missing", "status=404"], "4"): problems.append("no fetch of missing at PRIORITY=4")
if any(str(l.get("MESSAGE", "")).startswith("<") for l in mine): problems.append("a <N> prefix reached the message")
print("%d lines; priorities seen: %s" % (len(mine), " ".join(sorted(set(l.get("PRIORITY", "?") for l in mine)))))
for p in problems: print(p)
for l in mine[-8:]:
    if problems: print(l.get("PRIORITY"), l.get("MESSAGE"))
sys.exit(1 if problems else 0)
'
}

reloaded() {
    feeds_config alpha=sina-finance.xml missing=missing.xml beta=engineering-blog.atom > "$root/etc/crawler/feeds.yaml"
    in_machine systemctl reload crawler
    wait_for 20 journal_has crawler 'event=config_reload status=applied' || true
    wait_for 20 journal_has crawler 'event=fetch feed=beta status=200' || true
    local reload fetch
    reload=$(journal crawler | grep 'event=config_reload' | tail -1)
    fetch=$(journal crawler | grep 'event=fetch feed=beta' | head -1)
    echo "${reload:-no config_reload line} / ${fetch:-no fetch of beta}"
    [[ "$reload" == *"status=applied"* ]] && [[ "$fetch" == *"status=200"* ]] && [[ "$fetch" != *" new=0 "* ]]
}

watchdog_fed() {
    local sec first second
    sec=$(show crawler WatchdogUSec)
    first=$(show crawler WatchdogTimestampMonotonic)
    sleep 4  # longer than WatchdogSec: an unfed watchdog would have killed it by now
    second=$(show crawler WatchdogTimestampMonotonic)
    echo "WatchdogUSec=$sec, last ping ${first}us then ${second}us, NRestarts=$(show crawler NRestarts)"
    [ "$sec" = 3s ] && [ "$second" -gt "$first" ] && [ "$(show crawler NRestarts)" = 0 ] \
        && [ "$(show crawler SubState)" = running ]
}

# status_as_root FEED...: root reads the DynamicUser's store through /var/lib/crawler.
status_as_root() {
    local link status=0
    link=$(in_machine readlink /var/lib/crawler)
    in_machine /usr/local/bin/crawler status --config /etc/crawler/feeds.yaml --json \
        | python3 -c '
import json, sys
wanted = sys.argv[2:]
try:
    feeds = {f["feed"]: f for f in json.load(sys.stdin)["feeds"]}
except ValueError:
    sys.exit(1)  # crawler status said why on stderr
print(sys.argv[1] + "; " + ", ".join("%s: %s documents, last status %s" % (n, f["documents"], f["last_status"]) for n, f in sorted(feeds.items())))
sys.exit(0 if all(feeds.get(n, {}).get("documents", 0) > 0 for n in wanted) else 1)
' "/var/lib/crawler -> $link" "$@" || status=$?
    [ $status -eq 0 ] && [ "$link" = private/crawler ]
}

stopped() {
    local start elapsed
    start=$(date +%s%N)
    in_machine systemctl stop crawler
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    local result code status
    result=$(show crawler Result); code=$(show crawler ExecMainCode); status=$(show crawler ExecMainStatus)
    echo "stopped in ${elapsed} ms (TimeoutStopSec=$(show crawler TimeoutStopUSec)); Result=$result ExecMainCode=$code ExecMainStatus=$status"
    [ "$result" = success ] && [ "$code" = 1 ] && [ "$status" = 0 ] && [ "$elapsed" -lt 15000 ] \
        && journal crawler | grep -q 'event=shutdown'
}

once_finished() { [ "$(show crawler-once.service ActiveState)" = inactive ]; }

timer_ran() {
    in_machine systemctl start crawler-once.timer
    wait_for 60 journal_has crawler-once 'event=pass' || true
    wait_for 20 once_finished || true
    local pass result status triggered
    pass=$(journal crawler-once | grep 'event=pass' | tail -1)
    result=$(show crawler-once.service Result); status=$(show crawler-once.service ExecMainStatus)
    triggered=$(show crawler-once.timer LastTriggerUSec)
    echo "timer last triggered: ${triggered:-never}; crawler-once.service Result=$result ExecMainStatus=$status; ${pass:-no pass line}"
    # Exit status 1 (the missing feed failed) is SuccessExitStatus: the unit succeeds.
    [ -n "$pass" ] && [ "$result" = success ] && [ -n "$triggered" ] && [ "$triggered" != n/a ]
}

no_sigsys() {  # nothing the units started (the crawler, /bin/kill) met the system call filter
    local killed
    killed=$(in_machine journalctl --no-pager -o cat | grep 'status=31/SYS' || true)
    echo "${killed:-no process killed by SIGSYS}"
    [ -z "$killed" ]
}

# --- run --------------------------------------------------------------------------------------

debian_root "$base" "$debian_root_packages"
echo "== machine root: $root (make install DESTDIR=$root)"
prepare_machine
echo "== systemd-nspawn --boot --machine=$machine (boot log: $cache/boot.log)"
boot

check "container boots systemd" booted
check "systemctl start crawler: active (running), Type=notify, STATUS= set" started
check "READY=1: systemd logged crawler.service as Started" ready_logged
check "journalctl -u crawler: log lines with their priorities" journal_priorities
check "systemctl reload crawler applies a changed feeds.yaml" reloaded
check "the watchdog is fed (WatchdogSec=3s drop-in)" watchdog_fed
check "crawler status as root reads the store in /var/lib/private/crawler" status_as_root alpha beta
check "systemctl stop crawler: exit 0 within TimeoutStopSec" stopped
check "crawler-once.timer fires and crawler-once.service runs a pass" timer_ran
check "crawler status as root after the timer's pass" status_as_root alpha beta
check "the journal shows no SIGSYS" no_sigsys

echo
echo "system-test: $checks checks, $failures failed"
[ $failures -eq 0 ]
