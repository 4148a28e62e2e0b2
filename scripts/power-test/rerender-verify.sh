#!/bin/sh
# Init of the rerender scenario's boot after a cut: the store as the cut left it, `store verify`
# (read-only), recovery (`store rerender --dry-run` opens the store to write, which finishes the
# rewrites the cut interrupted), the store again, verify, the rerender run again to its end, verify,
# the store a last time, then a clean power-off.
. /powercut/guest-common.sh
target=$(arg target)
config="/powercut/rerender-$target.yaml"
echo "powercut rerender-verify cut=$cut target=$target"
step() {  # step NAME COMMAND...: runs a crawler command, its last lines and exit status to the console
    name=$1; shift
    "$@" > /tmp/step 2>&1
    status=$?; tail -3 /tmp/step; echo "powercut $name-exit=$status"
}
python3 /powercut/inspect.py "$store" before
step verify-before crawler store verify --config "$config"
step recover crawler store rerender --dry-run --config "$config"
python3 /powercut/inspect.py "$store" recovered
step verify-recovered crawler store verify --config "$config"
step rerun crawler store rerender --config "$config"
step verify-after crawler store verify --config "$config"
python3 /powercut/inspect.py "$store" after
sync
echo "powercut done"
echo o > /proc/sysrq-trigger
sleep 30
