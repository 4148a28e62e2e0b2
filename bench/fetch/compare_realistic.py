"""Cold passes of two builds (or more), in turn, over the realistic farm of ../shared/bench/gen_feeds.py
served by nginx on 127.0.0.1: each run `crawler once` into a new store under /usr/bin/time (wall,
user and system CPU, peak memory), then the documents it stored are counted.

    python3 bench/fetch/compare_realistic.py FARM_DIR COUNT ROUNDS OLD_CRAWLER NEW_CRAWLER [--tmpfs]

The stores go on disk (under /tmp) unless --tmpfs, and none is deleted before the last run: on this
VM's ext4 the inodes of files deleted minutes earlier are stepped over one by one (see "The disk,
rested" in bench/README.md), which would charge one build for the other's cleanup."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_304 import config  # noqa: E402
from realistic import RealisticFarm  # noqa: E402


def main():
    arguments = [argument for argument in sys.argv[1:] if argument != "--tmpfs"]
    data, count, rounds = arguments[0], int(arguments[1]), int(arguments[2])
    builds = [os.path.abspath(build) for build in arguments[3:]]
    root = ("/dev/shm" if "--tmpfs" in sys.argv else "/tmp") + "/crawler-compare-realistic"
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root + "/nginx", exist_ok=True)
    farm = RealisticFarm(root + "/nginx", count, data)
    farm.generate()
    farm.start()
    try:
        for round_index in range(rounds):
            for build_index, build in enumerate(builds):
                folder = f"{root}/round{round_index}-build{build_index}"
                os.makedirs(folder)
                with open(folder + "/feeds.yaml", "w") as file:
                    file.write(config(farm, count))
                run = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", build, "once"], cwd=folder,
                                     capture_output=True, text=True)
                wall, user, system, peak = run.stderr.strip().split("\n")[-1].split()
                documents = sum(len(files) for _, _, files in os.walk(folder + "/store/posts"))
                print(f"round {round_index + 1} {build}: wall {wall} s, CPU {float(user) + float(system):.1f} s "
                      f"(user {user}, system {system}), peak {int(peak) // 1024} MB, {documents} documents", flush=True)
    finally:
        farm.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
