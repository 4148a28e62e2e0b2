#!/usr/bin/env python3
"""Parse throughput of `crawler parse` against xmllint --stream, feedparser and fastfeedparser.

    run.py CRAWLER_BINARY CORPUS_DIR [--runs 5]

Every tool reads the same files, file by file, the tools taking turns run by run. Each number
is the median of --runs runs per file, summed over the corpus, in CPU seconds (user + system),
so that other work on a shared machine does not skew the ratios. crawler and the Python parsers
are timed inside their process, parsing bytes already in memory (`crawler parse FILE --bench N`
times the real FeedParser.parse);
xmllint is timed as a whole process (its rusage), which includes reading the file and starting
up: about a millisecond per file, which makes xmllint look slightly slower than it is.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def process_time(function):
    start = time.process_time()
    function()
    return time.process_time() - start


def crawler(binary, path):
    """One run, timed inside the process: the median of three parses, the first one on a cold
    heap (the Python parsers' runs all come after a first parse in their process)."""
    output = subprocess.run([binary, "parse", path, "--bench", "3"], check=True,
                            capture_output=True, text=True).stdout
    result = json.loads(output)
    return result["median_cpu_seconds"], result["items"]


def xmllint(path):
    process = subprocess.Popen(["xmllint", "--stream", "--noout", path])
    _, status, usage = os.wait4(process.pid, 0)
    assert status == 0, f"xmllint failed on {path}"
    return usage.ru_utime + usage.ru_stime, None


def python_parser(parse, count):
    loaded = {}

    def run(path):
        if path not in loaded:
            with open(path, "rb") as handle:
                data = handle.read()
            loaded[path] = (data, count(parse(data)))
        data, items = loaded[path]
        return process_time(lambda: parse(data)), items
    return run


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    import feedparser
    import fastfeedparser
    tools = {
        "crawler": lambda path: crawler(binary, path),
        "xmllint --stream": xmllint,
        "feedparser": python_parser(feedparser.parse, lambda f: len(f.entries)),
        "fastfeedparser": python_parser(fastfeedparser.parse, lambda f: len(f["entries"])),
    }
    files = sorted(os.path.join(corpus, name) for name in os.listdir(corpus))
    total_bytes = sum(os.path.getsize(path) for path in files)
    results = {name: (0.0, 0) for name in tools}
    per_file = {}
    # File by file, run by run, every tool in turn: the fast tools' runs of one file lie well
    # under a second apart, so a burst of other work on the machine (the second core is shared)
    # falls on all of them rather than on one tool's turn. feedparser, at a second a parse,
    # takes its turns after theirs.
    for path in files:
        times = {name: [] for name in tools}
        items = {}
        for order in (["crawler", "xmllint --stream", "fastfeedparser"], ["feedparser"]):
            for _ in range(runs):
                for name in order:
                    elapsed, items[name] = tools[name](path)
                    times[name].append(elapsed)
        for name in tools:
            per_file[(name, path)] = statistics.median(times[name])
            seconds, count = results[name]
            results[name] = (seconds + per_file[(name, path)], count + (items[name] or 0))
    ours = results["crawler"][0]
    print(f"corpus: {len(files)} files, {total_bytes / 1e6:.1f} MB, median of {runs} runs per file")
    print(f"{'tool':<18} {'CPU s':>8} {'MB/s':>8} {'items/s':>10} {'items':>7} {'crawler is':>12}")
    for name, (seconds, items) in results.items():
        items_per_second = f"{items / seconds:,.0f}" if items else "-"
        print(f"{name:<18} {seconds:8.3f} {total_bytes / 1e6 / seconds:8.1f} {items_per_second:>10} "
              f"{items or '-':>7} {seconds / ours:11.2f}x")
    print("per file, CPU s:")
    print(f"{'file':<14}" + "".join(f"{name:>18}" for name in tools))
    for path in files:
        print(f"{os.path.basename(path):<14}" + "".join(f"{per_file[(name, path)]:18.4f}" for name in tools))


if __name__ == "__main__":
    main()
