#!/usr/bin/env python3
"""Fetch benchmark: `crawler once` against newsboat and curl over a loopback nginx feed farm.

Usage: bench/fetch/bench.py [--sizes 100,1000,5000] [--runs 3] [--runs-large 1] [--faults 1000]
Prints a Markdown table and writes the raw numbers to bench/fetch/results/latest.json.
Everything runs on 127.0.0.1, in a temporary folder removed at the end."""
import argparse
import datetime
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from farm import FIXED_HTTP_DATE, Farm, cleanup

HERE = os.path.dirname(os.path.abspath(__file__))
CRAWLER = os.path.join(HERE, "..", "..", ".build", "release", "crawler")
THREADS = 32
TIMEOUT, LOW_SPEED_TIME = 15, 5


def timed(command, workdir, env=None):
    """Runs `command` under /usr/bin/time -v; returns wall s, CPU s, peak RSS MB, exit code, stderr."""
    report = os.path.join(workdir, "time.txt")
    started = time.time()
    run = subprocess.run(["/usr/bin/time", "-v", "-o", report] + command, cwd=workdir, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.time() - started
    fields = dict(line.strip().rsplit(": ", 1) for line in open(report) if ": " in line)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    rss = int(fields["Maximum resident set size (kbytes)"]) / 1024
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "exit": run.returncode, "started": started,
            "stderr": run.stderr}


def crawler_config(path, store, urls):
    lines = [f"store: {store}", f"concurrency: {THREADS}", f"per_host_concurrency: {THREADS}", "host_gap: 0",
             f"timeout: {TIMEOUT}s", "connect_timeout: 5s", f"low_speed_time: {LOW_SPEED_TIME}s", "feeds:"]
    for index, url in enumerate(urls):
        lines += [f"  - url: {url}", f"    name: f{index:05d}"]
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def run_crawler(work, urls, store_root):
    store = os.path.join(store_root, "store")
    config = os.path.join(work, "feeds.yaml")
    crawler_config(config, store, urls)
    command = [CRAWLER, "once", "--config", config, "--log-level", "debug"]
    cold, warm = timed(command, work), timed(command, work)
    docs = sum(len(files) for _, _, files in os.walk(os.path.join(store, "posts")))
    cold.update(ok=cold["stderr"].count("status=200"), docs=docs)
    warm.update(ok=warm["stderr"].count("status=304"))
    subprocess.run(["rm", "-rf", store])
    return cold, warm


def run_newsboat(work, urls):
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(work, "urls"), "w") as out:
        out.write("\n".join(urls) + "\n")
    with open(os.path.join(work, "config"), "w") as out:
        out.write(f"reload-threads {THREADS}\ndownload-timeout {TIMEOUT}\n")
    cache = os.path.join(work, "cache.db")
    env = dict(os.environ, HOME=home)
    command = ["newsboat", "-x", "reload", "-u", "urls", "-c", cache, "-C", "config"]
    cold = timed(command, work, env)
    with sqlite3.connect(cache) as db:
        cold["docs"] = db.execute("select count(*) from rss_item").fetchone()[0]
    warm = timed(command, work, env)
    os.remove(cache)
    return cold, warm


def run_curl(work, urls):
    listing = os.path.join(work, "curl.cfg")
    with open(listing, "w") as out:
        for url in urls:
            out.write(f'url = "{url}"\noutput = "/dev/null"\n')
    base = ["curl", "--parallel", "--parallel-max", str(THREADS), "--compressed", "-s", "-w", "%{http_code}\\n",
            "-K", listing]
    results = []
    for extra in ([], ["-H", f"If-Modified-Since: {FIXED_HTTP_DATE}"]):
        out = os.path.join(work, "codes.txt")
        result = timed(["sh", "-c", " ".join(f"'{part}'" for part in base + extra) + f" > {out}"], work)
        result["ok"] = sum(1 for line in open(out) if line.strip() in ("200", "304"))
        results.append(result)
    return results


def one_round(farm, count, scratch):
    urls = [farm.url(index) for index in range(count)]
    row = {}
    work = tempfile.mkdtemp(dir=scratch)
    row["crawler"] = run_crawler(work, urls, work)
    row["crawler_tmpfs"] = run_crawler(work, urls, tempfile.mkdtemp(dir="/dev/shm"))
    row["newsboat"] = run_newsboat(work, urls)
    row["curl"] = run_curl(work, urls)
    for runs in row.values():
        for run in runs:
            run.pop("stderr", None)
    return row


def median(rows, tool, phase, key):
    return statistics.median(row[tool][phase][key] for row in rows)


def summarize(count, rows):
    lines = []
    for phase, name in ((0, "cold (200)"), (1, "second (304)")):
        tools = {tool: {key: median(rows, tool, phase, key) for key in ("wall", "cpu", "rss_mb")}
                 for tool in ("crawler", "crawler_tmpfs", "newsboat", "curl")}
        rates = {tool: count / values["wall"] for tool, values in tools.items()}
        for tool in ("crawler", "crawler_tmpfs", "newsboat", "curl"):
            values = tools[tool]
            lines.append(f"| {count} | {name} | {tool} | {rates[tool]:.0f} | {values['cpu']:.2f} | "
                         f"{values['rss_mb']:.0f} | {rates[tool] / rates['newsboat']:.1f}× | "
                         f"{rates[tool] / rates['curl']:.2f}× | {values['rss_mb'] / tools['newsboat']['rss_mb']:.2f}× |")
    return lines


def faults(farm, count, scratch):
    """Healthy feeds mixed with slow (2 B/s), 503, 404, 410 and 301 feeds: when does the last healthy one land?"""
    kinds = ["slow", "err", "missing", "gone", "moved"]
    urls, healthy = [], set()
    for index in range(count):
        kind = kinds[index % 20] if index % 20 < len(kinds) else "feeds"
        urls.append(farm.url(index, kind))
        if kind == "feeds":
            healthy.add(f"f{index:05d}")
    work = tempfile.mkdtemp(dir=scratch)
    store = os.path.join(work, "store")
    config = os.path.join(work, "feeds.yaml")
    crawler_config(config, store, urls)
    run = timed([CRAWLER, "once", "--config", config], work)
    last = 0.0
    landed = 0
    for line in run["stderr"].splitlines():
        feed = re.search(r" feed=(\S+)", line)
        stamp = re.match(r"ts=(\S+)", line)
        if "event=fetch" in line and feed and stamp and feed.group(1) in healthy and "status=200" in line:
            landed += 1
            when = datetime.datetime.strptime(stamp.group(1), "%Y-%m-%dT%H:%M:%S.%fZ")
            last = max(last, when.replace(tzinfo=datetime.timezone.utc).timestamp() - run["started"])
    return {"feeds": count, "healthy": len(healthy), "healthy_landed": landed, "last_healthy_s": last,
            "wall": run["wall"], "exit": run["exit"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=3, help="runs at the largest size")
    parser.add_argument("--faults", type=int, default=1000)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    scratch = tempfile.mkdtemp(prefix="crawler-fetch-bench-")
    farm = Farm(scratch, max(sizes + [args.faults]))
    results = {"sizes": {}, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    try:
        results["median_feed_bytes"] = farm.generate()
        farm.start()
        table = []
        for count in sizes:
            runs = args.runs_large if count == max(sizes) else args.runs
            rows = [one_round(farm, count, scratch) for _ in range(runs)]
            results["sizes"][count] = rows
            table += summarize(count, rows)
            print("\n".join(table[-8:]), flush=True)
        if args.faults:
            results["faults"] = faults(farm, args.faults, scratch)
            print(json.dumps(results["faults"]), flush=True)
    finally:
        farm.stop()
        cleanup(scratch)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as out:
        json.dump(results, out, indent=1)
    print("| N | pass | tool | feeds/s | CPU s | peak MB | rate vs newsboat | rate vs curl | memory vs newsboat |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(table))


if __name__ == "__main__":
    sys.exit(main())
