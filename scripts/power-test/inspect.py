#!/usr/bin/env python3
"""In the guest: what the store holds, printed as one JSON line the host checks.

For every file under posts/ and content/ (where the rerender scenario moves documents): its path,
the hash its name carries, its title, a digest of its bytes, the versions its paragraphs name (the
replace scenario's edited items), whether it is whole (Hexo, SPEC.md: it starts with "\\n---\\n" and
ends with "\\n</div>\\n" and twelve spaces; Hugo: it starts with "---\\n" and ends with the last
paragraph's "</p>\\n") and whether the index lists it as stored (in `documents`, not `pending`).
The index is read, and checked with SQLite's own integrity_check,
on a copy (index.sqlite with its -wal, replayed as SQLite does), so the crawler still finds the
store exactly as the cut left it.
"""
import hashlib, json, os, re, shutil, sqlite3, sys

store, label = sys.argv[1], sys.argv[2]
documents, problems = [], []
files = [(folder, name) for top in ("posts", "content")
         for folder, _, names in os.walk(os.path.join(store, top)) for name in names]
for folder, name in sorted(files):
    path = os.path.join(folder, name)
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", "replace")
    title = next((line[len("title: "):].strip("'") for line in text.split("\n")[:4] if line.startswith("title: ")), None)
    whole = ((data.startswith(b"\n---\n") and data.endswith(b"\n</div>\n" + b" " * 12))
             or (data.startswith(b"---\n") and data.endswith(b"</p>\n")))
    versions = sorted({int(v) for v in re.findall(r" version (\d+) paragraph ", text)})
    documents.append({"path": os.path.relpath(path, store), "hash": name.split(".")[0][-16:], "title": title,
                      "whole": whole, "bytes": len(data), "sha": hashlib.sha256(data).hexdigest()[:16],
                      "versions": versions})

index = {"integrity": "no index"}
if os.path.exists(os.path.join(store, "index.sqlite")):
    os.makedirs("/tmp/index-copy", exist_ok=True)
    for suffix in ("", "-wal"):
        source = os.path.join(store, "index.sqlite" + suffix)
        if os.path.exists(source):
            shutil.copy(source, "/tmp/index-copy/index.sqlite" + suffix)
    try:
        db = sqlite3.connect("/tmp/index-copy/index.sqlite")
        index["integrity"] = "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))
        index["documents"] = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        index["pending"] = db.execute("SELECT count(*) FROM pending").fetchone()[0]
        settled = {row[0] for row in db.execute(
            "SELECT path FROM documents WHERE short NOT IN (SELECT short FROM pending)")}
        for document in documents:
            document["indexed"] = document["path"] in settled
        db.close()
    except sqlite3.Error as error:
        index["integrity"] = "error: %s" % error
    shutil.rmtree("/tmp/index-copy")

print("POWERCUT-INSPECT " + json.dumps({"label": label, "documents": documents, "index": index}), flush=True)
