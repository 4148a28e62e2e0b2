#!/usr/bin/env python3
"""Scores Python's feedparser on the corpus, as an independent oracle (not part of the test
suite; `pip install feedparser` first). Prints the match % per field and, with -v, each
disagreement; README.md lists the ones where the expected values are right on purpose.
"""
import calendar
import json
import os
import sys

import feedparser

HERE = os.path.dirname(os.path.abspath(__file__))


def rfc3339(struct):
    if struct is None:
        return None
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(
        __import__("time").gmtime(calendar.timegm(struct))[:6])


def main():
    verbose = "-v" in sys.argv
    manifest = json.load(open(os.path.join(HERE, "expected.json"), encoding="utf-8"))
    fields = ["title", "link", "date", "id"]
    matched = {field: 0 for field in fields}
    total = 0
    misses = []
    for document in manifest:
        data = open(os.path.join(HERE, "docs", document["file"]), "rb").read()
        parsed = feedparser.parse(data, response_headers={"content-type": document["content_type"],
                                                          "content-location": "https://example.org/feed.xml"})
        for index, want in enumerate(document["items"]):
            total += 1
            entry = parsed.entries[index] if index < len(parsed.entries) else {}
            got = {
                "title": entry.get("title"),
                "link": entry.get("link"),
                "date": rfc3339(entry.get("published_parsed") or entry.get("updated_parsed")),
                "id": entry.get("id"),
            }
            for field in fields:
                if got[field] == want[field]:
                    matched[field] += 1
                else:
                    misses.append(f"{document['file']} {field}: feedparser {got[field]!r}, expected {want[field]!r}")
    print(f"feedparser {feedparser.__version__}: {len(manifest)} documents, {total} items: "
          + ", ".join(f"{field} {matched[field] * 100 / total:.1f}%" for field in fields))
    if verbose:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
