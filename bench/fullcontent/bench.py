#!/usr/bin/env python3
"""Full-content crawl rate and requests per host per second against the configured budget.

One feed of ITEMS items whose links spread over HOSTS loopback addresses (127.0.0.1, .2, ...),
each serving the article pages of the extraction corpus; `crawler once` with full_content: true,
host_gap GAP and per_host_concurrency 2. Prints the pass's wall time, pages read per second, and
per host: requests, the smallest gap between two request starts, and requests per second
against the budget (1 / GAP).

    bench/fullcontent/bench.py [--crawler .build/debug/crawler] [--items 200] [--hosts 4] [--gap 0.1]
"""
import argparse, http.server, os, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PAGE = open(os.path.join(ROOT, "Tests/ExtractTests/Fixtures/news.html"), "rb").read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crawler", default=os.path.join(ROOT, ".build/debug/crawler"))
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--gap", type=float, default=0.1)
    args = parser.parse_args()
    log, lock = [], threading.Lock()
    servers = []
    for number in range(args.hosts):
        address = "127.0.0.%d" % (number + 1)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *_): pass
            def do_GET(self):
                with lock: log.append((self.server.server_address[0], time.monotonic(), self.path))
                if self.path == "/feed.xml":
                    body, kind = feed(args.items, args.hosts, servers).encode(), "application/rss+xml"
                else:
                    body, kind = PAGE.replace(b"river park", self.path.encode()), "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        server = http.server.ThreadingHTTPServer((address, 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    folder = tempfile.mkdtemp(prefix="crawler-fullcontent-bench.")
    with open(os.path.join(folder, "feeds.yaml"), "w") as config:
        config.write("store: ./out\nhost_gap: %gs\nper_host_concurrency: 2\nfeeds:\n"
                     "  - url: http://127.0.0.1:%d/feed.xml\n    name: bench\n    full_content: true\n"
                     "    allow_private_networks: true\n" % (args.gap, servers[0].server_address[1]))
    started = time.monotonic()
    run = subprocess.run([args.crawler, "once"], cwd=folder, capture_output=True, text=True)
    wall = time.monotonic() - started
    stored = sum(len(files) for _, _, files in os.walk(os.path.join(folder, "out/posts")))
    failed = run.stderr.count("event=article_failed")
    print("items=%d hosts=%d host_gap=%gs status=%d wall=%.2fs stored=%d article_failed=%d pages_per_s=%.1f"
          % (args.items, args.hosts, args.gap, run.returncode, wall, stored, failed, stored / wall))
    for server in servers:
        address = server.server_address[0]
        times = sorted(t for a, t, path in log if a == address and path != "/feed.xml")
        if len(times) < 2:
            continue
        gaps = [b - a for a, b in zip(times, times[1:])]
        rate = (len(times) - 1) / (times[-1] - times[0])
        print("host=%s requests=%d min_gap=%.3fs rate=%.2f/s budget=%.2f/s"
              % (address, len(times), min(gaps), rate, 1 / args.gap if args.gap else float("inf")))
    return 0 if run.returncode == 0 else 1


def feed(items, hosts, servers):
    lines = ['<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title><link>http://127.0.0.1/</link>']
    for index in range(items):
        host, port = servers[index % hosts].server_address
        lines.append("<item><title>Story %d</title><link>http://%s:%d/story/%d</link>"
                     "<description>Summary %d</description></item>" % (index, host, port, index, index))
    return "\n".join(lines + ["</channel></rss>"])


if __name__ == "__main__":
    sys.exit(main())
