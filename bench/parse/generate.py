#!/usr/bin/env python3
"""Writes a corpus of realistic feeds for bench/parse/run.py.

    generate.py CORPUS_DIR BIG_FILE [--big-mb 50]

RSS 2.0 with content:encoded CDATA bodies of a few KB (English and Chinese), Atom 1.0 with
escaped HTML content, one GBK-encoded Chinese RSS, and one large RSS file (--big-mb) for the
peak-memory measurement. Deterministic: the same seed gives the same bytes.
"""
import os
import random
import sys

WORDS = ("feed parser stream item channel libxml2 swift crawler latency memory budget archive "
         "release notes server client request header body markup encoding entity").split()
HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研质"


def paragraph(rng, chinese):
    if chinese:
        return "".join(rng.choice(HANZI) for _ in range(rng.randint(80, 160)))
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90)))


def body(rng, chinese, index):
    parts = [f"<p>{paragraph(rng, chinese)}</p>" for _ in range(rng.randint(4, 9))]
    parts.insert(1, f'<p><img src="/images/{index}.jpg" alt="figure {index}"></p>')
    parts.append(f'<p><a href="https://example.org/posts/{index}?utm_source=rss&amp;x=1">more</a></p>')
    return "\n".join(parts)


def rss(rng, items, chinese, encoding="utf-8"):
    """chinese: True, False, or None for every other item."""
    out = [f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0" '
           'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           '<channel><title>Bench feed</title><link>https://example.org/</link>'
           '<description>A generated feed</description><language>en</language><ttl>30</ttl>\n']
    for i in range(items):
        chinese_item = (i % 2 == 1) if chinese is None else chinese
        title = paragraph(rng, chinese_item)[:30 if chinese_item else 60]
        out.append(f"<item><title>{title} &amp; more</title><link>https://example.org/posts/{i}</link>"
                   f'<guid isPermaLink="false">bench-{i}</guid><dc:creator>Author {i % 7}</dc:creator>'
                   f"<pubDate>Wed, 16 Feb 2022 23:{i % 60:02d}:43 GMT</pubDate>"
                   f"<category>cat{i % 5}</category><description>{paragraph(rng, chinese_item)[:120]}</description>"
                   f"<content:encoded><![CDATA[{body(rng, chinese_item, i)}]]></content:encoded></item>\n")
    out.append("</channel></rss>\n")
    return "".join(out)


def atom(rng, entries):
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
           '<title>Bench Atom</title><id>urn:bench</id><updated>2022-02-16T23:50:43Z</updated>'
           '<link href="https://example.org/"/>\n']
    for i in range(entries):
        html = body(rng, False, i).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        out.append(f"<entry><title>{paragraph(rng, False)[:60]}</title><id>urn:bench:{i}</id>"
                   f'<link rel="alternate" href="/posts/{i}"/><published>2022-02-16T23:50:43+08:00</published>'
                   f"<updated>2022-02-17T01:00:00Z</updated><author><name>Author {i % 3}</name></author>"
                   f'<category term="t{i % 4}"/><content type="html">{html}</content></entry>\n')
    out.append("</feed>\n")
    return "".join(out)


def main():
    out_dir = sys.argv[1]
    big_mb = int(sys.argv[sys.argv.index("--big-mb") + 1]) if "--big-mb" in sys.argv else 50
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20220216)
    files = {
        "rss2-en.xml": rss(rng, 1500, False).encode("utf-8"),
        "rss2-zh.xml": rss(rng, 1500, True).encode("utf-8"),
        "atom-en.xml": atom(rng, 1500).encode("utf-8"),
        "rss2-gbk.xml": rss(rng, 800, True, "gbk").encode("gbk"),
    }
    for name, data in files.items():
        with open(os.path.join(out_dir, name), "wb") as handle:
            handle.write(data)
    # About 3.4 KB an item, half of them Chinese.
    with open(sys.argv[2], "wb") as handle:
        handle.write(rss(rng, (big_mb << 20) // 3400, None).encode("utf-8"))

if __name__ == "__main__":
    main()
