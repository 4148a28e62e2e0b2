"""The loopback feed farm: N generated RSS feeds (about 60 KB median) served by nginx on 127.0.0.1
with ETag and gzip on, from a temporary folder. Used by bench.py; nothing here touches the network
beyond 127.0.0.1."""
import os
import random
import shutil
import socket
import subprocess
import time

WORDS = ("river mountain signal market harbor winter quiet copper lantern orbit meadow velvet "
         "ember crystal timber saddle canyon whistle marble falcon prairie thunder garden island "
         "compass beacon ribbon cobalt summit willow harvest anchor glacier pepper cedar").split()
ITEMS_PER_FEED = 45  # 5,000 feeds ≈ 225,000 documents, as in the issue
FIXED_MTIME = 1767225600  # 2026-01-01 00:00:00 UTC: one Last-Modified for every file
FIXED_HTTP_DATE = "Thu, 01 Jan 2026 00:00:00 GMT"


def feed_text(index, port, rng):
    # Median 60 KB: item bodies scale with a log-normal factor around 1.
    scale = rng.lognormvariate(0, 0.5)
    words_per_item = max(20, int(140 * scale))
    items = []
    for item in range(ITEMS_PER_FEED):
        body = " ".join(rng.choice(WORDS) for _ in range(words_per_item))
        items.append(
            f"<item><title>Feed {index} story {item}: {rng.choice(WORDS)} {rng.choice(WORDS)}</title>"
            f"<link>http://127.0.0.1:{port}/p/{index}/{item}</link><guid>feed-{index}-item-{item}</guid>"
            f"<pubDate>Mon, 23 Nov 2026 {item % 24:02d}:{item % 60:02d}:00 GMT</pubDate>"
            f"<description><![CDATA[<p>{body}</p><p>feed {index} item {item}</p>]]></description></item>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
            f"<title>Bench feed {index}</title><link>http://127.0.0.1:{port}/</link>"
            "<description>generated</description>" + "".join(items) + "</channel></rss>")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Farm:
    def __init__(self, root, count):
        self.root = root
        self.count = count
        self.port = free_port()
        self.docs = os.path.join(root, "www")
        self.process = None

    def url(self, index, kind="feeds"):
        return f"http://127.0.0.1:{self.port}/{kind}/{index:05d}.xml"

    def generate(self):
        feeds = os.path.join(self.docs, "feeds")
        os.makedirs(feeds, exist_ok=True)
        rng = random.Random(42)
        sizes = []
        for index in range(self.count):
            path = os.path.join(feeds, f"{index:05d}.xml")
            data = feed_text(index, self.port, rng).encode()
            sizes.append(len(data))
            with open(path, "wb") as out:
                out.write(data)
            os.utime(path, (FIXED_MTIME, FIXED_MTIME))
        sizes.sort()
        return sizes[len(sizes) // 2]

    def start(self):
        conf = os.path.join(self.root, "nginx.conf")
        with open(conf, "w") as out:
            out.write(self.config())
        self.process = subprocess.Popen(["nginx", "-c", conf, "-p", self.root, "-g", "daemon off;"])
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

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
    default_type application/rss+xml;
    types {{ application/rss+xml xml; }}
    etag on;
    gzip on;
    gzip_types application/rss+xml;
    gzip_min_length 256;
    keepalive_requests 100000;
    keepalive_timeout 60s;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.docs};
        location /slow/ {{ gzip off; limit_rate 2; alias {self.docs}/feeds/; }}
        location /err/ {{ return 503; }}
        location /gone/ {{ return 410; }}
        location /moved/ {{ rewrite ^/moved/(.*)$ /feeds/$1 permanent; }}
    }}
}}
"""


def cleanup(root):
    shutil.rmtree(root, ignore_errors=True)
