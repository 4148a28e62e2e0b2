#!/usr/bin/env bash
# generate-docs.sh CRAWLER DIR: man pages (DIR/man/*.1) and shell completions (DIR/completions/)
# written from the commands' own help, so they say what the binary does. Used by install.sh and
# build-deb.sh. The pages carry the date of the last commit (today's outside a git checkout).
set -euo pipefail
crawler="$(realpath "$1")"
out="$2"
here="$(dirname "$0")"
date="$(git -C "$here" log -1 --format=%cs 2>/dev/null || date -u +%Y-%m-%d)"
rm -rf "$out/man" "$out/completions"
mkdir -p "$out/man" "$out/completions"
python3 "$here/generate-manuals.py" "$crawler" "$out/man" --date "$date"
# bash-completion sources the file: a #! line in it means nothing and Debian's lintian flags it.
"$crawler" --generate-completion-script bash | sed '1{/^#!/d}' > "$out/completions/crawler.bash"
"$crawler" --generate-completion-script zsh > "$out/completions/_crawler"
"$crawler" --generate-completion-script fish > "$out/completions/crawler.fish"
