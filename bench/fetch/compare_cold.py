"""Cold passes of two builds (or more), in turn: each round a new store on tmpfs, `crawler once`
under /usr/bin/time (wall time, peak memory), then one 304 pass, over farm.py's 1,000 feeds served
by nginx on 127.0.0.1.

    python3 bench/fetch/compare_cold.py ROUNDS OLD_CRAWLER NEW_CRAWLER
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_304 import config, started_farm  # noqa: E402


def main():
    rounds, builds = int(sys.argv[1]), [os.path.abspath(build) for build in sys.argv[2:]]
    farm = started_farm()
    try:
        folder = "/dev/shm/crawler-compare-cold"
        os.makedirs(folder, exist_ok=True)
        with open(folder + "/feeds.yaml", "w") as file:
            file.write(config(farm))
        results = {build: {"cold": [], "peak": [], "304": []} for build in builds}
        for _ in range(rounds):
            for build in builds:
                shutil.rmtree(folder + "/store", ignore_errors=True)
                started = time.time()
                run = subprocess.run(["/usr/bin/time", "-f", "%M", build, "once"], cwd=folder, capture_output=True, text=True)
                results[build]["cold"].append(time.time() - started)
                results[build]["peak"].append(int(run.stderr.strip().split("\n")[-1]) / 1024)
                started = time.time()
                subprocess.run([build, "once"], cwd=folder, capture_output=True)
                results[build]["304"].append(time.time() - started)
        for build in builds:
            cold = results[build]["cold"]
            print(build, "cold", [round(x, 2) for x in cold], "median", round(statistics.median(cold), 2),
                  "peak MB", [round(x) for x in results[build]["peak"]], "304", [round(x, 3) for x in results[build]["304"]])
    finally:
        farm.stop()


if __name__ == "__main__":
    main()
