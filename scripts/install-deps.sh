#!/usr/bin/env bash
# Installs the Debian packages the crawler builds against (and python3 for the demo server,
# postgresql for the fleet tests, which start a throwaway cluster of their own, chromium for the
# test that opens stored documents in a browser, nodejs and node-marked for its Markdown pass as
# Hexo renders it, systemd and strace for the tests of the shipped
# units, nginx-light and openssl for the HTTPS tests, which start nginx with a CA they make, hugo
# and jekyll (with jekyll-feed) for the tests that build sites from stored documents, dpkg-dev for `make deb`).
# Installs only what is missing, so it is quick on a machine that already has them.
set -euo pipefail
packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev libpq-dev libgumbo-dev libuchardet-dev zlib1g-dev libzstd-dev chromium nodejs node-marked postgresql nginx-light openssl pkg-config python3 systemd strace hugo jekyll ruby-jekyll-feed dpkg-dev faketime)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update
$sudo apt-get install -y "${missing[@]}"
