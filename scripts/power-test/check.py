#!/usr/bin/env python3
"""On the host: judges one cut from the two serial logs. Prints what it found; exits 1 on a failure.

usage: check.py CUT CRAWL_LOG VERIFY_LOG HISTORY
HISTORY has a line "CUT LAST_ROUND" for every cut so far, this one included.
"""
import collections, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import items  # noqa: E402

cut = int(sys.argv[1])
crawl_log, verify_log, history = (open(p, "rb").read().decode("utf-8", "replace") for p in sys.argv[2:5])
problems = []

# What the host saw reported stored before the cut: complete lines only (the last one may be cut
# off mid-line). A fetch line without an error is written once the feed's documents are durable.
reported, round_ = set(), 0
for line in crawl_log.split("\n")[:-1]:
    if line.startswith("powercut round="):
        round_ = int(line.split("=", 1)[1])
    elif "event=fetch" in line and "level=info" in line and " error=" not in line:
        feed = re.search(r" feed=feed-(\d+) ", line)
        if feed:
            reported.update(items.titles(cut, int(feed.group(1)), [r for r in (round_ - 1, round_) if r >= 0]))

inspections = {}
for line in verify_log.split("\n"):
    if line.startswith("POWERCUT-INSPECT "):
        found = json.loads(line[len("POWERCUT-INSPECT "):])
        inspections[found["label"]] = found
exits = dict(re.findall(r"^powercut ([a-z-]+-exit)=(\d+)", verify_log, re.M))

before, after = inspections.get("before"), inspections.get("after")
if before is None or after is None:
    problems.append("the verify boot did not report the store (%s)" % ", ".join(sorted(inspections)) or "nothing")
else:
    torn = [d["path"] for d in before["documents"] if not d["whole"]]
    if torn:
        problems.append("%d torn documents under their final names after the cut: %s" % (len(torn), torn[:5]))
    whole_titles = {d["title"] for d in before["documents"] if d["whole"]}
    missing = sorted(reported - whole_titles)
    if missing:
        problems.append("%d of %d documents reported stored are missing after the cut: %s" % (len(missing), len(reported), missing[:5]))
    indexed_titles = {d["title"] for d in before["documents"] if d.get("indexed")}
    unindexed = sorted(reported - indexed_titles - set(missing))
    if unindexed:
        problems.append("%d documents reported stored are not settled in the index after the cut: %s" % (len(unindexed), unindexed[:5]))
    if before["index"]["integrity"] != "ok":
        problems.append("index after the cut: integrity_check says %s" % before["index"]["integrity"])

    expected = set()
    for entry in history.split("\n"):
        if entry.strip():
            c, last = map(int, entry.split())
            expected |= items.all_titles(c, last)
    counts = collections.Counter(d["title"] for d in after["documents"])
    doubled = sorted(t for t, n in counts.items() if n > 1)
    absent = sorted(expected - set(counts))
    strange = sorted(set(counts) - expected)
    if doubled: problems.append("%d items stored more than once after the final pass: %s" % (len(doubled), doubled[:5]))
    if absent: problems.append("%d items missing after the final pass: %s" % (len(absent), absent[:5]))
    if strange: problems.append("%d unexpected documents after the final pass: %s" % (len(strange), strange[:5]))
    if not all(d["whole"] for d in after["documents"]): problems.append("a torn document after the final pass")
    if after["index"]["integrity"] != "ok":
        problems.append("index after the final pass: integrity_check says %s" % after["index"]["integrity"])
    if after["index"].get("pending"):
        problems.append("%s documents still pending in the index after the final pass" % after["index"]["pending"])
    if after["index"].get("documents") != len(after["documents"]):
        problems.append("index lists %s documents, the folder holds %d" % (after["index"].get("documents"), len(after["documents"])))

for name in ("verify-before-exit", "final-once-exit", "verify-after-exit"):
    # Before the store is opened to write, verify names what a crawler or rerender stopped by the
    # cut left unsettled (exit 1): expected, when it says so.
    unsettled = name == "verify-before-exit" and re.search(r"cut short|did not finish", verify_log) is not None
    if exits.get(name) != "0" and not (unsettled and exits.get(name) == "1"):
        problems.append("%s=%s" % (name, exits.get(name, "missing")))

recovery = re.search(r"^recovered after an unclean stop: .*$", verify_log, re.M)
canary = re.search(r"^powercut canary=(\S+)", verify_log, re.M)
last_round = re.findall(r"^powercut round=(\d+)", crawl_log, re.M)
summary = {
    "reported": len(reported),
    "before": len(before["documents"]) if before else None,
    "after": len(after["documents"]) if after else None,
    "pending_at_cut": before["index"].get("pending") if before else None,
    "recovery": recovery.group(0).strip() if recovery else "none",
    # the round an unsynced file said after the cut, beside the last round started
    "unsynced_canary": "%s of %s" % (canary.group(1) if canary else "?", last_round[-1] if last_round else "?"),
}
print(json.dumps(summary))
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
