"""The realistic feed farm: feeds written by ../shared/bench/gen_feeds.py (RSS, Atom and RDF of
10-200 KB, a fifth Chinese in GBK/GB18030/Big5, Latin-1, BOMs, malformed documents, cross-posted
items), served by nginx on 127.0.0.1 from their pre-compressed copies (`gzip_static`, so nginx
spends no CPU compressing on the two cores the tools share).

Unlike farm.py's files, each feed's mtime is its newest item's date, so there is no single
Last-Modified to send back: nginx answers `If-Modified-Since` by "not modified since" here
(`if_modified_since before`), and curl's 304 pass sends a date after every feed's."""
import csv
import os
import subprocess
import sys

from farm import Farm

GENERATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "bench",
                         "gen_feeds.py")
# After every generated item's date: the date curl's 304 pass sends.
LATER_HTTP_DATE = "Fri, 01 Jan 2100 00:00:00 GMT"


class RealisticFarm(Farm):
    def __init__(self, root, count, data, generator=GENERATOR):
        super().__init__(root, count)
        self.data = os.path.abspath(data)
        self.generator = generator
        self.docs = self.data
        self.files = []

    def url(self, index, kind="feeds"):
        return f"http://127.0.0.1:{self.port}/{kind}/{self.files[index]}"

    def generate(self):
        """Generates the farm into `data` unless a farm of at least `count` feeds is there (it takes
        a couple of minutes at 5,000); returns the median feed's size in bytes."""
        manifest = os.path.join(self.data, "manifest.tsv")
        if not os.path.exists(manifest) or self.rows(manifest) < self.count:
            subprocess.run([sys.executable, self.generator, "--out", self.data, "--count", str(self.count),
                            "--sizes", str(self.count)], check=True, stdout=subprocess.DEVNULL)
        with open(manifest) as rows:
            feeds = list(csv.DictReader(rows, delimiter="\t"))[: self.count]
        self.files = [row["file"] for row in feeds]
        sizes = sorted(int(row["bytes"]) for row in feeds)
        return sizes[len(sizes) // 2]

    @staticmethod
    def rows(manifest):
        with open(manifest) as rows:
            return sum(1 for _ in rows) - 1

    def config(self):
        logs = os.path.join(self.root, "logs")
        os.makedirs(logs, exist_ok=True)
        return f"""
user root;
worker_processes 1;
error_log {logs}/error.log warn;
pid {self.root}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {self.root}/tmp;
    types {{ application/rss+xml rss rdf; application/atom+xml atom; }}
    default_type application/xml;
    etag on;
    gzip_static on;
    if_modified_since before;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.docs};
    }}
}}
"""
