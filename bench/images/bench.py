#!/usr/bin/env python3
"""Kept-image crawl rate and image requests per host per second against the configured budget.

One feed of ITEMS items, each body showing PER images (distinct PNGs of SIZE bytes) spread over
HOSTS loopback addresses (127.0.0.1, .2, ...); `crawler once` with images: local, host_gap GAP and
per_host_concurrency 2. Prints the pass's wall time, images kept per second, and per host: image
requests, the smallest gap between two request starts, and requests per second against the
budget (1 / GAP). Also checks that every post points at a kept asset.

    bench/images/bench.py [--crawler .build/debug/crawler] [--items 100] [--per 3] [--hosts 4] [--gap 0.05] [--size 20000]
"""
import argparse, http.server, os, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PNG = b"\x89PNG\r\n\x1a\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crawler", default=os.path.join(ROOT, ".build/debug/crawler"))
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--per", type=int, default=3)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--gap", type=float, default=0.05)
    parser.add_argument("--size", type=int, default=20000)
    args = parser.parse_args()
    log, lock, servers = [], threading.Lock(), []
    for number in range(args.hosts):
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *_): pass
            def do_GET(self):
                with lock: log.append((self.server.server_address[0], time.monotonic(), self.path))
                if self.path == "/feed.xml":
                    body, kind = feed(args, servers).encode(), "application/rss+xml"
                else:
                    body, kind = (PNG + self.path.encode()).ljust(args.size, b"\0"), "image/png"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = http.server.ThreadingHTTPServer(("127.0.0.%d" % (number + 1), 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    folder = tempfile.mkdtemp(prefix="crawler-images-bench.")
    with open(os.path.join(folder, "feeds.yaml"), "w") as config:
        config.write("store: ./out\nhost_gap: %gs\nper_host_concurrency: 2\nfeeds:\n"
                     "  - url: http://127.0.0.1:%d/feed.xml\n    name: bench\n    images: local\n"
                     "    allow_private_networks: true\n" % (args.gap, servers[0].server_address[1]))
    started = time.monotonic()
    run = subprocess.run([args.crawler, "once"], cwd=folder, capture_output=True, text=True)
    wall = time.monotonic() - started
    assets = sum(len(files) for _, _, files in os.walk(os.path.join(folder, "out/assets")))
    posts = [os.path.join(d, f) for d, _, files in os.walk(os.path.join(folder, "out/posts")) for f in files]
    local = sum(1 for path in posts if open(path).read().count('src="/assets/') == args.per)
    print("items=%d per=%d hosts=%d host_gap=%gs size=%d status=%d wall=%.2fs posts=%d posts_all_local=%d assets=%d images_per_s=%.1f"
          % (args.items, args.per, args.hosts, args.gap, args.size, run.returncode, wall, len(posts), local, assets,
             assets / wall))
    for server in servers:
        address = server.server_address[0]
        times = sorted(t for a, t, path in log if a == address and path != "/feed.xml")
        if len(times) < 2:
            continue
        gaps = [b - a for a, b in zip(times, times[1:])]
        print("host=%s requests=%d min_gap=%.3fs rate=%.2f/s budget=%.2f/s"
              % (address, len(times), min(gaps), (len(times) - 1) / (times[-1] - times[0]),
                 1 / args.gap if args.gap else float("inf")))
    return 0 if run.returncode == 0 and local == len(posts) == args.items else 1


def feed(args, servers):
    lines = ['<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title><link>http://127.0.0.1/</link>']
    for index in range(args.items):
        images = ""
        for number in range(args.per):
            host, port = servers[(index * args.per + number) % len(servers)].server_address
            images += '<img src="http://%s:%d/img/%d-%d.png">' % (host, port, index, number)
        lines.append("<item><title>Story %d</title><link>http://127.0.0.1/story/%d</link>"
                     "<description><![CDATA[<p>Story %d</p>%s]]></description></item>" % (index, index, index, images))
    return "\n".join(lines + ["</channel></rss>"])


if __name__ == "__main__":
    sys.exit(main())
