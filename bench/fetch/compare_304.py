"""304 passes of two builds (or more), each on its own copy of one store, in turn: the median of
ROUNDS passes over farm.py's 1,000 feeds served by nginx on 127.0.0.1, stores on tmpfs.

    python3 bench/fetch/compare_304.py ROUNDS OLD_CRAWLER NEW_CRAWLER
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from farm import Farm  # noqa: E402

FEEDS = 1000


def config(farm, count=FEEDS):
    lines = ["store: ./store", "concurrency: 32", "host_gap: 0s", "per_host_concurrency: 32",
             "allow_private_networks: true", 'user_agent: "bench/1.0 (+http://127.0.0.1/)"', "feeds:"]
    for index in range(count):
        lines += [f"  - url: {farm.url(index)}", f"    name: f{index}"]
    return "\n".join(lines) + "\n"


def started_farm():
    """farm.py's 1,000 feeds, generated into $FARM (or /tmp/crawler-bench-farm) and served."""
    farm = Farm(os.environ.get("FARM", "/tmp/crawler-bench-farm"), FEEDS)
    farm.generate()
    farm.start()
    return farm


def main():
    rounds, builds = int(sys.argv[1]), [os.path.abspath(build) for build in sys.argv[2:]]
    farm = started_farm()
    try:
        base = "/dev/shm/crawler-compare-304"
        shutil.rmtree(base, ignore_errors=True)
        for number, build in enumerate(builds):
            folder = f"{base}/{number}"
            os.makedirs(folder)
            with open(folder + "/feeds.yaml", "w") as file:
                file.write(config(farm))
            for _ in range(2):  # the cold pass, then a first 304 pass
                subprocess.run([build, "once"], cwd=folder, capture_output=True)
        times = {build: [] for build in builds}
        for _ in range(rounds):
            for number, build in enumerate(builds):
                started = time.time()
                subprocess.run([build, "once"], cwd=f"{base}/{number}", capture_output=True)
                times[build].append(time.time() - started)
        for build in builds:
            print(build, "304 median", round(statistics.median(times[build]), 3), "min", round(min(times[build]), 3))
    finally:
        farm.stop()


if __name__ == "__main__":
    main()
