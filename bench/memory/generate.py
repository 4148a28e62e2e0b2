"""Writes the memory benchmark's feeds: valid RSS 2.0 documents of about SIZE bytes each.

Two realistic shapes, alternating: a long archive (many items with 2-6 KB HTML bodies, as a
full-text feed that never trims) and one huge item (a 'single page' feed whose one body is the
whole document, as some exporters write).
Usage: generate.py FOLDER COUNT SIZE_MB
"""
import os
import random
import sys

folder, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
os.makedirs(folder, exist_ok=True)
words = ("feed crawler memory budget item archive parse store document river bridge market "
         "report weather city council school music film science water energy health").split()


def paragraph(rng, length):
    out, total = [], 0
    while total < length:
        word = rng.choice(words)
        out.append(word)
        total += len(word) + 1
    return "<p>" + " ".join(out) + "</p>"


def head(name):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{name}</title>'
            f'<link>https://example.org/{name}/</link><description>memory bench</description>\n')


def item(name, index, body):
    return (f'<item><title>{name} item {index}</title><guid>https://example.org/{name}/{index}</guid>'
            f'<link>https://example.org/{name}/{index}</link><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>'
            f'<content:encoded><![CDATA[{body}]]></content:encoded></item>\n')


for number in range(count):
    name = f"feed{number:02d}"
    rng = random.Random(number)
    parts, total = [head(name)], 0
    if number % 2 == 0:
        index = 0
        while total < size - 8192:
            part = item(name, index, paragraph(rng, rng.randint(2000, 6000)))
            parts.append(part)
            total += len(part)
            index += 1
    else:
        chunks = []
        while total < size - 4096:
            chunk = paragraph(rng, 4000)
            chunks.append(chunk)
            total += len(chunk)
        parts.append(item(name, 0, "".join(chunks)))
    parts.append("</channel></rss>\n")
    with open(os.path.join(folder, name + ".xml"), "w") as out:
        out.write("".join(parts))
