#!/usr/bin/env python3
"""The loopback feed farm inside the power-test guest.

GET /feed/N serves feed N of the current round (read from /run/powercut-round for every request,
so the crawl script moves to the next round by rewriting that file). A round's feed holds its own
items, the previous round's (already stored: duplicates) and one item every feed shares (stored
once across feeds). With --all the feeds hold every item of every round up to --rounds, so a final
pass can store whatever a cut lost. No Last-Modified or ETag: every fetch gets a fresh body.

--scenario replace adds items edited every round (version = the round; with --all, the last
round's version); --scenario rerender serves a fixed set of items (the store to re-render).
"""
import argparse, fcntl, http.server, socket, struct

import items


def loopback_up():
    # A shell script is PID 1: nothing else brings lo up, and minbase has no `ip`.
    SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cut", type=int, required=True)
    parser.add_argument("--rounds", type=int, help="serve every round up to this one (the final pass)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--scenario", default="once", choices=["once", "replace", "rerender"])
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                feed = int(self.path.rsplit("/", 1)[1])
            except ValueError:
                self.send_error(404)
                return
            if args.scenario == "rerender":
                body = items.rss_rerender(feed).encode()
            else:
                if args.rounds is not None:
                    rounds = range(args.rounds + 1)
                else:
                    with open("/run/powercut-round") as f:
                        current = int(f.read())
                    rounds = [current - 1, current] if current > 0 else [current]
                if args.scenario == "replace":
                    body = items.rss_replace(args.cut, feed, rounds, rounds[-1]).encode()
                else:
                    body = items.rss(args.cut, feed, rounds).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    loopback_up()
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
