#!/usr/bin/env python3
"""Writes the parser corpus: real-world-shaped feed documents, each with the values a reader
must get from it (title, link, date, id per item), in expected.json beside them.

Every document is one combination of the ways real feeds differ: dialect and the namespace it
is published in, how titles are escaped, where links and dates live, which module carries a
field, and how the encoding is labelled (truthfully or not). Deterministic: the same files on
every run. Run from anywhere: python3 make-corpus.py
"""
import base64
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
FEED_URL = "https://example.org/feed.xml"

# Text per script, so that each encoding carries text it can write.
TEXTS = {
    "latin": ["Café society – crème brûlée", "Señor Müller’s naïve façade", "Déjà vu at the Hôtel",
              "Plain ASCII headline", "Über die Brücke", "Ça va, garçon ?"],
    "cyrillic": ["Новости дня, правительство и бюджет", "Погода в Москве на завтра", "Курс рубля снова вырос"],
    "chinese": ["抓实对一把手和领导班子监督", "新浪财经今日要闻速览", "国务院常务会议部署经济工作"],
    "traditional": ["臺灣新聞今日焦點", "颱風過後繁體標題", "總統府發布最新聲明"],
    "japanese": ["東京で桜が満開になりました", "今日のニュースをお伝えします", "明日は雨が降るでしょう"],
}

# (name, script, how it is labelled). Labels: http charset, declared encoding; bytes: the codec.
ENCODINGS = [
    ("utf8", "any", "utf-8", None, "UTF-8"),
    ("utf8-nodecl", "any", "utf-8", None, None),
    ("utf8-served-latin1", "any", "utf-8", "ISO-8859-1", "UTF-8"),
    ("utf8-declared-latin1", "any", "utf-8", None, "ISO-8859-1"),
    ("utf8-bom", "any", "utf-8-sig", None, "UTF-8"),
    ("utf8-bogus", "any", "utf-8", None, "bogus"),
    ("windows-1252", "latin", "cp1252", None, "windows-1252"),
    ("latin1-served", "latin", "cp1252", "iso-8859-1", None),
    ("koi8r-undeclared", "cyrillic", "koi8_r", None, None),
    ("koi8r-declared", "cyrillic", "koi8_r", "ISO-8859-1", "KOI8-R"),
    ("cp1251-declared", "cyrillic", "cp1251", None, "windows-1251"),
    ("gbk-declared", "chinese", "gbk", None, "GB2312"),
    ("gbk-undeclared", "chinese", "gbk", None, None),
    ("gbk-served-utf8", "chinese", "gbk", "UTF-8", None),
    ("gb18030-declared", "chinese", "gb18030", None, "GB18030"),
    ("big5-declared", "traditional", "big5", None, "Big5"),
    ("big5-served", "traditional", "big5", "Big5", None),
    ("shift_jis-declared", "japanese", "shift_jis", None, "Shift_JIS"),
    ("eucjp-undeclared", "japanese", "euc_jp", None, None),
    ("utf16le-bom", "any", "utf-16", None, "UTF-16"),
    ("utf32le-bom", "any", "utf-32", None, "UTF-32"),
]

LANGUAGE = {"latin": "en", "cyrillic": "ru", "chinese": "zh-cn", "traditional": "zh-tw", "japanese": "ja", "any": "en"}

DIALECTS = ["rss2", "rss2-default-ns", "rss2-prefixed", "rss091", "rss090", "rss1", "atom10", "atom10-no-ns", "atom03"]

# Dates as feeds write them, each with the instant it means.
DATES = [
    ("Wed, 16 Feb 2022 23:50:43 GMT", "2022-02-16T23:50:43Z"),
    ("Thu, 17 Feb 2022 07:50:43 +0800", "2022-02-16T23:50:43Z"),
    ("16 Feb 2022 18:50:43 EST", "2022-02-16T23:50:43Z"),
    ("Wed, 16 Feb 22 23:50:43 GMT", "2022-02-16T23:50:43Z"),
]
ISO_DATES = [
    ("2022-02-16T23:50:43Z", "2022-02-16T23:50:43Z"),
    ("2022-02-17T07:50:43+08:00", "2022-02-16T23:50:43Z"),
    ("2022-02-16t23:50:43z", "2022-02-16T23:50:43Z"),
    ("2022-02-16T23:50:43.123Z", "2022-02-16T23:50:43Z"),
]

TITLE_STYLES = ["plain", "cdata", "escaped-html", "entities", "dc-title", "media-title"]
LINK_STYLES = ["plain", "relative", "guid-permalink", "atom-alternate-among-others"]


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def title_markup(style, text, dialect, p):
    """The item's title element(s) and the plain title a reader must show."""
    if style == "cdata":
        return f"<{p}title><![CDATA[{text}]]></{p}title>", text
    if style == "escaped-html":
        return f"<{p}title>&lt;b&gt;{escape(text)}&lt;/b&gt;</{p}title>", text
    if style == "entities":
        return f"<{p}title>{escape(text)} &amp; more &#8212; &#146;n&#146;</{p}title>", text + " & more — ’n’"
    if style == "dc-title":
        return f"<dc:title>{escape(text)}</dc:title>", text
    if style == "media-title":
        return f"<media:title>{escape(text)}</media:title>", text
    return f"<{p}title>{escape(text)}</{p}title>", text


def rss_item(n, dialect, title_style, link_style, date_style, text, p):
    title_xml, title = title_markup(title_style, text, dialect, p)
    path = f"/posts/{n}.html"
    link = "https://example.org" + path
    parts = [title_xml]
    ident = None
    if link_style == "relative":
        parts.append(f"<{p}link>{path}</{p}link>")
    elif link_style == "guid-permalink" and dialect.startswith("rss2"):
        parts.append(f"<{p}guid isPermaLink=\"true\">{link}</{p}guid>")
        ident = link
    else:
        parts.append(f"<{p}link>{link}</{p}link>")
    if ident is None and dialect.startswith("rss2"):
        ident = f"tag:example.org,2022:{n}"
        parts.append(f"<{p}guid isPermaLink=\"false\">{ident}</{p}guid>")
    raw, date = date_style
    if dialect in ("rss1", "rss090") or date_style in ISO_DATES:
        raw, date = ISO_DATES[DATES.index(date_style) % len(ISO_DATES)] if date_style in DATES else date_style
        parts.append(f"<dc:date>{raw}</dc:date>")
    else:
        parts.append(f"<{p}pubDate>{raw}</{p}pubDate>")
    parts.append(f"<{p}description>&lt;p&gt;{escape(text)}&lt;/p&gt;</{p}description>")
    if dialect in ("rss1", "rss090"):
        ident = link
        return f"<item rdf:about=\"{link}\">" + "".join(parts) + "</item>", dict(title=title, link=link, date=date, id=ident)
    if dialect == "rss091":
        ident = None
    return f"<{p}item>" + "".join(parts) + f"</{p}item>", dict(title=title, link=link, date=date, id=ident)


def atom_item(n, dialect, title_style, link_style, date_style, text):
    title_xml, title = title_markup(title_style if title_style != "escaped-html" else "plain", text, dialect, "")
    if title_style == "escaped-html":
        title_xml = f"<title type=\"html\">&lt;b&gt;{escape(text)}&lt;/b&gt;</title>"
    path = f"/posts/{n}.html"
    link = "https://example.org" + path
    ident = f"urn:uuid:00000000-0000-0000-0000-{n:012d}"
    links = [f"<link href=\"{path if link_style == 'relative' else link}\"/>"]
    if link_style == "atom-alternate-among-others":
        links = [f"<link rel=\"self\" href=\"https://example.org/self/{n}\"/>",
                 f"<link rel=\"related\" href=\"https://other.example/{n}\"/>",
                 f"<link rel=\"license\" href=\"https://creativecommons.org/licenses/by/4.0/\"/>",
                 f"<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>"]
    raw, date = ISO_DATES[DATES.index(date_style) % len(ISO_DATES)] if date_style in DATES else date_style
    if dialect == "atom03":
        dates = f"<issued>{raw}</issued><modified>{raw}</modified>"
        content = f"<content type=\"text/html\" mode=\"base64\">{base64.b64encode(('<p>' + escape(text) + '</p>').encode()).decode()}</content>"
    else:
        dates = f"<published>{raw}</published><updated>2023-01-01T00:00:00Z</updated>"
        content = f"<content type=\"html\">&lt;p&gt;{escape(text)}&lt;/p&gt;</content>"
    body = f"<entry>{title_xml}<id>{ident}</id>{''.join(links)}{dates}<author><name>Jane</name></author>{content}</entry>"
    return body, dict(title=title, link=link, date=date, id=ident)


NAMESPACES = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
              'xmlns:content="http://purl.org/rss/1.0/modules/content/"')


def document(dialect, items, language):
    lang = f"<language>{language}</language>"
    if dialect == "rss2":
        return f'<rss version="2.0" {NAMESPACES}><channel><title>Corpus</title><link>https://example.org/</link>{lang}{items}</channel></rss>'
    if dialect == "rss2-default-ns":
        return (f'<rss version="2.0" xmlns="http://backend.userland.com/rss2" {NAMESPACES}><channel><title>Corpus</title>'
                f'<link>https://example.org/</link>{lang}{items}</channel></rss>')
    if dialect == "rss2-prefixed":
        return (f'<r:rss version="2.0" xmlns:r="http://example.org/rss-ns" {NAMESPACES}><r:channel><r:title>Corpus</r:title>'
                f'<r:link>https://example.org/</r:link><r:language>{language}</r:language>{items}</r:channel></r:rss>')
    if dialect == "rss091":
        return f'<rss version="0.91" {NAMESPACES}><channel><title>Corpus</title><link>https://example.org/</link>{lang}{items}</channel></rss>'
    if dialect in ("rss1", "rss090"):
        ns = "http://purl.org/rss/1.0/" if dialect == "rss1" else "http://my.netscape.com/rdf/simple/0.9/"
        return (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="{ns}" {NAMESPACES}>'
                f'<channel rdf:about="https://example.org/"><title>Corpus</title><link>https://example.org/</link>'
                f'<dc:language>{language}</dc:language></channel>{items}</rdf:RDF>')
    if dialect == "atom10":
        return f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}" {NAMESPACES}><title>Corpus</title>{items}</feed>'
    if dialect == "atom10-no-ns":
        return f'<feed xml:lang="{language}" {NAMESPACES}><title>Corpus</title>{items}</feed>'
    return f'<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="{language}" {NAMESPACES}><title>Corpus</title>{items}</feed>'


def encode(text, codec, declared):
    declaration = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else '<?xml version="1.0"?>\n'
    whole = declaration + text
    if codec == "utf-32":
        return b"\xff\xfe\x00\x00" + whole.encode("utf-32-le")
    return whole.encode(codec)


def main():
    rng = random.Random(20)
    os.makedirs(DOCS, exist_ok=True)
    for name in os.listdir(DOCS):
        os.remove(os.path.join(DOCS, name))
    manifest = []
    number = 0
    for index in range(480):
        dialect = DIALECTS[index % len(DIALECTS)]
        encoding = ENCODINGS[(index // len(DIALECTS) + index) % len(ENCODINGS)]
        name, script, codec, http, declared = encoding
        scripts = list(TEXTS) if script == "any" else [script]
        chosen_script = rng.choice(scripts)
        language = LANGUAGE[chosen_script if script == "any" else script]
        items, expected = [], []
        for _ in range(rng.randint(1, 3)):
            number += 1
            text = rng.choice(TEXTS[chosen_script])
            title_style = rng.choice(TITLE_STYLES)
            link_style = rng.choice(LINK_STYLES)
            date_style = rng.choice(DATES + ISO_DATES)
            if dialect.startswith("atom"):
                xml, values = atom_item(number, dialect, title_style, link_style, date_style, text)
            else:
                prefix = "r:" if dialect == "rss2-prefixed" else ""
                xml, values = rss_item(number, dialect, title_style, link_style, date_style, text, prefix)
            items.append(xml)
            expected.append(values)
        file = f"{index:03d}-{dialect}-{name}.xml"
        with open(os.path.join(DOCS, file), "wb") as out:
            out.write(encode(document(dialect, "\n".join(items), language), codec, declared))
        content_type = "application/xml" + (f"; charset={http}" if http else "")
        manifest.append({"file": file, "content_type": content_type, "items": expected})
    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")
    print(f"{len(manifest)} documents, {number} items")


if __name__ == "__main__":
    main()
