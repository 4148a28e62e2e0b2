"""The items of the power test, shared by the guest's farm and the host's check.

An item is named by its title; the title and a body unique to it make its content hash unique,
so "one document per distinct item" is "one document per title".
"""
FEEDS = 12
ITEMS_PER_ROUND = 4
PARAGRAPHS = 12  # ~2 KB of body: a document is more than one page of a small write


def own_titles(cut, feed, round_):
    return ["cut %d feed %d round %d item %d" % (cut, feed, round_, i) for i in range(ITEMS_PER_ROUND)]


def shared_title(cut, round_):
    return "cut %d round %d shared by every feed" % (cut, round_)


def titles(cut, feed, rounds):
    """Every title feed `feed` serves when it serves `rounds`."""
    out = []
    for r in rounds:
        out += own_titles(cut, feed, r) + [shared_title(cut, r)]
    return out


def all_titles(cut, last_round):
    out = set()
    for feed in range(FEEDS):
        out.update(titles(cut, feed, range(last_round + 1)))
    return out


def body(title):
    words = " ".join("%s paragraph %d of a body long enough to span a few blocks." % (title, p) for p in range(1))
    return "".join("<p>%s paragraph %d: %s</p>" % (title, p, words) for p in range(PARAGRAPHS))


def rss(cut, feed, rounds):
    return channel(feed, [(title, body(title)) for title in titles(cut, feed, rounds)])


# The replace scenario: every feed also serves EDITED items whose text changes every round (same
# guid, link, title and date; "version N" in every paragraph), so each pass replaces them in place.
EDITED_PER_FEED = 6


def edited_titles(cut, feed):
    return ["cut %d feed %d edited item %d" % (cut, feed, i) for i in range(EDITED_PER_FEED)]


def edited_body(title, version):
    return "".join("<p>%s version %d paragraph %d: the text of version %d of this story.</p>"
                   % (title, version, p, version) for p in range(PARAGRAPHS))


def replace_titles(cut, last_round):
    """Every title of the replace scenario's cut `cut` up to `last_round`: edited and new items."""
    out = set()
    for feed in range(FEEDS):
        out.update(edited_titles(cut, feed))
        for r in range(last_round + 1):
            out.update(own_titles(cut, feed, r))
    return out


def rss_replace(cut, feed, rounds, version):
    entries = [(title, edited_body(title, version)) for title in edited_titles(cut, feed)]
    entries += [(title, body(title)) for r in rounds for title in own_titles(cut, feed, r)]
    return channel(feed, entries)


# The rerender scenario: a store of RERENDER_ITEMS items a feed, crawled once, then re-rendered
# between two output profiles, which changes every document's text and path.
RERENDER_ITEMS = 50


def rss_rerender(feed):
    return channel(feed, [(title, body(title))
                          for title in ("feed %d story %d" % (feed, i) for i in range(RERENDER_ITEMS))])


def channel(feed, entries):
    items_xml = []
    for title, text in entries:
        guid = title.replace(" ", "-")
        items_xml.append(
            "<item><title>%s</title><guid isPermaLink=\"false\">%s</guid>"
            "<link>http://127.0.0.1/%s</link><pubDate>Wed, 16 Feb 2022 23:50:43 GMT</pubDate>"
            "<description><![CDATA[%s]]></description></item>" % (title, guid, guid, text))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            "<title>power feed %d</title><link>http://127.0.0.1/</link><description>d</description>%s"
            "</channel></rss>" % (feed, "".join(items_xml)))
