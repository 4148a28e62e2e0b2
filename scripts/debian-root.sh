# Sourced by system-test.sh and power-test.sh: the cached Debian bookworm root both start from.
# debian_root DIR PACKAGES: debootstraps DIR once with PACKAGES (from DEBIAN_MIRROR); a root made
# with the same packages is reused as it is.
debian_root() {
    local dir="$1" packages="$2"
    local mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}" log="$(dirname "$1")/debootstrap.log"
    if [ "$(cat "$dir/.system-test-packages" 2>/dev/null)" = "$packages" ]; then return; fi
    echo "== debootstrap bookworm into $dir (once; from $mirror)"
    rm -rf "$dir" "$dir.partial"
    mkdir -p "$(dirname "$dir")"
    if ! debootstrap --variant=minbase --include="$packages" bookworm "$dir.partial" "$mirror" > "$log" 2>&1; then
        tail -20 "$log"
        exit 2
    fi
    echo "$packages" > "$dir.partial/.system-test-packages"
    mv "$dir.partial" "$dir"
}

# What a server running the crawler has: the libraries it links, procps for the /bin/kill of
# ExecReload= (minbase has no kill), python3 for the loopback feed server.
debian_root_packages="systemd,systemd-sysv,dbus,ca-certificates,libcurl4,libxml2,libsqlite3-0,libpq5,libgumbo1,libuchardet0,procps,python3"
