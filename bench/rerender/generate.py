"""Writes FEEDS RSS feeds of ITEMS items each into a folder, for the rerender benchmark. Bodies are
~2 KB of text drawn from a vocabulary (not one repeated sentence), so zlib compresses them about as
much as real articles, not more."""
import os
import random
import sys

folder, feeds, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(19)
words = ("market growth bank report policy shares index trade price energy city council school "
         "health research water season players coach budget rates inflation export company "
         "analysts quarter profit record weather storm election minister court ruling museum "
         "festival science space launch data network security update release version").split()
os.makedirs(folder, exist_ok=True)


def paragraph(length):
    return " ".join(random.choice(words) for _ in range(length)).capitalize() + "."


for feed in range(feeds):
    entries = []
    for item in range(items):
        body = "".join(f"<p>{paragraph(random.randint(40, 70))}</p>" for _ in range(4))
        day = 1 + item % 28
        entries.append(
            f"<item><title>Story {item} of feed {feed}: {paragraph(6)}</title>"
            f"<link>https://farm.example/{feed}/{item}</link><guid>farm-{feed}-{item}</guid>"
            f"<pubDate>{day:02d} Feb 2022 10:00:00 GMT</pubDate><category>{random.choice(words)}</category>"
            f"<description><![CDATA[{body}]]></description></item>")
    with open(os.path.join(folder, f"{feed}.xml"), "w") as out:
        out.write(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Farm {feed}</title>'
                  f'{"".join(entries)}</channel></rss>')
