#!/usr/bin/env python3
"""On the host: judges one cut of the rerender scenario from its two serial logs; exits 1 on a failure.

usage: check_rerender.py CRAWL_LOG VERIFY_LOG

"start" is the store before the rerender (every document in the old profile), "after" the store once
the rerender ran again to its end (every document in the new one): together they give each document's
old and new text and path, by the hash its file name carries. Between them:
- "before" (as the cut left it): every file under a final name is its document's old or new text,
  whole, at that version's path, and every document has at least one file;
- "recovered" (once the store was opened to write): every document in exactly one file, old or new;
  all new if the host saw the rerender report its end before the cut.
"""
import json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import items  # noqa: E402


def inspections(log):
    found = {}
    for line in log.split("\n"):
        if line.startswith("POWERCUT-INSPECT "):
            try:
                data = json.loads(line[len("POWERCUT-INSPECT "):])
            except ValueError:
                continue  # the line the cut broke off
            found[data["label"]] = data
    return found


crawl_log, verify_log = (open(p, "rb").read().decode("utf-8", "replace") for p in sys.argv[1:3])
seen = {**inspections(crawl_log), **inspections(verify_log)}
problems = []
missing_labels = [label for label in ("start", "before", "recovered", "after") if label not in seen]
if missing_labels:
    problems.append("no inspection of the store %s" % ", ".join(missing_labels))
else:
    start, before, recovered, after = (seen[label] for label in ("start", "before", "recovered", "after"))
    old = {d["hash"]: d for d in start["documents"]}
    new = {d["hash"]: d for d in after["documents"]}

    def by_hash(documents):
        out = {}
        for d in documents:
            out.setdefault(d["hash"], []).append(d)
        return out

    def version(d):
        """'old', 'new' or None (torn, misplaced or foreign)."""
        for name, versions in (("old", old), ("new", new)):
            known = versions.get(d["hash"])
            if known and known["sha"] == d["sha"] and known["path"] == d["path"]:
                return name
        return None

    if len(old) != items.FEEDS * items.RERENDER_ITEMS or len(old) != len(start["documents"]) \
            or not all(d["whole"] for d in start["documents"]):
        problems.append("the store before the rerender is not one whole file for each of the %d items (%d files, %d hashes)"
                        % (items.FEEDS * items.RERENDER_ITEMS, len(start["documents"]), len(old)))
    if len(new) != len(after["documents"]) or set(new) != set(old):
        problems.append("after the rerun: %d files for %d documents (%d before the rerender)"
                        % (len(after["documents"]), len(new), len(old)))
    if not all(d["whole"] for d in after["documents"]):
        problems.append("a torn document after the rerun")
    unchanged = [h for h in new if h in old and (old[h]["sha"] == new[h]["sha"] or old[h]["path"] == new[h]["path"])]
    if unchanged:
        problems.append("%d documents kept their old text or path after the rerun: %s" % (len(unchanged), unchanged[:3]))

    for label, inspection, one_file in (("before", before, False), ("recovered", recovered, True)):
        files = by_hash(inspection["documents"])
        strange = [d["path"] for d in inspection["documents"] if version(d) is None]
        if strange:
            problems.append("%s: %d files neither the old nor the new version, whole, at its path: %s"
                            % (label, len(strange), strange[:3]))
        absent = sorted(set(old) - set(files))
        if absent:
            problems.append("%s: %d documents have no file: %s" % (label, len(absent), absent[:3]))
        doubled = sorted(h for h, documents in files.items() if len(documents) > 1)
        if one_file and doubled:
            problems.append("%s: %d documents in more than one file: %s" % (label, len(doubled), doubled[:3]))
        if inspection["index"]["integrity"] != "ok":
            problems.append("%s: index integrity_check says %s" % (label, inspection["index"]["integrity"]))

    acknowledged = re.search(r"^powercut rerender-exit=0 ", crawl_log, re.M) is not None
    states = [version(d) for d in recovered["documents"]]
    if acknowledged and states.count("new") != len(new):
        problems.append("the rerender reported its end before the cut, yet %d documents are old after it"
                        % states.count("old"))
    if after["index"].get("pending") or after["index"].get("documents") != len(after["documents"]):
        problems.append("after the rerun the index lists %s documents (%s pending) for %d files"
                        % (after["index"].get("documents"), after["index"].get("pending"), len(after["documents"])))

exits = dict(re.findall(r"^powercut ([a-z-]+-exit)=(\d+)", verify_log, re.M))
for name in ("verify-before-exit", "recover-exit", "verify-recovered-exit", "rerun-exit", "verify-after-exit"):
    # Before the store is opened to write, verify names what a crawler or rerender stopped by the
    # cut left unsettled (exit 1): expected, when it says so.
    unsettled = name == "verify-before-exit" and re.search(r"cut short|did not finish", verify_log) is not None
    if exits.get(name) != "0" and not (unsettled and exits.get(name) == "1"):
        problems.append("%s=%s" % (name, exits.get(name, "missing")))

summary = {"documents": len(seen["start"]["documents"]) if "start" in seen else None}
if not missing_labels:
    summary["new_at_cut"] = [version(d) for d in seen["before"]["documents"]].count("new")
    summary["new_after_recovery"] = [version(d) for d in seen["recovered"]["documents"]].count("new")
    summary["rerender_done_before_cut"] = re.search(r"^powercut rerender-exit=0 ", crawl_log, re.M) is not None
recovery = re.search(r"^recovered after an unclean stop: .*$", verify_log, re.M)
summary["recovery"] = recovery.group(0).strip() if recovery else "none"
print(json.dumps(summary))
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
