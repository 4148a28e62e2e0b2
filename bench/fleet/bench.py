#!/usr/bin/env python3
"""Fleet benchmark: `crawler once` on 1, 2 and 3 nodes at the same time, sharing one PostgreSQL,
over the loopback nginx farm of bench/fetch (N feeds spread over H host names `hK.localhost`,
which libcurl resolves to 127.0.0.1). Reports, per node count (median of --runs): feeds/s,
crawler CPU ms per feed (all nodes), PostgreSQL CPU ms per feed (server processes), database
round trips per feed, peak RSS of one node, and documents stored (must equal distinct items).

    python3 bench/fleet/bench.py --feeds 1000 --hosts 50 --runs 3

Needs nginx and postgresql (Debian packages) and a release build (`make build`)."""
import argparse
import glob
import os
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fetch"))
from farm import Farm, free_port, ITEMS_PER_FEED  # noqa: E402

CRAWLER = os.path.join(HERE, "..", "..", ".build", "release", "crawler")
TICK = os.sysconf("SC_CLK_TCK")


class Cluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1, owned by the postgres user."""

    def __init__(self, root):
        self.root = root
        self.data = os.path.join(root, "pgdata")
        self.port = free_port()
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self):
        os.makedirs(self.root, exist_ok=True)
        if os.geteuid() == 0:
            os.chown(self.root, pwd.getpwnam("postgres").pw_uid, -1)
        subprocess.run(self.as_postgres + [f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                                           "-E", "UTF8", "--no-locale"], check=True, stdout=subprocess.DEVNULL,
                       cwd="/tmp")
        subprocess.run(self.as_postgres + [f"{self.bin}/pg_ctl", "-D", self.data, "-l", f"{self.root}/pg.log", "-w",
                                           "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root}", "start"],
                       check=True, stdout=subprocess.DEVNULL, cwd="/tmp")

    def stop(self):
        subprocess.run(self.as_postgres + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, cwd="/tmp")

    def url(self, name):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement, database="postgres"):
        return subprocess.run(["psql", "-At", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-d", database, "-c", statement], check=True, capture_output=True, text=True).stdout

    def cpu_seconds(self):
        """CPU of the postmaster, its reaped children (closed backends) and its live children."""
        pid = int(open(os.path.join(self.data, "postmaster.pid")).readline())
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent, utime, stime, cutime, cstime = int(fields[1]), *map(int, fields[11:15])
            if int(entry) == pid:
                total += utime + stime + cutime + cstime
            elif parent == pid:
                total += utime + stime
        return total / TICK


def config(path, database, urls):
    lines = [f"store: {os.path.dirname(path)}/store", f"database: {database}", "concurrency: 32",
             "per_host_concurrency: 8", "host_gap: 0", "timeout: 15s", "lease: 60s",
             # hK.localhost is loopback reached by name: refused unless allowed.
             "allow_private_networks: true", "feeds:"]
    for index, url in enumerate(urls):
        lines += [f"  - url: {url}", f"    name: f{index}"]
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


def one_run(cluster, work, urls, nodes, run):
    """A cold pass (every feed 200, every item new), then a warm one (every feed due again: 304s)."""
    name = f"fleet_{nodes}_{run}"
    cluster.sql(f"DROP DATABASE IF EXISTS {name}")
    cluster.sql(f"CREATE DATABASE {name}")
    path = os.path.join(work, "feeds.yaml")
    config(path, cluster.url(name), urls)
    subprocess.run([CRAWLER, "feeds", "sync", "-c", path], check=True, stdout=subprocess.DEVNULL)
    cold = one_pass(cluster, work, path, name, urls, nodes)
    cluster.sql("UPDATE feed_state SET next_due = now()", name)
    warm = one_pass(cluster, work, path, name, urls, nodes)
    return cold, warm


def one_pass(cluster, work, path, name, urls, nodes):
    db_before = cluster.cpu_seconds()
    started = time.monotonic()
    children = []
    for number in range(nodes):
        log = open(os.path.join(work, f"node{number}.log"), "w")
        children.append((subprocess.Popen([CRAWLER, "once", "-c", path, "--node", f"n{number}"],
                                          stdout=subprocess.DEVNULL, stderr=log), log))
    cpu, peak, trips = 0.0, 0, 0
    for child, log in children:
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        log.close()
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss)
    wall = time.monotonic() - started
    db_cpu = cluster.cpu_seconds() - db_before
    for number in range(nodes):
        text = open(os.path.join(work, f"node{number}.log")).read()
        trips += sum(int(m) for m in re.findall(r"event=node_done .*round_trips=(\d+)", text))
    documents = int(cluster.sql("SELECT count(*) FROM documents", name))
    fetched = int(cluster.sql("SELECT count(*) FROM feed_state WHERE state IS NOT NULL", name))
    count = len(urls)
    return {"nodes": nodes, "feeds_per_s": count / wall, "wall": wall, "cpu_ms_per_feed": cpu * 1000 / count,
            "db_cpu_ms_per_feed": db_cpu * 1000 / count, "round_trips_per_feed": trips / count,
            "peak_rss_mb": peak / 1024, "documents": documents, "fetched": fetched}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nodes", default="1,2,3")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="crawler-fleet-bench-")
    os.chmod(scratch, 0o755)  # the postgres user must reach its data folder inside
    farm = Farm(os.path.join(scratch, "farm"), args.feeds)
    cluster = Cluster(os.path.join(scratch, "pg"))
    try:
        median_size = farm.generate()
        farm.start()
        cluster.start()
        urls = [farm.url(i).replace("127.0.0.1", f"h{i % args.hosts}.localhost") for i in range(args.feeds)]
        print(f"farm: {args.feeds} feeds on {args.hosts} host names, median {median_size // 1024} KB, "
              f"{args.feeds * ITEMS_PER_FEED} items; PostgreSQL on 127.0.0.1:{cluster.port}")
        print("| pass | nodes | feeds/s | crawler CPU ms/feed | PostgreSQL CPU ms/feed | round trips/feed "
              "| peak RSS/node MB | documents |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for nodes in [int(n) for n in args.nodes.split(",")]:
            runs = []
            for run in range(args.runs):
                work = os.path.join(scratch, f"n{nodes}r{run}")
                os.makedirs(work)
                runs.append(one_run(cluster, work, urls, nodes, run))
            for phase, label in ((0, "cold (200)"), (1, "warm (304)")):
                rows = [r[phase] for r in runs]
                med = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
                print(f"| {label} | {nodes} | {med['feeds_per_s']:.0f} | {med['cpu_ms_per_feed']:.2f} "
                      f"| {med['db_cpu_ms_per_feed']:.2f} | {med['round_trips_per_feed']:.2f} | {med['peak_rss_mb']:.0f} | "
                      f"{min(r['documents'] for r in rows)}–{max(r['documents'] for r in rows)} "
                      f"(fetched {min(r['fetched'] for r in rows)}) |", flush=True)
    finally:
        farm.stop()
        cluster.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
