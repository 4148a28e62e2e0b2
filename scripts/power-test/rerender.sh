#!/bin/sh
# Init of the rerender scenario's crawl boot: `crawler store rerender` from one output profile to
# the other (Hexo under posts/ <-> Hugo under content/: every document's text and path change)
# until the host cuts the power. The first boot crawls the store first. The documents as they
# stand before the rerender go to the console first: the host knows each one's old text.
. /powercut/guest-common.sh
target=$(arg target)
echo "powercut rerender cut=$cut target=$target"
if [ ! -e "$store/index.sqlite" ]; then
    start_farm
    { crawler once --config /powercut/rerender-hexo.yaml 2>&1 > /dev/null; echo "powercut crawl-exit=$?"; } | tail -2
    sync
fi
python3 /powercut/inspect.py "$store" start
echo "powercut rerender-start"
started=$(date +%s%N)
crawler store rerender --config "/powercut/rerender-$target.yaml" > /tmp/rerender 2>&1
status=$?
# Reaching the host, this line says the rerender was reported done before the cut.
echo "powercut rerender-exit=$status ms=$((($(date +%s%N) - started) / 1000000))"
tail -3 /tmp/rerender
sleep 3600
