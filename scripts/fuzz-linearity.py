#!/usr/bin/env python3
"""Checks that the fuzzer's slowest inputs take linear time: each is grown by repeating the
middle half of its body (A B C -> A B B C -> A B B B B C ...) until one run takes at least
LINEARITY_SECONDS (default 0.2 s), and the time of the next doubling must stay under 2.6x (linear work doubles; quadratic
quadruples).
usage: fuzz-linearity.py BINARY CORPUS_DIR [HOW_MANY]"""
import os, subprocess, sys, tempfile, time

binary, corpus = sys.argv[1], sys.argv[2]
how_many = int(sys.argv[3]) if len(sys.argv) > 3 else 12
MIN_SECONDS = float(os.environ.get("LINEARITY_SECONDS", "0.2"))


def run(data):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(data)
    best = float("inf")
    try:
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([binary, "-rss_limit_mb=8192", "-timeout=600", f.name], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=True)
            best = min(best, time.perf_counter() - start)
    finally:
        os.unlink(f.name)
    return best


def grown(data, copies):
    cut = data.find(b"\n\n", 2)
    head, body = (data[:cut + 2], data[cut + 2:]) if cut >= 0 else (data[:2], data[2:])
    a, b, c = body[: len(body) // 4], body[len(body) // 4: 3 * len(body) // 4], body[3 * len(body) // 4:]
    return head + a + b * copies + c


startup = run(b"\x00\x00\n\n")
# Timing every input costs a process start each: time the largest few dozen, keep the slowest.
files = sorted((os.path.join(corpus, name) for name in os.listdir(corpus)), key=os.path.getsize)[-4 * how_many:]
timed = sorted(((run(open(p, "rb").read()) - startup, p) for p in files), reverse=True)[:how_many]
failures = 0
for seconds, path in timed:
    data = open(path, "rb").read()
    copies = 1
    while run(grown(data, copies)) - startup < MIN_SECONDS and len(grown(data, copies)) < 16 << 20:
        copies *= 2
    t1 = run(grown(data, copies)) - startup
    t2 = run(grown(data, copies * 2)) - startup
    ratio = t2 / max(t1, 1e-3)
    verdict = "ok" if ratio < 2.6 else "NOT LINEAR"
    failures += verdict != "ok"
    print(f"{verdict:10} {os.path.basename(path)}  {len(data)} B alone {seconds * 1000:.1f} ms; "
          f"x{copies}: {len(grown(data, copies))} B {t1:.3f} s, x{copies * 2}: {t2:.3f} s, ratio {ratio:.2f}")
print(f"linearity: {len(timed) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
