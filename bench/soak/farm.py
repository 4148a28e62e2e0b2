"""The soak benchmark's loopback farm: N feeds on N/10 hosts (127.0.x.y, one listening socket
each, so every host has its own politeness budget), hosts misbehaving by their number:

  host % 100 in 0-1   stalled: reads the request, never answers
  host % 100 in 2-3   trickling: headers, then one body byte a second
  host % 100 == 4     503 with Retry-After: 120
  host % 100 in 5-9   slow: answers after 2-5 s
  otherwise           healthy: 200 with an ETag, 304 when it is sent back

Feeds are /<daemon>/<n>.xml, so several daemons share the farm and the request log tells them
apart. Every request is logged as `<unix time> <daemon> <n>` to the log file.
Usage: farm.py PORT FEEDS LOGFILE
"""
import asyncio
import random
import sys
import time

FEEDS_PER_HOST = 10


def host_of(feed):
    return feed // FEEDS_PER_HOST


def address(host):
    return f"127.0.{1 + host // 250}.{1 + host % 250}"


def behaviour(host):
    slot = host % 100
    if slot < 2:
        return "stalled"
    if slot < 4:
        return "trickling"
    if slot == 4:
        return "throttled"
    if slot < 10:
        return "slow"
    return "healthy"


def document(feed):
    items = "".join(
        f"<item><title>Story {i} of feed {feed}</title><link>https://soak.example/{feed}/{i}</link>"
        f"<guid>soak-{feed}-{i}</guid><pubDate>0{1 + i} Feb 2022 10:00:00 GMT</pubDate>"
        f"<description>Body of story {i} from feed {feed}. {'Lorem ipsum dolor sit amet. ' * 20}</description></item>"
        for i in range(5))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Soak {feed}</title>'
            f"<link>https://soak.example/{feed}/</link>{items}</channel></rss>").encode()


class Farm:
    def __init__(self, feeds, log):
        self.feeds = feeds
        self.log = log
        self.bodies = {}

    async def serve(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
                parts = path.strip("/").split("/")
                daemon, feed = parts[0], int(parts[1].split(".")[0])
                self.log.write(f"{time.time():.3f} {daemon} {feed}\n")
                if not await self.answer(writer, reader, feed, headers):
                    return
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        finally:
            writer.close()

    async def answer(self, writer, reader, feed, headers):
        kind = behaviour(host_of(feed))
        if kind == "stalled":
            await reader.read()  # until the client gives up
            return False
        if kind == "throttled":
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return True
        if kind == "slow":
            await asyncio.sleep(random.uniform(2, 5))
        body = self.bodies.setdefault(feed, document(feed))
        etag = f'"{feed}"'
        if kind != "trickling" and headers.get("if-none-match") == etag:
            writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n".encode())
            await writer.drain()
            return True
        writer.write((f"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: {etag}\r\n"
                      f"Content-Length: {len(body)}\r\n\r\n").encode())
        if kind == "trickling":
            for byte in body:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1)
            return False
        writer.write(body)
        await writer.drain()
        return True


async def main():
    port, feeds, log_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with open(log_path, "a", buffering=1) as log:
        farm = Farm(feeds, log)
        hosts = sorted({address(host_of(n)) for n in range(feeds)})
        server = await asyncio.start_server(farm.serve, host=hosts, port=port, backlog=512)
        print(f"farm: {feeds} feeds on {len(hosts)} hosts, port {port}", flush=True)
        async with server:
            await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
