#!/usr/bin/env python3
"""Parse throughput of `crawler parse` against xmllint --stream, feedparser and fastfeedparser.

    run.py CRAWLER_BINARY CORPUS_DIR [--runs 5]

Every tool reads the same files. Each number is the median of --runs runs per file, summed
over the corpus, in CPU seconds (user + system), so that other work on a shared machine does
not skew the ratios. crawler and the Python parsers are timed inside their process, parsing
bytes already in memory (`crawler parse FILE --bench N` times the real FeedParser.parse);
xmllint is timed as a whole process (its rusage), which includes reading the file and starting
up: about a millisecond per file, which makes xmllint look slightly slower than it is.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def median_time(function, runs):
    times = []
    for _ in range(runs):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def crawler(binary, path, runs):
    output = subprocess.run([binary, "parse", path, "--bench", str(runs)], check=True,
                            capture_output=True, text=True).stdout
    result = json.loads(output)
    return result["median_cpu_seconds"], result["items"]


def xmllint(path, runs):
    times = []
    for _ in range(runs):
        process = subprocess.Popen(["xmllint", "--stream", "--noout", path])
        _, status, usage = os.wait4(process.pid, 0)
        assert status == 0, f"xmllint failed on {path}"
        times.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(times), None


def python_parser(parse, count, path, runs):
    with open(path, "rb") as handle:
        data = handle.read()
    items = count(parse(data))
    return median_time(lambda: parse(data), runs), items


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    import feedparser
    import fastfeedparser
    tools = {
        "crawler": lambda path: crawler(binary, path, runs),
        "xmllint --stream": lambda path: xmllint(path, runs),
        "feedparser": lambda path: python_parser(feedparser.parse, lambda f: len(f.entries), path, runs),
        "fastfeedparser": lambda path: python_parser(fastfeedparser.parse, lambda f: len(f["entries"]), path, runs),
    }
    files = sorted(os.path.join(corpus, name) for name in os.listdir(corpus))
    total_bytes = sum(os.path.getsize(path) for path in files)
    results = {}
    per_file = {}
    for name, measure in tools.items():
        seconds, items = 0.0, 0
        for path in files:
            elapsed, count = measure(path)
            per_file[(name, path)] = elapsed
            seconds += elapsed
            items += count or 0
        results[name] = (seconds, items)
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
