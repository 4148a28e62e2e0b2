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
from realistic import LATER_HTTP_DATE, RealisticFarm

HERE = os.path.dirname(os.path.abspath(__file__))
CRAWLER = os.path.join(HERE, "..", "..", ".build", "release", "crawler")
ENGINE = os.path.join(HERE, "..", "..", ".build", "release", "fetch-bench")
THREADS = 32
TOOLS = ("crawler", "crawler_tmpfs", "engine", "newsboat", "curl")
TIMEOUT, LOW_SPEED_TIME = 15, 5
# A 304 pass lasts 40-100 ms, within this VM's noise: after the first one (the table's "second
# (304)" row), each tool but newsboat makes this many more, all 304s, for a median of its own.
REPEATS_304 = 5
# The If-Modified-Since date curl and the engine send on their 304 passes (the realistic farm has no single mtime).
IMS_DATE = FIXED_HTTP_DATE
NEWSBOAT_COLD_ONLY_AT = []


def summary_statuses(stdout):
    """The HTTP status of each feed line in `crawler once`'s summary."""
    return [line.split()[2] for line in stdout.splitlines() if line.startswith("ok ") and len(line.split()) > 2]


def timed(command, workdir, env=None, keep_stdout=False):
    """Runs `command` under /usr/bin/time -v; returns wall s, CPU s, peak RSS MB, exit code, stderr."""
    report = os.path.join(workdir, "time.txt")
    started = time.time()
    print(f"  {time.strftime('%H:%M:%S')} {os.path.basename(command[0])} {' '.join(command[1:3])}", file=sys.stderr, flush=True)
    run = subprocess.run(["/usr/bin/time", "-v", "-o", report] + command, cwd=workdir, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.time() - started
    fields = dict(line.strip().rsplit(": ", 1) for line in open(report) if ": " in line)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    rss = int(fields["Maximum resident set size (kbytes)"]) / 1024
    return {"wall": wall, "cpu": cpu, "rss_mb": rss, "exit": run.returncode, "started": started,
            "stderr": run.stderr, "stdout": run.stdout if keep_stdout else run.stdout[-2000:]}


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
    # The default log level, as operators run it; statuses are counted from the summary `once`
    # prints on stdout ("ok    f00001  304  ..."), not from per-feed debug lines.
    command = [CRAWLER, "once", "--config", config]
    cold, warm = timed(command, work, keep_stdout=True), timed(command, work, keep_stdout=True)
    docs = sum(len(files) for _, _, files in os.walk(os.path.join(store, "posts")))
    cold.update(ok=summary_statuses(cold["stdout"]).count("200"), docs=docs)
    warm.update(ok=summary_statuses(warm["stdout"]).count("304"))
    repeat_304s(warm, lambda: timed(command, work, keep_stdout=True),
                lambda run: summary_statuses(run["stdout"]).count("304"))
    if store_root.startswith("/dev/shm"):
        subprocess.run(["rm", "-rf", store])
    # A store on disk stays until the whole bench is done: this machine's ext4 has no journal, and
    # there a file created soon after tens of thousands were deleted (the last round's store)
    # makes the kernel step over each recently freed inode: up to 3 s more kernel time in the next cold pass.
    return cold, warm


def run_newsboat(work, urls, cold_only=False):
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
    warm = None if cold_only else timed(command, work, env)
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
    out = os.path.join(work, "codes.txt")

    def run(extra):
        return timed(["sh", "-c", " ".join(f"'{part}'" for part in base + extra) + f" > {out}"], work)

    def ok(codes=("200", "304")):
        return sum(1 for line in open(out) if line.strip() in codes)
    conditional = ["-H", f"If-Modified-Since: {IMS_DATE}"]
    for extra in ([], conditional):
        result = run(extra)
        result["ok"] = ok()
        results.append(result)
    repeat_304s(results[1], lambda: run(conditional), lambda _: ok(("304",)))
    return results


def run_engine(work, urls):
    """The fetch engine alone (no parse, no store), with the same concurrency as `crawler once`."""
    listing = os.path.join(work, "urls.txt")
    with open(listing, "w") as out:
        out.write("\n".join(urls) + "\n")
    results = []

    def ok(run, codes=("200", "304")):
        return sum(int(n) for code, n in re.findall(r" (\d{3})=(\d+)", run["stdout"]) if code in codes)
    conditional = ["--if-modified-since", IMS_DATE]
    for extra in ([], conditional):
        result = timed([ENGINE, listing] + extra, work)
        result["ok"] = ok(result)
        results.append(result)
    repeat_304s(results[1], lambda: timed([ENGINE, listing] + conditional, work), lambda run: ok(run, ("304",)))
    return results


def repeat_304s(first, run, count_304s):
    """Adds REPEATS_304 more 304 passes to `first`: their wall seconds, and the fewest 304s any of them saw."""
    walls, counts = [], []
    for _ in range(REPEATS_304):
        result = run()
        walls.append(result["wall"])
        counts.append(count_304s(result))
    first["repeats_wall"], first["repeats_min_304s"] = walls, min(counts)


def one_round(farm, count, scratch, tools):
    urls = [farm.url(index) for index in range(count)]
    row = {}
    work = tempfile.mkdtemp(dir=scratch)
    if "crawler" in tools:
        row["crawler"] = run_crawler(work, urls, work)
    if "crawler_tmpfs" in tools:
        shm = tempfile.mkdtemp(dir="/dev/shm", prefix="crawler-fetch-bench-")
        row["crawler_tmpfs"] = run_crawler(work, urls, shm)
        os.rmdir(shm)
    if "newsboat" in tools:
        row["newsboat"] = run_newsboat(work, urls, count in NEWSBOAT_COLD_ONLY_AT)
    row["curl"] = run_curl(work, urls)
    row["engine"] = run_engine(work, urls)
    for runs in row.values():
        for run in filter(None, runs):
            run.pop("stderr", None)
            run.pop("stdout", None)
    return row


def median(rows, tool, phase, key):
    return statistics.median(row[tool][phase][key] for row in rows)


def summarize(count, rows):
    lines = []
    present = [tool for tool in TOOLS if tool in rows[0]]
    for phase, name in ((0, "cold (200)"), (1, "second (304)")):
        tools = {tool: {key: median(rows, tool, phase, key) for key in ("wall", "cpu", "rss_mb")}
                 for tool in present if rows[0][tool][phase] is not None}
        rates = {tool: count / values["wall"] for tool, values in tools.items()}
        boat = tools.get("newsboat")
        for tool in tools:
            values = tools[tool]
            versus = f"{rates[tool] / (count / boat['wall']):.1f}×" if boat else "n/a"
            memory = f"{values['rss_mb'] / boat['rss_mb']:.2f}×" if boat else "n/a"
            lines.append(f"| {count} | {name} | {tool} | {rates[tool]:.0f} | {values['cpu']:.2f} | "
                         f"{values['rss_mb']:.0f} | {versus} | {rates[tool] / rates['curl']:.2f}× | {memory} |")
    stored = {tool: [row[tool][0]["docs"] for row in rows] for tool in present if "docs" in rows[0][tool][0]}
    lines.append(f"<!-- N={count}, documents stored per cold pass: {stored} -->")
    repeated = {tool: statistics.median(statistics.median(row[tool][1]["repeats_wall"]) for row in rows)
                for tool in present if rows[0][tool][1] and "repeats_wall" in rows[0][tool][1]}
    for tool, wall in repeated.items():
        least = min(row[tool][1]["repeats_min_304s"] for row in rows)
        lines.append(f"| {count} | 304, median of {REPEATS_304} more ({least} 304s or more) | {tool} | "
                     f"{count / wall:.0f} | | | | {repeated['curl'] / wall:.2f}× | |")
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
    store = os.path.join(tempfile.mkdtemp(dir="/dev/shm", prefix="crawler-fetch-bench-"), "store")
    config = os.path.join(work, "feeds.yaml")
    crawler_config(config, store, urls)
    run = timed([CRAWLER, "once", "--config", config], work)
    subprocess.run(["rm", "-rf", os.path.dirname(store)])
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


def save(results):
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as out:
        json.dump(results, out, indent=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-large", type=int, default=3, help="runs at the largest size")
    parser.add_argument("--faults", type=int, default=1000)
    parser.add_argument("--realistic", metavar="DIR", help="use the realistic farm of ../shared/bench/gen_feeds.py "
                        "in DIR (generated there first unless it holds enough feeds) instead of farm.py's")
    parser.add_argument("--newsboat-cold-only-at", default="", help="sizes at which newsboat makes its cold pass "
                        "only (its 304 pass at 5,000 feeds takes half an hour); no 304 ratio against it then")
    parser.add_argument("--skip-slow-at", default="", help="sizes at which the fsync-bound crawler pass and "
                        "newsboat are left out, e.g. 5000")
    parser.add_argument("--skip-newsboat-at", default="", help="sizes at which only newsboat is left out "
                        "(its 304 pass at 5,000 feeds takes half an hour); no ratios against it then")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    args.skip_slow_at = [int(size) for size in args.skip_slow_at.split(",") if size]
    args.skip_newsboat_at = [int(size) for size in args.skip_newsboat_at.split(",") if size]
    global NEWSBOAT_COLD_ONLY_AT, IMS_DATE
    NEWSBOAT_COLD_ONLY_AT = [int(size) for size in args.newsboat_cold_only_at.split(",") if size]
    scratch = tempfile.mkdtemp(prefix="crawler-fetch-bench-")
    if args.realistic:
        if args.faults:
            parser.error("--faults needs farm.py's farm: pass --faults 0 with --realistic")
        farm, IMS_DATE = RealisticFarm(scratch, max(sizes), args.realistic), LATER_HTTP_DATE
    else:
        farm = Farm(scratch, max(sizes + [args.faults]))
    results = {"sizes": {}, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "farm": "realistic" if args.realistic else "uniform", "load": os.getloadavg()}
    try:
        results["median_feed_bytes"] = farm.generate()
        farm.start()
        table = []
        for count in sizes:
            runs = args.runs_large if count == max(sizes) else args.runs
            tools = TOOLS if count not in args.skip_slow_at else ("crawler_tmpfs", "engine", "curl")
            if count in args.skip_newsboat_at:
                tools = tuple(tool for tool in tools if tool != "newsboat")
            rows = [one_round(farm, count, scratch, tools) for _ in range(runs)]
            results["sizes"][count] = rows
            save(results)
            lines = summarize(count, rows)
            table += lines
            print("\n".join(lines), flush=True)
        if args.faults:
            results["faults"] = faults(farm, args.faults, scratch)
            print(json.dumps(results["faults"]), flush=True)
    finally:
        farm.stop()
        cleanup(scratch)
    save(results)
    print("| N | pass | tool | feeds/s | CPU s | peak MB | rate vs newsboat | rate vs curl | memory vs newsboat |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(table))


if __name__ == "__main__":
    sys.exit(main())
