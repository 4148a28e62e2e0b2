# Sourced by the guest's init scripts: PID 1 is a shell, so it mounts what the crawler needs itself.
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
config=/powercut/feeds.yaml
store=/var/lib/crawler/store
# powercut.cut=N powercut.rounds=R powercut.scenario=S on the kernel command line
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^powercut\.$1=//p"; }
cut=$(arg cut)
scenario=$(arg scenario)
start_farm() {  # start_farm [ARGS...]: the loopback feeds, waited for
    python3 /powercut/farm.py --cut "$cut" --scenario "${scenario:-once}" "$@" &
    for _ in $(seq 100); do
        python3 -c 'import socket; socket.create_connection(("127.0.0.1", 8080), 1)' 2>/dev/null && return
        sleep 0.1
    done
    echo "powercut farm did not start"
}
