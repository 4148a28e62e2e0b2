"""Writes N small RSS feeds (5 items each, ~4 KB) into a folder, for the daemon benchmark."""
import os
import sys

folder, count = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
for feed in range(count):
    items = "".join(
        f"<item><title>Story {item} of feed {feed}</title><link>https://farm.example/{feed}/{item}</link>"
        f"<guid>farm-{feed}-{item}</guid><pubDate>0{1 + item} Feb 2022 10:00:00 GMT</pubDate>"
        f"<description><![CDATA[<p>Story {item} from feed {feed}. {'Lorem ipsum dolor sit amet. ' * 20}</p>]]></description></item>"
        for item in range(5))
    with open(os.path.join(folder, f"{feed}.xml"), "w") as out:
        out.write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Farm {feed}</title>{items}</channel></rss>')
