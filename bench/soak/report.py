"""Reads a soak run's folder (soak.sh) and prints each daemon's figures side by side."""
import json
import re
import sys

sys.path.insert(0, "bench/soak")
from farm import behaviour, host_of  # noqa: E402

work, feeds, interval_text, minutes = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
concurrency = sys.argv[5] if len(sys.argv) > 5 else "32"
interval = int(interval_text[:-1]) * {"s": 1, "m": 60, "h": 3600}[interval_text[-1]]
healthy = {n for n in range(feeds) if behaviour(host_of(n)) == "healthy"}


def percentile(values, fraction):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(fraction * len(values) + 0.999999) - 1))]


times = {}
for line in open(f"{work}/requests"):
    stamp, label, feed = line.split()
    times.setdefault((label, int(feed)), []).append(float(stamp))

print(f"{feeds} feeds ({len(healthy)} healthy) every {interval_text}, {minutes} min, concurrency {concurrency}; "
      f"goal: healthy gap p99 <= {1.05 * interval + 2:.0f} s, 0 spurious failures")
print(f"{'daemon':<6} {'requests':>9} {'gap p50':>8} {'gap p99':>8} {'p99/int':>8} {'max gap':>8} "
      f"{'spurious':>9} {'CPU %':>6} {'peak RSS':>9}")
for label in ("new", "base"):
    gaps = []
    for feed in healthy:
        stamps = sorted(times.get((label, feed), []))
        gaps += [b - a for a, b in zip(stamps, stamps[1:])]
    requests = sum(len(v) for (l, _), v in times.items() if l == label)
    spurious = 0
    for line in open(f"{work}/{label}/log"):
        if "event=fetch" in line and " error=" in line:
            match = re.search(r" feed=f(\d+)", line)
            if match and int(match.group(1)) in healthy:
                spurious += 1
    rows = [line.split() for line in open(f"{work}/{label}/samples").read().splitlines()[1:]]
    steady = [r for r in rows if float(r[0]) >= interval] or rows
    cpu = float("nan")
    if len(steady) >= 2:
        cpu = (float(steady[-1][2]) - float(steady[0][2])) / (float(steady[-1][0]) - float(steady[0][0])) * 100
    peak = int(open(f"{work}/{label}/peak").read() or 0) / 1024
    print(f"{label:<6} {requests:>9} {percentile(gaps, 0.5):>7.1f}s {percentile(gaps, 0.99):>7.1f}s "
          f"{percentile(gaps, 0.99) / interval:>8.2f} {max(gaps or [0]):>7.1f}s {spurious:>9} {cpu:>6.2f} "
          f"{peak:>7.1f}MB")
try:
    status = json.load(open(f"{work}/new/status.json")).get("daemon")
    if status:
        print(f"new daemon's queue at the end: {status['queue_length']} scheduled, {status['in_flight']} in flight, "
              f"lateness p50 {status['lateness_p50_ms']} ms, p99 {status['lateness_p99_ms']} ms")
except (OSError, ValueError):
    pass
