#!/bin/sh
# Init of the boot after a cut: the store as the cut left it, `crawler store verify`, a final
# pass serving every item of the cut's rounds, the store again, then a clean power-off.
. /powercut/guest-common.sh
rounds=$(arg rounds)
echo "powercut verify cut=$cut rounds=$rounds"
echo "powercut canary=$(cat /powercut-canary 2>/dev/null || echo none)"
rm -f /powercut-canary
python3 /powercut/inspect.py "$store" before
crawler store verify --config "$config" > /tmp/verify 2>&1
status=$?; tail -5 /tmp/verify; echo "powercut verify-before-exit=$status"
start_farm --rounds "$rounds"
{ crawler once --config "$config" 2>&1 > /dev/null; echo "powercut final-once-exit=$?"; } | tail -3
crawler store verify --config "$config" > /tmp/verify 2>&1
status=$?; tail -5 /tmp/verify; echo "powercut verify-after-exit=$status"
python3 /powercut/inspect.py "$store" after
sync
echo "powercut done"
echo o > /proc/sysrq-trigger
sleep 30
