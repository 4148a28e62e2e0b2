#!/usr/bin/env python3
"""Where a cold pass over the realistic farm spends its CPU outside the store, and the two
ceilings of that pass on this machine.

Usage: bench/fetch/farm_profile.py FARM_DIR [--count 1000] [--runs 3] [--files 45000 --disk DIR]
       [--crawler PATH ...]

1. Parse and convert: every feed of the farm's first COUNT, read from disk by `crawler parse FILE
   --bench RUNS --render` (release build): the parser's and the conversion's CPU seconds, medians
   of RUNS, summed by dialect and by encoding (from the farm's manifest.tsv). The sum over two
   cores is the fastest a cold pass could parse and convert the farm here. Given several
   `--crawler` builds (a previous one first), each feed is read by each build in turn and the
   totals are compared, so both meet the machine in the same minutes.
2. File creation: FILES unnamed files (O_TMPFILE, then linkat) of the farm's mean document size,
   written into one folder under DIR, a syncfs every 2,000, as the store writes a batch:
   the fastest the disk takes the documents, before any index."""
import argparse
import ctypes
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRAWLER = os.path.join(HERE, "..", "..", ".build", "release", "crawler")


def parse_and_convert(farm, count, runs, crawlers=(CRAWLER,)):
    with open(os.path.join(farm, "manifest.tsv")) as rows:
        feeds = list(csv.DictReader(rows, delimiter="\t"))[:count]
    groups = {}
    total = {"feeds": 0, "bytes": 0, "items": 0, "parse": 0.0, "render": 0.0}
    builds = {crawler: {"parse": 0.0, "render": 0.0} for crawler in crawlers}
    for row in feeds:
        path = os.path.join(farm, "feeds", row["file"])
        for crawler in crawlers:
            out = subprocess.run([crawler, "parse", path, "--bench", str(runs), "--render"], capture_output=True,
                                 text=True)
            result = json.loads(out.stdout) if out.returncode == 0 else {"items": 0, "median_cpu_seconds": 0.0}
            builds[crawler]["parse"] += result["median_cpu_seconds"]
            builds[crawler]["render"] += result.get("render_median_cpu_seconds", 0.0)
        sample = {"feeds": 1, "bytes": int(row["bytes"]), "items": max(result["items"], 0),
                  "parse": result["median_cpu_seconds"], "render": result.get("render_median_cpu_seconds", 0.0)}
        malformed = "malformed" if row["malformed"] != "0" else "well-formed"
        for key in (f"dialect {row['format']}", f"encoding {row['encoding']}", malformed):
            group = groups.setdefault(key, dict.fromkeys(total, 0))
            for field, value in sample.items():
                group[field] += value
        for field, value in sample.items():
            total[field] += value
    return total, groups, builds


def file_creation(folder, files, size):
    body = os.urandom(size)
    os.makedirs(folder, exist_ok=True)
    # A directory fd makes os.link call linkat (with AT_SYMLINK_FOLLOW); plain link() would link
    # the /proc symlink itself.
    directory = os.open(folder, os.O_DIRECTORY)
    syncfs = ctypes.CDLL(None, use_errno=True).syncfs
    started, syncing = time.perf_counter(), 0.0
    for index in range(files):
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o644)
        os.write(fd, body)
        os.link(f"/proc/self/fd/{fd}", f"{index:07d}.md", dst_dir_fd=directory, follow_symlinks=True)
        os.close(fd)
        if index % 2000 == 1999 or index == files - 1:
            before = time.perf_counter()
            syncfs(directory)
            syncing += time.perf_counter() - before
    os.close(directory)
    return time.perf_counter() - started, syncing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("farm")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=0, help="documents for the file creation ceiling (0: skip)")
    parser.add_argument("--size", type=int, default=2500, help="bytes per document for the file creation ceiling")
    parser.add_argument("--disk", default=tempfile.gettempdir(), help="a folder on the disk the store would use")
    parser.add_argument("--skip-parse", action="store_true")
    parser.add_argument("--crawler", action="append", help="a crawler binary (repeat to compare builds; "
                        "the groups are the last one's)")
    args = parser.parse_args()
    if not args.skip_parse:
        total, groups, builds = parse_and_convert(args.farm, args.count, args.runs, args.crawler or [CRAWLER])
        print("| group | feeds | MB | items | parse CPU s | convert CPU s | parse MB/s | µs per item converted |")
        print("|---|---|---|---|---|---|---|---|")
        for name, group in sorted(groups.items()) + [("all", total)]:
            print(f"| {name} | {group['feeds']} | {group['bytes'] / 1e6:.1f} | {group['items']} | "
                  f"{group['parse']:.2f} | {group['render']:.2f} | "
                  f"{group['bytes'] / 1e6 / max(group['parse'], 1e-9):.0f} | "
                  f"{group['render'] * 1e6 / max(group['items'], 1):.0f} |")
        both = total["parse"] + total["render"]
        print(f"parse + convert: {both:.2f} CPU s; on two cores at best {both / 2:.2f} s = "
              f"{args.count / (both / 2):.0f} feeds/s")
        if len(builds) > 1:
            first = next(iter(builds.values()))
            for crawler, build in builds.items():
                print(f"{crawler}: parse {build['parse']:.2f} CPU s ({build['parse'] / first['parse']:.2f}×), "
                      f"convert {build['render']:.2f} CPU s ({build['render'] / first['render']:.2f}×)")
    if args.files:
        folder = tempfile.mkdtemp(dir=args.disk, prefix="crawler-file-ceiling-")
        seconds, syncing = file_creation(os.path.join(folder, "posts"), args.files, args.size)
        subprocess.run(["rm", "-rf", folder])
        print(f"file creation: {args.files} files of {args.size} B in {seconds:.2f} s = "
              f"{args.files / seconds:.0f} files/s (O_TMPFILE + linkat, syncfs every 2,000: {syncing:.2f} s of it)")


if __name__ == "__main__":
    sys.exit(main())
