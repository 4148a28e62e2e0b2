#!/bin/sh
# Init of the crawl boot: rounds of new items and `crawler once` passes until the host cuts the
# power. Every line goes to the serial console, which the host reads as it is written.
. /powercut/guest-common.sh
echo 0 > /run/powercut-round
start_farm
round=0
echo "powercut crawl cut=$cut"
while :; do
    echo "$round" > /run/powercut-round
    echo "powercut round=$round"
    # Never synced: if the cut is real, the verify boot finds an older round here, or none.
    echo "$round" > /powercut-canary
    # The log through a pipe to the console (not a terminal: no progress line), the summary away.
    { crawler once --config "$config" 2>&1 > /dev/null; echo "powercut once-exit=$?"; } | cat
    round=$((round + 1))
done
