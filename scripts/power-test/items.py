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
    entries = []
    for title in titles(cut, feed, rounds):
        guid = title.replace(" ", "-")
        entries.append(
            "<item><title>%s</title><guid isPermaLink=\"false\">%s</guid>"
            "<link>http://127.0.0.1/%s</link><pubDate>Wed, 16 Feb 2022 23:50:43 GMT</pubDate>"
            "<description><![CDATA[%s]]></description></item>" % (title, guid, guid, body(title)))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
            "<title>power feed %d</title><link>http://127.0.0.1/</link><description>d</description>%s"
            "</channel></rss>" % (feed, "".join(entries)))
