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
# The first document file written in the new profile's place tells the host that the rerender's
# writing has begun (its start-up and planning take most of a short run): the host cuts within
# the writing and renaming from there.
case "$target" in hugo) new_place="$store/content" ;; *) new_place="$store/posts" ;; esac
touch /tmp/rerender-started
( until find "$new_place" -type f -newer /tmp/rerender-started 2>/dev/null | grep -q .; do sleep 0.05; done
  date +%s%N > /tmp/rerender-writing; echo "powercut rerender-writing" ) &
started=$(date +%s%N)
crawler store rerender --config "/powercut/rerender-$target.yaml" > /tmp/rerender 2>&1
status=$?
# Reaching the host, this line says the rerender was reported done before the cut.
ended=$(date +%s%N)
writing=$(cat /tmp/rerender-writing 2>/dev/null || echo "$ended")
echo "powercut rerender-exit=$status ms=$(((ended - started) / 1000000)) writing_ms=$(((ended - writing) / 1000000))"
tail -3 /tmp/rerender
sleep 3600
