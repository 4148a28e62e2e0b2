#!/usr/bin/env python3
"""On the host: judges one cut of the replace scenario from its two serial logs; exits 1 on a failure.

usage: check_replace.py CUT CRAWL_LOG VERIFY_LOG HISTORY
HISTORY has a line "CUT LAST_ROUND" for every cut of the scenario so far, this one included.

Each round the farm serves every feed's edited items at version ROUND (with `revisions: replace`
each pass rewrites them in place) beside new items. A fetch line without an error that reached the
host acknowledges what that pass stored and replaced: its new items are present, its edited items
hold that round's version or a later one. After the cut every document is whole, one per item,
holding a version the feed served; after a final pass (serving the last round's version) every
edited item of the cut holds it.
"""
import collections, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import items  # noqa: E402

cut = int(sys.argv[1])
crawl_log, verify_log, history = (open(p, "rb").read().decode("utf-8", "replace") for p in sys.argv[2:5])
problems = []

stored, replaced_at = set(), {}  # new items acknowledged; edited item -> the version acknowledged
round_, replacements = 0, 0
for line in crawl_log.split("\n")[:-1]:
    if line.startswith("powercut round="):
        round_ = int(line.split("=", 1)[1])
    elif "event=fetch" in line and "level=info" in line and " error=" not in line:
        feed = re.search(r" feed=feed-(\d+) ", line)
        if feed:
            feed = int(feed.group(1))
            stored.update(t for r in (round_ - 1, round_) if r >= 0 for t in items.own_titles(cut, feed, r))
            for title in items.edited_titles(cut, feed):
                replaced_at[title] = round_
            replacements += int((re.search(r" replaced=(\d+)", line) or [0, 0])[1])

inspections = {}
for line in verify_log.split("\n"):
    if line.startswith("POWERCUT-INSPECT "):
        found = json.loads(line[len("POWERCUT-INSPECT "):])
        inspections[found["label"]] = found
before, after = inspections.get("before"), inspections.get("after")
last_round = int(re.findall(r"^powercut round=(\d+)", crawl_log, re.M)[-1]) if "powercut round=" in crawl_log else 0
edited = {t for feed in range(items.FEEDS) for t in items.edited_titles(cut, feed)}


def judge(label, inspection):
    """Whole, one per item, each edited item at one version the feed served; returns title -> version."""
    documents = inspection["documents"]
    torn = [d["path"] for d in documents if not d["whole"]]
    if torn:
        problems.append("%s: %d torn documents: %s" % (label, len(torn), torn[:3]))
    doubled = sorted(t for t, n in collections.Counter(d["title"] for d in documents).items() if n > 1)
    if doubled:
        problems.append("%s: %d items in more than one document: %s" % (label, len(doubled), doubled[:3]))
    versions = {}
    for d in documents:
        if d["title"] in edited:
            if len(d["versions"]) != 1 or d["versions"][0] > last_round:
                problems.append("%s: %s holds versions %s, the feed served 0..%d" % (label, d["path"], d["versions"], last_round))
            versions[d["title"]] = max(d["versions"] or [-1])
    if inspection["index"]["integrity"] != "ok":
        problems.append("%s: index integrity_check says %s" % (label, inspection["index"]["integrity"]))
    return versions


if before is None or after is None:
    problems.append("the verify boot did not report the store (%s)" % (", ".join(sorted(inspections)) or "nothing"))
else:
    versions = judge("after the cut", before)
    titles = {d["title"] for d in before["documents"] if d["whole"]}
    lost = sorted(stored - titles)
    if lost:
        problems.append("%d of %d new items reported stored are missing after the cut: %s" % (len(lost), len(stored), lost[:3]))
    behind = sorted("%s (version %s, %d acknowledged)" % (t, versions.get(t), v)
                    for t, v in replaced_at.items() if versions.get(t, -1) < v)
    if behind:
        problems.append("%d edited items lost an acknowledged version: %s" % (len(behind), behind[:3]))

    final = judge("after the final pass", after)
    stale = sorted(t for t in edited if final.get(t) != last_round)
    if stale:
        problems.append("%d edited items do not hold the last version (%d) after the final pass: %s"
                        % (len(stale), last_round, stale[:3]))
    expected = set()
    for entry in history.split("\n"):
        if entry.strip():
            c, last = map(int, entry.split())
            expected |= items.replace_titles(c, last)
    present = {d["title"] for d in after["documents"]}
    if expected - present:
        problems.append("%d items missing after the final pass: %s" % (len(expected - present), sorted(expected - present)[:3]))
    if present - expected:
        problems.append("%d unexpected documents after the final pass: %s" % (len(present - expected), sorted(present - expected)[:3]))
    if after["index"].get("pending") or after["index"].get("documents") != len(after["documents"]):
        problems.append("after the final pass the index lists %s documents (%s pending) for %d files"
                        % (after["index"].get("documents"), after["index"].get("pending"), len(after["documents"])))

exits = dict(re.findall(r"^powercut ([a-z-]+-exit)=(\d+)", verify_log, re.M))
for name in ("verify-before-exit", "final-once-exit", "verify-after-exit"):
    # Before the store is opened to write, verify names what a crawler or rerender stopped by the
    # cut left unsettled (exit 1): expected, when it says so.
    unsettled = name == "verify-before-exit" and re.search(r"cut short|did not finish", verify_log) is not None
    if exits.get(name) != "0" and not (unsettled and exits.get(name) == "1"):
        problems.append("%s=%s" % (name, exits.get(name, "missing")))

recovery = re.search(r"^recovered after an unclean stop: .*$", verify_log, re.M)
print(json.dumps({
    "reported_stored": len(stored), "reported_replaced": replacements, "round": last_round,
    "documents_after_cut": len(before["documents"]) if before else None,
    "recovery": recovery.group(0).strip() if recovery else "none",
}))
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
